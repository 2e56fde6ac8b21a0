"""预计逾期 in the office's warning list, a unit's findings and the dashboard's 本月要点."""

from __future__ import annotations

import polars as pl
from openpyxl import load_workbook

from office.dashboard.page import render_part
from office.dashboard.sections import forecast_ask
from office.workbooks.findings import write_unit_findings
from office.workbooks.warning_list import write_warning_list
from schemas.tables import QUARANTINE, TASK_FORECAST, TASK_MONTH_STATUS, WARNING_LIST

UNITS = pl.DataFrame(
    {
        "year": [2021, 2021],
        "unit_id": ["U1", "U2"],
        "unit_name": ["县民政局", "县妇联"],
        "communities": [[], []],
    }
)


def forecast(rows: list[tuple]) -> pl.DataFrame:
    """(task, unit, status, due, last, pace, projected, needed, finish, flagged) rows."""
    frame = pl.DataFrame(
        rows,
        schema=["task_id", "unit_id", "status", "due_month", "last_progress", "pace", "projected",
                "needed_pace", "finish_month", "flagged"],
        orient="row",
    )  # fmt: skip
    return frame.with_columns(
        year=pl.lit(2021), task_name=pl.format("任务{}", "task_id"), month=pl.lit(6),
        last_report_month=pl.lit(6), at_risk=pl.col("projected") < 100, run_id=pl.lit("r"),
    ).select(pl.col(c.name).cast(c.dtype) for c in TASK_FORECAST.columns)  # fmt: skip


FORECAST = forecast(
    [
        ("T1", "U1", "green", 12, 42.0, 7.0, 84.0, 9.67, 15, True),
        ("T2", "U2", "yellow", 9, 30.0, 5.0, 45.0, 23.3, 20, True),
        ("T3", "U1", "red", 8, 0.0, 0.0, 0.0, 12.5, None, False),  # red: on the warning list
    ]
)


def test_the_warning_list_has_the_flagged_tasks_most_behind_first(tmp_path):
    path = write_warning_list(
        tmp_path / "预警清单.xlsx",
        pl.DataFrame(schema=WARNING_LIST.polars_schema),
        UNITS,
        forecast=FORECAST,
    )
    rows = list(load_workbook(path, read_only=True)["预计逾期"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "单位编码"))
    body = [r[:7] for r in rows[header + 1 :]]
    assert body == [
        ("U2", "县妇联", "T2", "任务T2", "黄灯", 9, 30),
        ("U1", "县民政局", "T1", "任务T1", "绿灯", 12, 42),
    ]


def test_a_units_findings_say_which_of_its_tasks_will_miss(tmp_path):
    paths = write_unit_findings(
        tmp_path,
        year=2021,
        units=UNITS,
        quarantine=pl.DataFrame(schema=QUARANTINE.polars_schema),
        task_month_status=pl.DataFrame(schema=TASK_MONTH_STATUS.polars_schema),
        tasks=pl.DataFrame({"year": [2021], "task_id": ["T1"], "unit_id": ["U1"], "task_name": ["任务T1"]}),
        forecast=FORECAST,
    )  # fmt: skip
    names = {p.name: load_workbook(p, read_only=True).sheetnames for p in paths}
    assert "预计逾期" in names["U1_县民政局.xlsx"]


def test_the_dashboard_brief_lists_them_with_the_pace_needed():
    html = render_part(
        "forecast", ahead=forecast_ask(FORECAST, UNITS.select("unit_id", "unit_name"))
    )
    assert "预计逾期（今天绿灯或黄灯）" in html
    assert "按目前进度到12月约 84%，按期完成每月需 9.7 个百分点" in html
    assert "T3" not in html
