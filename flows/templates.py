"""`assess templates`: the fill-in templates of a published year (docs/templates.md).

Made from the published warehouse only (core.units, core.tasks and the last assessed month of
the year's published run), never from an inbox. No Prefect flow: it reads one DuckDB file
read-only and writes a folder of small workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows import config
from office.templates import TEMPLATES_DIR, template_month, write_templates
from warehouse.read import RunNotFound, published_plan


class TemplatesError(Exception):
    """Why no templates were written; str() is one Chinese line for the console."""


@dataclass(frozen=True)
class Written:
    run_id: str
    month: int
    folder: Path
    paths: list[Path]


def write_year_templates(
    year: int, month: int | None, warehouse: Path | None, out: Path | None
) -> Written:
    """Write `<out>/<year>/填报模板/` for `month` (default: the month after the published run's
    last assessed month, at most 12) from the year's published run."""
    conf = config.settings(warehouse=warehouse)
    folder = (out or conf.out) / str(year) / TEMPLATES_DIR
    try:
        plan = published_plan(conf.warehouse, year)
    except RunNotFound as exc:
        hint = f"先用 assess run --year {year} 发布该年度，或用 --warehouse 指定数据仓库"
        raise TemplatesError(f"无法生成填报模板：{exc}（{hint}）") from None
    except (duckdb.Error, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemplatesError(f"无法读取数据仓库 {conf.warehouse}：{reason}") from None
    month = month or template_month(plan.last_month)
    try:
        paths = write_templates(folder, year=year, month=month, units=plan.units, tasks=plan.tasks)
    except OSError as exc:
        raise TemplatesError(f"无法写入 {folder}：{exc.strerror or exc}") from None
    return Written(plan.run_id, month, folder, paths)
