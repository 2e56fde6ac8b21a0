"""The office's 申诉清单.xlsx and each unit's appeal sheets (docs/appeals.md), on the demo: the
list puts pending appeals first, and a unit's 申诉填报 sheet, filled in and put into appeals/,
is read as it is and names its line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from flows.tasks import take_in, unwrap
from office.edition import undated
from office.published import PublishedYear
from office.workbooks.appeals import write_appeals
from office.workbooks.findings import FILE_SHEET, write_findings
from transforms.year import compute_year

ROOT = Path(__file__).resolve().parents[2]
FINAL = dt.date(2022, 1, 31)


def computed(inbox: Path, archive: Path):
    files = unwrap(take_in.fn(inbox, archive)).files
    return compute_year(2021, FINAL, files, lambda: b"appeals-key")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    got = computed(ROOT / "demo/inbox/2021", tmp_path_factory.mktemp("archive"))
    return PublishedYear(undated(2021, 12), got.marts, got.core)


def rows(path: Path, sheet: str) -> list[tuple]:
    """The table's rows, below its edition line, note and header."""
    found = load_workbook(path, read_only=True)[sheet]
    return [r for r in found.iter_rows(min_row=4, values_only=True) if any(r)]


def test_the_list_puts_pending_appeals_first_and_lists_every_decision(demo, tmp_path):
    path = write_appeals(demo, tmp_path / "申诉清单.xlsx")
    shown = [(r[0], r[12], r[13], r[14], r[16]) for r in rows(path, "申诉")]
    assert shown == [
        ("SS-04", "待复核", 6, None, -1),  # the longest waiting pending appeal first
        ("SS-05", "待复核", 5, None, -1),  # its decision is dated after the as-of date
        ("SS-01", "撤销", 10, "大英目考〔2022〕2号", 0),
        ("SS-02", "改分", 8, "大英目考〔2022〕3号", -1),
        ("SS-03", "维持", 7, "大英目考〔2022〕4号", -0.2),
    ]
    decided = [(r[0], r[5], r[13], r[14]) for r in rows(path, "复核决定")]
    assert decided[-1] == ("大英目考〔2022〕7号", "撤销", "否", "决定日期晚于基准日")
    assert [d[2] for d in decided[:-1]] == ["是"] * 5


def test_a_filled_in_appeal_sheet_is_read_from_appeals_as_it_is(demo, tmp_path):
    written = write_findings(demo, tmp_path / "单位反馈")
    dy17 = next(p for p in written if p.name.startswith("DY17_"))
    book = load_workbook(dy17)
    lines = [r for r in book["可申诉明细"].iter_rows(min_row=3, values_only=True) if any(r)]
    late = next(r for r in lines if r[0] == "迟报")  # copied as the sheet shows it
    book[FILE_SHEET].append(
        ["SS-20", "DY17", late[0], late[1], late[2], late[3], "7月报告按时报送", "2022-01-28"]
    )
    inbox = tmp_path / "inbox" / "2021"
    shutil.copytree(ROOT / "demo/inbox/2021", inbox)
    book.save(inbox / "appeals" / dy17.name)
    again = computed(inbox, tmp_path / "archive")
    filed = again.marts["appeal"].filter(appeal_no="SS-20")
    assert filed.select("rule_id", "task_id", "month", "points", "status").rows() == [
        ("late_report", "T003", 7, -0.2, "待复核")
    ]
    counts = again.loaded["appeals"].read_counts
    assert counts.filter(file=f"appeals/{dy17.name}")["rows_read"].to_list() == [1]


def test_the_waterfall_marks_contested_and_decision_lines(demo):
    from office.dashboard.sections import appeal_marks

    marked = appeal_marks(demo.marts["score_line_item"], demo.marts["appeal"])
    shown = marked.filter(pl.col("mark").is_not_null()).select("unit_id", "rule_id", "mark")
    assert sorted(shown.rows()) == [
        ("DY03", "late_report", "已复核：维持"),
        ("DY08", "low_execution", "申诉中"),
        ("DY09", "voucher_conflict", "申诉中"),
        ("DY12", "decision_bonus", "复核决定"),
        ("DY14", "decision_penalty", "复核决定"),
        ("DY17", "decision_void", "复核决定"),
        ("DY17", "red_month", "已复核：撤销"),
        ("DY20", "decision_change", "复核决定"),
        ("DY20", "overspent", "已复核：改分"),
    ]
