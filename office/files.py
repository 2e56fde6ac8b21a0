"""The office files of a published run, written together into out/<year>/ (README: "What the
demo run leaves behind"): written aside and renamed into place (office/folders.py), so the
folder always holds the files of one run, beside the kept bulletins of earlier months (历次通报/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from office.dashboard import DASHBOARD_FILE, write_dashboard
from office.edition import Edition, set_mtime, undated
from office.folders import swapped_folder
from office.workbooks.fill_in import TEMPLATES_DIR, template_month, write_templates
from office.workbooks.findings import write_unit_findings
from office.workbooks.results import RESULTS_FILE, write_results_workbook
from office.workbooks.warning_list import WARNINGS_FILE, write_warning_list

FINDINGS_DIR = "单位反馈"
KEPT_DIR = "历次通报"  # out/<year>/历次通报/<MM>月/: the latest publication of each month assessed
KEPT_FILES = (RESULTS_FILE, WARNINGS_FILE, DASHBOARD_FILE)


def keep_bulletins(out_dir: Path, aside: Path, edition: Edition) -> None:
    """Carry the kept bulletins of earlier months over from `out_dir` into `aside`, and keep this
    publication's as its month's (replacing an earlier night's of the same month): a July
    printout stays findable in November, and tells itself apart by its edition line."""
    kept = aside / KEPT_DIR
    if (out_dir / KEPT_DIR).is_dir():
        shutil.copytree(out_dir / KEPT_DIR, kept, copy_function=shutil.copy2)
    if edition.month <= 0:
        return
    month = kept / edition.folder
    shutil.rmtree(month, ignore_errors=True)
    month.mkdir(parents=True)
    for name in KEPT_FILES:
        if (aside / name).is_file():
            shutil.copy2(aside / name, month / name)


def write_office_files(
    out_dir: Path,
    year: int,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    quarantine: pl.DataFrame,
    last_month: int,
    warehouse: Path | None = None,
    county: str = "",
    edition: Edition | None = None,
) -> Path:
    """考核结果.xlsx, 预警清单.xlsx, 单位反馈/ and the fill-in templates for the next report (填报模板/,
    the month after `last_month`, docs/templates.md) from the run's frames; with `warehouse`,
    also 看板.html, read from the published warehouse (so call this after publication).

    Every file says which publication it is (`edition`: as-of date, month assessed, 临时/最终)
    and carries its date as its modification time; 历次通报/<MM>月/ keeps the latest bulletin of
    every month assessed (docs/dashboard.md, "Dated and kept")."""
    edition = edition or undated(year, last_month)
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
            edition=edition,
        )
        write_warning_list(
            aside / WARNINGS_FILE,
            marts["warning_list"],
            core["units"],
            marts.get("status_correction"),
            marts.get("rank_change"),
            edition,
            marts.get("task_forecast"),
        )
        write_unit_findings(
            aside / FINDINGS_DIR,
            year=year,
            units=core["units"],
            quarantine=quarantine,
            task_month_status=marts["task_month_status"],
            tasks=core["tasks"],
            reports=core.get("reports"),
            score_line_item=marts["score_line_item"],
            edition=edition,
            forecast=marts.get("task_forecast"),
        )
        write_templates(
            aside / TEMPLATES_DIR,
            year=year,
            month=template_month(last_month),
            units=core["units"],
            tasks=core["tasks"],
            reports=core.get("reports"),
            edition=edition,
        )
        if warehouse is not None:
            write_dashboard(warehouse, year, aside / DASHBOARD_FILE, county, edition.timezone)
        set_mtime((p for p in aside.rglob("*") if p.is_file()), edition.dated)
        keep_bulletins(out_dir, aside, edition)
    return out_dir
