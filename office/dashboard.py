"""看板.html: the year's published run as one self-contained page (docs/dashboard.md).

Built from the warehouse only (the published run's history.* marts, mart.warning_list,
audit.run and the names in core), after each published run. Everything is inline (CSS, a
small script, bars drawn with CSS), so the file opens offline in any browser, reads on a
phone, and prints to A4 as the month's 通报.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

import polars as pl

from office import dashboard_parts as parts
from office.html import css_string, text
from warehouse.read import PublishedYear, published_year

DASHBOARD_FILE = "看板.html"
HERE = Path(__file__).parent
TITLE = "城乡社区治理试点目标考核通报"
SECTIONS = (
    ("ranking", "一、综合排名"),
    ("changes", "二、预警变化"),
    ("matrix", "三、红黄绿矩阵"),
    ("funding", "四、资金执行"),
    ("satisfaction", "五、社区满意度"),
    ("units", "六、单位得分构成"),
)


def write_dashboard(warehouse: Path, year: int, out_file: Path, county: str = "") -> Path:
    """Write the page of `year`'s published run to `out_file` (UTF-8)."""
    page = render(published_year(warehouse, year), county)
    out_file.write_text(page, encoding="utf-8")
    return out_file


def render(data: PublishedYear, county: str = "") -> str:
    """The whole page as one HTML string."""
    year = int(data.run["year"])
    title = f"{county}{year}年度{TITLE}"
    bodies = _section_bodies(data)
    sections = "".join(
        f'<section id="{key}" class="part"><h2>{text(name)}</h2>{bodies[key]}</section>'
        for key, name in SECTIONS
    )
    page = Template((HERE / "dashboard.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=text(title),
        css=(HERE / "dashboard.css").read_text(encoding="utf-8"),
        print_css=_print_css(title, data.run),
        masthead=_masthead(title, data.run),
        nav="".join(f'<a href="#{key}">{text(name[2:])}</a>' for key, name in SECTIONS),
        sections=sections,
        footer=_footer(data.run),
        js=(HERE / "dashboard.js").read_text(encoding="utf-8"),
    )


def _section_bodies(data: PublishedYear) -> dict[str, str]:
    marts, core = data.marts, data.core
    scores = marts["unit_score"].sort("rank", "unit_id", nulls_last=True)
    units = core["units"].select("unit_id", "unit_name").unique("unit_id", keep="first")
    tasks = core["tasks"].select("task_id", "unit_id", "task_name").unique("task_id")
    order = units.join(
        scores.select("unit_id", pl.col("rank").alias("order")), on="unit_id", how="left"
    )
    names = core["communities"].select("community_id", "community_name", "town")
    warnings = marts["warning_list"]
    lines = marts["score_line_item"]
    return {
        "ranking": parts.overview(scores, warnings) + parts.ranking(scores),
        "changes": parts.changes(warnings, units, data.previous),
        "matrix": parts.matrix(marts["task_month_status"], tasks, order),
        "funding": parts.funding(marts["funding_execution"], tasks, order),
        "satisfaction": parts.satisfaction(marts["community_satisfaction"], names, lines),
        "units": parts.waterfalls(scores, lines, tasks),
    }


def _assessed(run: dict) -> str:
    month = int(run["last_month"] or 0)
    if month == 0:
        return "尚无到期月份"
    return f"评估至{month}月（{'最终结果' if run['is_final'] else '临时结果'}）"


def _published_at(run: dict) -> str:
    at = run.get("finished_at")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "—"


def _masthead(title: str, run: dict) -> str:
    facts = [
        ("评估基准日", str(run["as_of"])),
        ("评估期", _assessed(run)),
        ("运行编号", str(run["run_id"])),
        ("发布时间", _published_at(run)),
    ]
    meta = "".join(f"<span>{text(k)}：<b>{text(v)}</b></span>" for k, v in facts)
    return f'<h1>{text(title)}</h1><p class="meta">{meta}</p>'


def _print_css(title: str, run: dict) -> str:
    """The running header and footer of every printed page (A4)."""
    running = f"{title}　评估基准日 {run['as_of']}　运行编号 {run['run_id']}"
    small = "font-size: 8pt; color: #5f6368;"
    return (
        "@page { size: A4; margin: 14mm 12mm 14mm 12mm;"
        f" @top-center {{ content: {css_string(running)}; {small} }}"
        ' @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";'
        f" {small} }} }}"
    )


def _footer(run: dict) -> str:
    return (
        f"<p>本页由考核数据仓库中 {text(run['year'])} 年度已发布运行 {text(run['run_id'])} "
        "的结果生成（mart.*、history.*、audit.run），与考核结果.xlsx、预警清单.xlsx 同源。"
        "各表说明见 docs/data-dictionary.md。</p>"
    )
