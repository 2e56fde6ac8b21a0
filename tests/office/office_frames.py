"""A small year (three units, four tasks) as typed frames, and openpyxl helpers, for the
office workbook tests. Task names and texts carry formula-injection attempts on purpose."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl

from schemas.tables import (
    COMMUNITIES,
    COMMUNITY_SATISFACTION,
    FUNDING_EXECUTION,
    QUARANTINE,
    SCORE_LINE_ITEM,
    TASK_MONTH_STATUS,
    TASKS,
    UNIT_SCORE,
    UNITS,
    Table,
)

YEAR = 2021
RED, YELLOW, GREEN = "FFF8696B", "FFFFEB84", "FF63BE7B"
HYPERLINK, PLUS, AT = '=HYPERLINK("http://x","y")', "+1+2", "@SUM(A1)"
DDE = "=cmd|' /C calc'!A0"


def frame(table: Table, rows: list[dict]) -> pl.DataFrame:
    """A frame with exactly the table's columns and dtypes (absent values are null)."""
    names = [c.name for c in table.columns]
    return pl.DataFrame(
        [{n: row.get(n) for n in names} for row in rows], schema=table.polars_schema, orient="row"
    )


UNIT_ROWS = [("U01", "县民政局"), ("U02", "盐井街道"), ("U03", "蓬莱镇")]
TASK_ROWS = [
    ("T01", "U01", HYPERLINK, 1),
    ("T02", "U01", PLUS, 1),
    ("T03", "U02", AT, 1),
    ("T04", "U03", "完善社区便民服务中心", 2),
]
STATUS_ROWS = [  # task, unit, month, status, reason, late
    ("T01", "U01", 1, "green", "on_track", False),
    ("T01", "U01", 2, "yellow", "behind", True),
    ("T01", "U01", 3, "red", "missing", None),
    ("T02", "U01", 1, "green", "completed", False),
    ("T02", "U01", 2, "green", "completed", False),
    ("T02", "U01", 3, "green", "completed", False),
    ("T03", "U02", 1, "red", "missing", None),
    ("T03", "U02", 2, "green", "on_track", False),
    ("T03", "U02", 3, "yellow", "behind", False),
    ("T04", "U03", 2, "green", "on_track", False),
    ("T04", "U03", 3, "green", "on_track", False),
]


def units() -> pl.DataFrame:
    return frame(
        UNITS,
        [
            {"year": YEAR, "unit_id": u, "unit_name": n, "unit_type": "部门", "communities": []}
            for u, n in UNIT_ROWS
        ],
    )


def tasks() -> pl.DataFrame:
    return frame(
        TASKS,
        [
            {
                "year": YEAR,
                "task_id": t,
                "unit_id": u,
                "task_name": name,
                "metric": "进度",
                "target": 100.0,
                "weight": 1.0,
                "start_month": start,
                "due_month": 12,
                "budget": Decimal("0.00"),
            }
            for t, u, name, start in TASK_ROWS
        ],
    )


def communities() -> pl.DataFrame:
    return frame(
        COMMUNITIES,
        [
            {"year": YEAR, "community_id": "C01", "community_name": "玉峰社区"},
            {"year": YEAR, "community_id": "C02", "community_name": "=1+1"},
        ],
    )


def task_month_status() -> pl.DataFrame:
    return frame(
        TASK_MONTH_STATUS,
        [
            {
                "year": YEAR,
                "task_id": t,
                "unit_id": u,
                "month": m,
                "status": s,
                "reason": r,
                "late": late,
            }
            for t, u, m, s, r, late in STATUS_ROWS
        ],
    )


def funding_execution() -> pl.DataFrame:
    rows = [
        ("T01", "U01", "125000.00", "100000.50", 0.800004, "yellow"),
        ("T02", "U01", "0.00", "0.00", None, None),
        ("T03", "U02", "1234.50", "1500.00", 1.215067, "green"),
        ("T04", "U03", "20000.00", "1000.00", 0.05, "red"),
    ]
    return frame(
        FUNDING_EXECUTION,
        [
            {
                "year": YEAR,
                "task_id": t,
                "unit_id": u,
                "allocated": Decimal(a),
                "spent": Decimal(s),
                "execution": e,
                "status": st,
            }
            for t, u, a, s, e, st in rows
        ],
    )


def community_satisfaction() -> pl.DataFrame:
    return frame(
        COMMUNITY_SATISFACTION,
        [
            {
                "year": YEAR,
                "community_id": "C01",
                "valid_responses": 35,
                "invalid_responses": 2,
                "score": 86.5,
                "satisfaction_rate": 0.92,
            },
            {
                "year": YEAR,
                "community_id": "C02",
                "valid_responses": 10,
                "invalid_responses": 0,
                "score": 70.0,
                "satisfaction_rate": 0.7,
            },
        ],
    )


