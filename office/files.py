"""The office files of a published run, written together into out/<year>/ (README: "What the
demo run leaves behind"): written aside and renamed into place (office/folders.py), so the
folder always holds the files of one run."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from office.dashboard import DASHBOARD_FILE, write_dashboard
from office.findings import write_unit_findings
from office.folders import swapped_folder
from office.templates import TEMPLATES_DIR, template_month, write_templates
from office.warnings_file import WARNINGS_FILE, write_warning_list
from office.workbook import RESULTS_FILE, write_results_workbook

FINDINGS_DIR = "单位反馈"


def write_office_files(
    out_dir: Path,
    year: int,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    quarantine: pl.DataFrame,
    last_month: int,
    warehouse: Path | None = None,
    county: str = "",
) -> Path:
    """考核结果.xlsx, 预警清单.xlsx, 单位反馈/ and the fill-in templates for the next report (填报模板/,
    the month after `last_month`, docs/templates.md) from the run's frames; with `warehouse`,
    also 看板.html, read from the published warehouse (so call this after publication)."""
    with swapped_folder(out_dir) as aside:
        write_results_workbook(
            aside / RESULTS_FILE,
            year=year,
            unit_score=marts["unit_score"],
            score_line_item=marts["score_line_item"],
            task_month_status=marts["task_month_status"],
            funding_execution=marts["funding_execution"],
            community_satisfaction=marts["community_satisfaction"],
            units=core["units"],
            tasks=core["tasks"],
            communities=core["communities"],
        )
        write_warning_list(aside / WARNINGS_FILE, marts["warning_list"], core["units"])
        write_unit_findings(
            aside / FINDINGS_DIR,
            year=year,
            units=core["units"],
            quarantine=quarantine,
            task_month_status=marts["task_month_status"],
            tasks=core["tasks"],
            reports=core["reports"],
        )
        write_templates(
            aside / TEMPLATES_DIR,
            year=year,
            month=template_month(last_month),
            units=core["units"],
            tasks=core["tasks"],
        )
        if warehouse is not None:
            write_dashboard(warehouse, year, aside / DASHBOARD_FILE, county)
    return out_dir
