"""`assess templates`: the fill-in templates of a published year (docs/templates.md).

Made from the published warehouse only (core.units, core.tasks and the last assessed month of
the year's published run), never from an inbox. No Prefect flow: it reads the warehouse
read-only (Warehouse.published_plan) and writes a folder of small workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows import config
from office.edition import Edition
from office.workbooks.fill_in import TEMPLATES_DIR, template_month, write_templates
from schemas.rules import DEFAULT_RULES, Rules, RulesError, parse_rules
from warehouse import archive
from warehouse.location import RunNotFound


def _rules(archive_root: Path, sha256: str | None) -> Rules:
    """The published run's rules (its archived rules.toml: the due day of the reports)."""
    if not sha256:
        return DEFAULT_RULES
    try:
        data, _ = archive.fetch(archive_root, sha256)
        return parse_rules(data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, RulesError):  # not archived here: the defaults
        return DEFAULT_RULES


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
    try:
        conf = config.settings(warehouse=warehouse)
    except config.SettingsError as exc:
        raise TemplatesError(str(exc)) from None
    folder = (out or conf.out) / str(year) / TEMPLATES_DIR
    try:
        plan = conf.warehouse.published_plan(year)
    except RunNotFound as exc:
        hint = f"先用 assess run --year {year} 发布该年度，或用 --warehouse 指定数据仓库"
        raise TemplatesError(f"无法生成填报模板：{exc}（{hint}）") from None
    except (duckdb.Error, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemplatesError(f"无法读取数据仓库 {conf.warehouse}：{reason}") from None
    month = month or template_month(plan.last_month)
    edition = Edition(
        year,
        plan.last_month,
        plan.last_month == 12,
        plan.as_of,
        plan.run_id,
        rules=_rules(conf.archive, plan.rules_sha256),
        timezone=conf.timezone,
    )
    try:
        paths = write_templates(
            folder,
            year=year,
            month=month,
            units=plan.units,
            tasks=plan.tasks,
            reports=plan.reports,
            edition=edition,
        )
    except OSError as exc:
        raise TemplatesError(f"无法写入 {folder}：{exc.strerror or exc}") from None
    return Written(plan.run_id, month, folder, paths)
