"""看板.html: the year's published run as one self-contained page (docs/dashboard.md).

Made from the published year (office/published.py: the run's marts as published, with its
warning list, corrections, rank changes and forecast, its edition and the names in core),
after each published run; `write_dashboard` reads the same back from the warehouse. Everything
is inline (CSS, a small script, bars drawn with CSS), so the file opens offline in any browser,
reads on a phone, and prints to A4 as the month's 通报.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

import polars as pl

from office.dashboard import sections as parts
from office.dashboard.values import css_string, text
from office.edition import DEFAULT_TIMEZONE, Edition
from office.published import PublishedYear, read_published

DASHBOARD_FILE = "看板.html"
HERE = Path(__file__).parent
TITLE = "城乡社区治理试点目标考核通报"
SECTIONS = (
    ("brief", "一、本月要点"),
    ("ranking", "二、综合排名"),
    ("changes", "三、预警变化"),
    ("matrix", "四、红黄绿矩阵"),
    ("funding", "五、资金执行"),
    ("satisfaction", "六、社区满意度"),
    ("units", "七、单位得分构成"),
)


def write_page(published: PublishedYear, out_file: Path) -> Path:
    """Write the page of the published year to `out_file` (UTF-8): the registered writer."""
    out_file.write_text(render(published), encoding="utf-8")
    return out_file


def write_dashboard(
    warehouse: Path,
    year: int,
    out_file: Path,
    county: str = "",
    timezone: str = DEFAULT_TIMEZONE,
) -> Path:
    """Write the page of `year`'s published run, read back from `warehouse`, to `out_file`
    (assess approve: the page says 定稿 from the approval on)."""
    return write_page(read_published(warehouse, year, county, timezone), out_file)


def render(published: PublishedYear) -> str:
    """The whole page as one HTML string; times in the edition's time zone."""
    edition = published.edition
    title = f"{published.county}{edition.year}年度{TITLE}"
    bodies = _section_bodies(published, edition.month)
    sections = "".join(
        f'<section id="{key}" class="part"><h2>{text(name)}</h2>{bodies[key]}</section>'
        for key, name in SECTIONS
    )
    page = Template((HERE / "templates" / "page.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=text(title),
        css=(HERE / "assets" / "dashboard.css").read_text(encoding="utf-8"),
        print_css=_print_css(title, edition),
        masthead=_masthead(title, edition),
        nav="".join(f'<a href="#{key}">{text(name[2:])}</a>' for key, name in SECTIONS),
        sections=sections,
        footer=_colophon(edition),
        js=(HERE / "assets" / "dashboard.js").read_text(encoding="utf-8"),
    )


def _section_bodies(data: PublishedYear, month: int) -> dict[str, str]:
    marts, core = data.marts, data.core
    ranks = marts.get("rank_change")
    scores = parts.with_ranks(marts["unit_score"].sort("rank", "unit_id", nulls_last=True), ranks)
    units = core["units"].select("unit_id", "unit_name").unique("unit_id", keep="first")
    tasks = core["tasks"].select("task_id", "unit_id", "task_name").unique("task_id")
    order = units.join(
        scores.select("unit_id", pl.col("rank").alias("order")), on="unit_id", how="left"
    )
    names = core["communities"].select("community_id", "community_name", "town")
    warnings = marts["warning_list"]
    lines = marts["score_line_item"]
    return {
        "brief": parts.brief(scores, warnings, units, month, marts.get("task_forecast")),
        "ranking": parts.ranking(scores),
        "changes": parts.changes(warnings, marts.get("status_correction"), units, month),
        "matrix": parts.matrix(marts["task_month_status"], tasks, order),
        "funding": parts.funding(marts["funding_execution"], tasks, order),
        "satisfaction": parts.satisfaction(marts["community_satisfaction"], names, lines),
        "units": parts.waterfalls(scores, lines, tasks),
    }


def _masthead(title: str, edition: Edition) -> str:
    kind = "final" if edition.is_final else "provisional"
    facts = [
        ("评估基准日", str(edition.as_of)),
        ("评估期", edition.assessed),
        ("发布时间", f"{edition.local()}（北京时间）" if _beijing(edition) else edition.local()),
    ]
    meta = "".join(f"<span>{text(k)}：<b>{text(v)}</b></span>" for k, v in facts)
    label = f"{edition.kind}结果" + (f"·{edition.signed_off}" if edition.signed_off else "")
    badge = f'<span class="kind {kind}">{text(label)}</span>'
    return f'<h1>{text(title)}{badge}</h1><p class="meta">{meta}</p>'


def _beijing(edition: Edition) -> bool:
    return edition.timezone in ("Asia/Shanghai", "Asia/Chongqing", "PRC")


def _print_css(title: str, edition: Edition) -> str:
    """The running header and footer of every printed page (A4): which publication this is."""
    running = f"{title}　{edition.line}"
    small = "font-size: 8pt; color: #5f6368;"
    return (
        "@page { size: A4; margin: 14mm 12mm 14mm 12mm;"
        f" @top-center {{ content: {css_string(running)}; {small} }}"
        ' @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";'
        f" {small} }} }}"
    )


def _colophon(edition: Edition) -> str:
    """For whoever must trace the page back to the warehouse, in small print at the end."""
    return (
        f'<p class="colophon">数据来源：考核数据仓库 {text(edition.year)} 年度已发布运行 '
        f"{text(edition.run_id)}（mart.unit_score、mart.score_line_item、mart.task_month_status、"
        "mart.warning_list、mart.status_correction、mart.rank_change、audit.run），"
        "与考核结果.xlsx、预警清单.xlsx 同源。</p>"
    )