def score_line_item() -> pl.DataFrame:
    rows = [  # unit, component, rule, points, task, month, ref, detail
        ("U01", "work", "task_completion", 40.0, "T01", None, None, "完成度 50%"),
        ("U01", "satisfaction", "community_satisfaction", 17.3, None, None, "C01", "社区得分 86.5"),
        ("U01", "penalty", "red_month", -0.5, "T01", 3, None, "3月 红灯"),
        ("U01", "penalty", "missing_report", -0.5, "T01", 3, None, "3月 未报送"),
        ("U01", "penalty", "late_report", -0.2, "T01", 2, None, DDE),
        ("U02", "work", "task_completion", 70.0, "T03", None, None, "完成度 87.5%"),
        ("U02", "bonus", "honor_city", 1.0, None, None, "遂府发〔2021〕3号", "市级表彰"),
        ("U03", "work", "task_completion", 30.0, "T04", None, None, "完成度 37.5%"),
    ]
    return frame(
        SCORE_LINE_ITEM,
        [
            {
                "year": YEAR,
                "unit_id": u,
                "component": c,
                "rule_id": r,
                "points": p,
                "task_id": t,
                "month": m,
                "ref": ref,
                "detail": d,
            }
            for u, c, r, p, t, m, ref, d in rows
        ],
    )


def unit_score() -> pl.DataFrame:
    rows = [
        ("U01", "县民政局", 40.0, 17.3, 0.0, 1.2, "56.10", 2, "不合格", 1, 1),
        ("U02", "盐井街道", 70.0, 17.3, 1.0, 0.5, "87.80", 1, "良好", 1, 1),
        ("U03", "蓬莱镇", 30.0, 14.0, 0.0, 0.0, "44.00", 3, "不合格", 0, 0),
    ]
    return frame(
        UNIT_SCORE,
        [
            {
                "year": YEAR,
                "unit_id": u,
                "unit_name": n,
                "work": w,
                "satisfaction": s,
                "bonus": b,
                "penalty": p,
                "total": Decimal(t),
                "rank": rk,
                "grade": g,
                "red_months": red,
                "yellow_months": yel,
                "is_final": False,
                "run_id": "r1",
            }
            for u, n, w, s, b, p, t, rk, g, red, yel in rows
        ],
    )


def quarantine() -> pl.DataFrame:
    rows = [  # unit, source, file, sheet, row, column, value, reason (, task, month)
        (
            "U01",
            "reports",
            "reports/民政局.xlsx",
            "进度",
            5,
            "完成进度",
            "120%",
            '第5行 完成进度 "120%" 超出0-100范围',
            "T01",
            3,  # assessed, no other report: T01 in March is missing, but it was submitted
        ),
        (
            "U01",
            "reports",
            "reports/民政局.xlsx",
            "进度",
            3,
            "报送日期",
            "=1+1",
            '第3行 报送日期 "=1+1" 不是日期',
            "T02",
            4,  # not assessed yet (M = 3): can still be corrected on time
        ),
        (
            None,
            "surveys",
            "surveys/问卷.xlsx",
            "Sheet1",
            7,
            "1、您所在的社区",
            "不知道",
            "第7行 社区 不是试点社区",
        ),
        ("U99", "reports", "reports/x.csv", None, 2, "单位编码", "U99", "第2行 单位编码 未知"),
    ]
    other_year = frame(
        QUARANTINE,
        [
            {
                "run_id": "r0",
                "year": YEAR - 1,
                "unit_id": "U03",
                "source": "reports",
                "file": "old.xlsx",
                "row_number": 2,
                "reason": "去年的问题",
            }
        ],
    )
    return pl.concat(
        [
            frame(
                QUARANTINE,
                [
                    {
                        "run_id": "r1",
                        "year": YEAR,
                        "unit_id": u,
                        "source": s,
                        "file": f,
                        "sheet": sh,
                        "row_number": r,
                        "column": c,
                        "value": v,
                        "reason": why,
                        "task_id": rest[0] if rest else None,
                        "month": rest[1] if rest else None,
                    }
                    for u, s, f, sh, r, c, v, why, *rest in rows
                ],
            ),
            other_year,
        ]
    )


def results_kwargs() -> dict:
    return {
        "year": YEAR,
        "unit_score": unit_score(),
        "score_line_item": score_line_item(),
        "task_month_status": task_month_status(),
        "funding_execution": funding_execution(),
        "community_satisfaction": community_satisfaction(),
        "units": units(),
        "tasks": tasks(),
        "communities": communities(),
    }


# ---------------------------------------------------------------- reading back
def values(sheet, min_row: int = 1) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(min_row=min_row, values_only=True)]


def row_of(sheet, column: int, value: object) -> int:
    """The 1-based row whose cell in `column` (1-based) equals value."""
    for cells in sheet.iter_rows():
        if cells[column - 1].value == value:
            return cells[0].row
    raise AssertionError(f"{value!r} not found in {sheet.title}")


def fill(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def has_formulas(path: Path) -> bool:
    """Whether any worksheet of the file holds a formula (<f> element)."""
    with zipfile.ZipFile(path) as z:
        return any(
            b"<f>" in z.read(n) or b"<f " in z.read(n)
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
        )
