"""看板.html: the year's published run as one self-contained page (docs/dashboard.md).

Made from the published year (office/published.py: the run's marts as published, with its
warning list, corrections, rank changes and forecast, its edition and the names in core),
after each published run; `write_dashboard` reads the same back from the warehouse. The
sections' values come from sections.py, the markup from the Jinja2 templates in templates/
(autoescaping on: every value from the data is escaped). Everything is inline (CSS, a small
script, bars drawn with CSS), so the file opens offline in any browser, reads on a phone, and
prints to A4 as the month's 通报.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl
from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from office.dashboard import sections
from office.dashboard.values import css_string
from office.edition import DEFAULT_TIMEZONE
from office.published import PublishedYear, read_published
from warehouse.location import Warehouse

DASHBOARD_FILE = "看板.html"
ASSETS = Path(__file__).parent / "assets"
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
BEIJING = ("Asia/Shanghai", "Asia/Chongqing", "PRC")


class OneLine(Extension):
    """The section templates (parts/) are written one element per line, for people to read;
    their line breaks and the indentation after them are dropped when loaded. The page has no
    whitespace between its elements: between inline ones it would show as a space, and the
    page's tests and scripts read a table row as one line."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return re.sub(r"\n[ \t]*", "", source) if name and name.startswith("parts/") else source


class RowsEnvironment(Environment):
    """The sections' rows are dicts: `row.name` looks the key up first. (Jinja tries the
    attribute first, and a failed attribute lookup costs an exception per value shown.)"""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@cache
def environment() -> Environment:
    env = RowsEnvironment(
        loader=PackageLoader("office.dashboard", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,  # a misspelt name fails loudly, never renders as nothing
        extensions=[OneLine],
    )
    env.filters["css_string"] = lambda text: Markup(css_string(text))
    return env


@cache
def _asset(name: str) -> Markup:
    """The page's own CSS or script, inlined as written."""
    return Markup((ASSETS / name).read_text(encoding="utf-8"))


def write_page(published: PublishedYear, out_file: Path) -> Path:
    """Write the page of the published year to `out_file` (UTF-8): the registered writer."""
    out_file.write_text(render(published), encoding="utf-8")
    return out_file


def write_dashboard(
    warehouse: Warehouse | Path,
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
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            title=title,
            running=f"{title}　{edition.line}",  # every printed page's header
            edition=edition,
            beijing=edition.timezone in BEIJING,
            sections=SECTIONS,
            parts=_parts(published),
            css=_asset("dashboard.css"),
            js=_asset("dashboard.js"),
        )
    )


def render_part(name: str, **context: object) -> str:
    """One part of the page (templates/parts/<name>.html.j2) on its own, e.g. for a test."""
    return environment().get_template(f"parts/{name}.html.j2").render(**context)


def _parts(published: PublishedYear) -> dict[str, sections.View]:
    """What each section shows, by its key in SECTIONS."""
    marts, core = published.marts, published.core
    scores = sections.with_ranks(
        marts["unit_score"].sort("rank", "unit_id", nulls_last=True), marts.get("rank_change")
    )
    units = core["units"].select("unit_id", "unit_name").unique("unit_id", keep="first")
    tasks = core["tasks"].select("task_id", "unit_id", "task_name").unique("task_id")
    order = units.join(
        scores.select("unit_id", pl.col("rank").alias("order")), on="unit_id", how="left"
    )
    names = core["communities"].select("community_id", "community_name", "town")
    warnings, lines, month = marts["warning_list"], marts["score_line_item"], published.month
    return {
        "brief": sections.brief(scores, warnings, units, month, marts.get("task_forecast")),
        "ranking": sections.ranking(scores),
        "changes": sections.changes(warnings, marts.get("status_correction"), units, month),
        "matrix": sections.matrix(marts["task_month_status"], tasks, order),
        "funding": sections.funding(marts["funding_execution"], tasks, order),
        "satisfaction": sections.satisfaction(marts["community_satisfaction"], names, lines),
        "units": sections.waterfalls(scores, lines, tasks, marts.get("appeal")),
    }
