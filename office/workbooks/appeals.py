"""申诉清单.xlsx: the office's list from 公示 to 定稿 (docs/appeals.md).

Sheet 申诉: every appeal known at the as-of date, pending (待复核) first and the longest waiting
first among them, with the contested line as the office files show it, its points, the decision
and the points after it. Sheet 复核决定: every decision of the year and whether it counted (a
decision dated after the as-of date is listed, not applied).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from office.labels import COMPONENT_TEXT, RULE_TEXT, label
from office.published import PublishedYear
from office.workbooks.sheets import (
    Column,
    close_dated,
    new_workbook,
    of_year,
    write_edition,
    write_note,
    write_table,
)
from schemas.codes import PENDING
from schemas.tables import APPEAL, REVIEW_DECISION

APPEALS_FILE = "申诉清单.xlsx"
LINE = [
    Column("组成", "component_text"),
    Column("规则", "rule_text"),
    Column("任务编号", "task_id"),
    Column("月份", "month", "int"),
    Column("凭证或文号", "ref"),
]
APPEALS = [
    Column("申诉编号", "appeal_no"),
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    *LINE,
    Column("原分值", "points", "score"),
    Column("明细说明", "detail", "long"),
    Column("申诉理由", "reason", "long"),
    Column("提交日期", "submitted_on"),
    Column("复核结果", "status", "mark"),
    Column("等待天数", "days_waiting", "int"),
    Column("决定文号", "decision_no"),
    Column("决定日期", "decided_on"),
    Column("复核后分值", "points_after", "score"),
]
DECISIONS = [
    Column("决定文号", "decision_no"),
    Column("决定日期", "decided_on"),
    Column("申诉编号", "appeal_no"),
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("处理", "action", "mark"),
    *LINE,
    Column("分值", "points", "score"),
    Column("增加的明细分值", "line_points", "score"),
    Column("计分", "applied", "mark"),
    Column("未计分原因", "not_applied"),
    Column("理由", "reason", "long"),
]
APPEALS_NOTE = (
    "待复核的申诉在前（等待最久的在前）；等待天数：待复核的到基准日，已复核的到决定日期。"
)
DECISIONS_NOTE = "基准日之后的决定列出、不计分；同一明细有多个决定时以最晚者为准。"


def _shown(frame: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    names = units.select("unit_id", "unit_name").unique("unit_id", keep="first")
    return frame.join(names, on="unit_id", how="left", maintain_order="left").with_columns(
        label("component", COMPONENT_TEXT).alias("component_text"),
        label("rule_id", RULE_TEXT).alias("rule_text"),
    )


def appeal_list(appeals: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Pending first, the longest waiting first among them; then by appeal number."""
    pending = pl.col("status") == PENDING
    return _shown(appeals, units).sort(
        [pending, "days_waiting", "appeal_no"], descending=[True, True, False], nulls_last=True
    )


def write_appeals(published: PublishedYear, path: Path) -> Path:
    """The registered writer (office/outputs.py)."""
    edition, marts = published.edition, published.marts
    units = of_year(published.core["units"], edition.year)
    title = f"{edition.year}年度申诉清单"
    appeals = marts.get("appeal", pl.DataFrame(schema=APPEAL.polars_schema))
    decisions = marts.get("review_decision", pl.DataFrame(schema=REVIEW_DECISION.polars_schema))
    sheets = (
        ("申诉", appeal_list(appeals, units), APPEALS, APPEALS_NOTE),
        (
            "复核决定",
            _shown(decisions, units).sort("decided_on", "decision_no"),
            DECISIONS,
            DECISIONS_NOTE,
        ),
    )
    cells = sum(frame.height * len(columns) for _, frame, columns, _ in sheets)
    workbook, formats = new_workbook(path, edition.year, title, cells=cells, edition=edition)
    for name, frame, columns, note in sheets:
        sheet = workbook.add_worksheet(name)
        write_edition(sheet, 0, title, edition, formats.get("title"))
        write_note(sheet, 1, note if frame.height else f"{note}（无）", formats.get("title"))
        write_table(sheet, frame, columns, formats, top=2, freeze_cols=3)
    close_dated(workbook, title, edition)
    return path
