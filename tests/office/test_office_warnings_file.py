"""预警清单.xlsx: one sheet, Chinese labels, rows coloured by status."""

from __future__ import annotations

import polars as pl

from office.labels import CHANGE_TEXT
from office.warnings_file import WARNINGS_FILE, write_warning_list
from schemas.tables import TASK_MONTH_STATUS, WARNING_LIST
from tests.office.office_frames import (
    GREEN,
    HYPERLINK,
    RED,
    YEAR,
    YELLOW,
    fill,
    frame,
    has_formulas,
    load,
    task_month_status,
    tasks,
    units,
    values,
)
from transforms.warnings import warning_list


def previous() -> pl.DataFrame:
    """The run before: February was the last assessed month."""
    return task_month_status().filter(pl.col("month") <= 2)


def test_warning_list_workbook(tmp_path):
    warnings = warning_list(task_month_status(), previous(), tasks(), "r2")
    path = write_warning_list(tmp_path / WARNINGS_FILE, warnings, units())
    assert path.name == "预警清单.xlsx"
    book = load(path)
    assert book.sheetnames == ["预警清单"]
    sheet = book["预警清单"]
    assert values(sheet) == [
        (
            "单位编码",
            "单位名称",
            "任务编号",
            "任务内容",
            "评估月份",
            "状态",
            "原因",
            "上次状态",
            "变化",
        ),
        ("U01", "县民政局", "T01", HYPERLINK, 3, "红灯", "未报送", "黄灯", "黄转红"),
        ("U02", "盐井街道", "T03", "@SUM(A1)", 3, "黄灯", "进度滞后", "绿灯", "新增黄灯"),
    ]
    assert [fill(c) for c in sheet[2]] == [RED] * 9
    assert [fill(c) for c in sheet[3]] == [YELLOW] * 9
    assert sheet["D2"].data_type == "s"
    assert sheet["E2"].data_type == "n"
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref == "A1:I3"
    assert not has_formulas(path)


def test_recovered_rows_are_green(tmp_path):
    now = task_month_status().with_columns(
        pl.when(pl.col("task_id") == "T01")
        .then(pl.lit("green"))
        .otherwise("status")
        .alias("status")
    )
    before = frame(
        TASK_MONTH_STATUS,
        [
            {
                "year": YEAR,
                "task_id": "T01",
                "unit_id": "U01",
                "month": 2,
                "status": "red",
                "reason": "missing",
            }
        ],
    )
    warnings = warning_list(now, before, tasks(), "r3")
    sheet = load(write_warning_list(tmp_path / WARNINGS_FILE, warnings, units()))["预警清单"]
    rows = values(sheet)
    assert rows[-1][2] == "T01" and rows[-1][-2:] == ("红灯", "已恢复")
    assert {fill(c) for c in sheet[len(rows)]} == {GREEN}
    assert rows[1][-1] == "新增黄灯"  # T03 yellow now, not assessed before


def test_every_change_has_a_chinese_label(tmp_path):
    changes = [
        "newly_red",
        "newly_yellow",
        "still_red",
        "still_yellow",
        "red_to_yellow",
        "yellow_to_red",
        "recovered",
        "new",
    ]
    assert list(CHANGE_TEXT) == changes
    assert all(code in WARNING_LIST.columns[8].comment for code in changes)
    warnings = frame(
        WARNING_LIST,
        [
            {
                "year": YEAR,
                "task_id": f"T{i}",
                "unit_id": "U01",
                "task_name": "任务",
                "month": 3,
                "status": "red",
                "reason": "behind",
                "change": code,
                "run_id": "r",
            }
            for i, code in enumerate(changes)
        ],
    )
    sheet = load(write_warning_list(tmp_path / "w.xlsx", warnings, units()))["预警清单"]
    assert [r[-1] for r in values(sheet, 2)] == [CHANGE_TEXT[c] for c in changes]


def test_empty_list_and_reproducible(tmp_path):
    empty = frame(WARNING_LIST, [])
    first = write_warning_list(tmp_path / "a.xlsx", empty, units())
    second = write_warning_list(tmp_path / "b.xlsx", empty, units())
    assert first.read_bytes() == second.read_bytes()
    assert load(first)["预警清单"].max_row == 1
    assert load(first).properties.created.year == YEAR
