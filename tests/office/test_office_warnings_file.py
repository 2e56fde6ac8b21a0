"""预警清单.xlsx: Chinese labels, rows coloured by status, dated; corrections and ranks apart."""

from __future__ import annotations

import datetime as dt

import polars as pl

from office.edition import Edition
from office.labels import CHANGE_TEXT
from office.workbooks.warning_list import WARNINGS_FILE, write_warning_list
from schemas.tables import WARNING_LIST
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
    unit_score,
    units,
    values,
)
from transforms.warning_list import corrections, rank_changes, warning_list

EDITION = Edition(YEAR, 3, False, dt.date(2021, 4, 20), "r2")


def test_warning_list_workbook(tmp_path):
    warnings = warning_list(task_month_status(), tasks(), "r2", 3)
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
            "实际进度",
            "计划进度",
            "连续月数",
            "上月状态",
            "变化",
        ),
        ("U01", "县民政局", "T01", HYPERLINK, 3, "红灯", "未报送", None, None, 1, "黄灯", "黄转红"),
        (
            "U02",
            "盐井街道",
            "T03",
            "@SUM(A1)",
            3,
            "黄灯",
            "进度滞后",
            None,
            None,
            1,
            "绿灯",
            "新增黄灯",
        ),
    ]
    assert [fill(c) for c in sheet[2]] == [RED] * 12
    assert [fill(c) for c in sheet[3]] == [YELLOW] * 12
    assert sheet["D2"].data_type == "s"
    assert sheet["E2"].data_type == "n"
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref == "A1:L3"
    assert not has_formulas(path)


def test_dated_with_corrections_and_ranks_apart(tmp_path):
    """With its edition the list says which publication it is, on screen and in the print
    header; corrections and rank changes have sheets of their own."""
    warnings = warning_list(task_month_status(), tasks(), "r2", 3)
    # last month's publication said T03 was green in January; now it is red (not reported)
    t03 = pl.col("task_id") == "T03"
    then = (
        task_month_status()
        .filter(pl.col("month") <= 2)
        .with_columns(
            status=pl.when(t03).then(pl.lit("green")).otherwise("status"),
            reason=pl.when(t03).then(pl.lit("on_track")).otherwise("reason"),
        )
    )
    fixed = corrections(task_month_status(), then, "r1", tasks(), "r2")
    before = unit_score().with_columns(rank=pl.Series([3, 1, 2], dtype=pl.Int32))
    ranks = rank_changes(unit_score(), before, "r1", "r2")
    path = write_warning_list(tmp_path / WARNINGS_FILE, warnings, units(), fixed, ranks, EDITION)
    book = load(path)
    assert book.sheetnames == ["预警清单", "状态更正", "排名变化"]
    top = book["预警清单"]
    assert top["A1"].value == "2021年度预警清单　2021年度　评估至3月（临时结果）　基准日 2021-04-20"
    assert values(top, 3)[0][2] == "T01"
    assert "基准日 2021-04-20" in top.oddHeader.right.text
    assert values(book["状态更正"], 4) == [
        ("U02", "盐井街道", "T03", "@SUM(A1)", 1, "绿灯", "按计划", "红灯", "未报送"),
    ]
    assert values(book["排名变化"], 3) == [
        ("排名", "单位编码", "单位名称", "总分", "上月排名", "上月总分", "名次变化"),
        (1, "U02", "盐井街道", 87.8, 1, 87.8, "—"),
        (2, "U01", "县民政局", 56.1, 3, 56.1, "↑1"),
        (3, "U03", "蓬莱镇", 44.0, 2, 44.0, "↓1"),
    ]
    assert load(path).properties.created == dt.datetime(2021, 4, 19, 16, 0)  # 20 April, Beijing


def test_recovered_rows_are_green(tmp_path):
    now = task_month_status().with_columns(
        pl.when((pl.col("task_id") == "T01") & (pl.col("month") == 3))
        .then(pl.lit("green"))
        .otherwise("status")
        .alias("status")
    )
    warnings = warning_list(now, tasks(), "r3", 3)
    sheet = load(write_warning_list(tmp_path / WARNINGS_FILE, warnings, units()))["预警清单"]
    rows = values(sheet)
    assert rows[-1][2] == "T01" and rows[-1][-2:] == ("黄灯", "已恢复")
    assert {fill(c) for c in sheet[len(rows)]} == {GREEN}
    assert rows[1][-1] == "新增黄灯"  # T03 yellow in March, green in February


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
    comment = next(c.comment for c in WARNING_LIST.columns if c.name == "change")
    assert all(code in comment for code in changes[:-1])  # `new`: only in lists of older runs
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
