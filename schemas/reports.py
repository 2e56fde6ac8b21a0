"""Unit progress reports (docs/validation.md): sheet 进度 and the optional sheet 荣誉."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import codes
from schemas.codes import HONOR_LEVELS
from schemas.fields import (
    PARSE_ERRORS,
    Field,
    SheetChoice,
    SourceSpec,
    in_bounds,
    in_year,
    isin,
    optional,
    required,
    row_check,
)

PROGRESS_SHEET = "进度"
HONOR_SHEET = "荣誉"

# The limits (low, high, in_year, choices, max_chars) are those the reader checks and the
# fill-in templates validate in Excel (office/workbooks/fill_in.py): declared here only.
PROGRESS_FIELDS = (
    Field("unit_id", "单位编码", "id", aliases=("责任单位编码",)),
    Field("task_id", "任务编号", "id"),
    Field("month", "报告月份", "month", aliases=("月份",), low=1, high=12),
    Field("progress", "完成进度", "percent", required_column=False, low=0, high=100),
    Field("actual", "实际完成值", "number", required_column=False, low=0),
    Field("submitted_on", "报送日期", "date"),
    Field("note", "本月工作情况", "free_text", required_column=False, max_chars=500),
)
HONOR_FIELDS = (
    Field("unit_id", "单位编码", "id", aliases=("责任单位编码",), max_chars=50),
    Field("honor", "荣誉名称", "free_text", max_chars=200),
    Field("level", "级别", choices=tuple(HONOR_LEVELS)),
    Field("document_no", "文号", required_column=False, max_chars=100),
    Field("awarded_on", "授予日期", "date", in_year=True),
)


PROGRESS = SourceSpec(
    "reports",
    PROGRESS_FIELDS,
    SheetChoice(PROGRESS_SHEET, others=(HONOR_SHEET,)),
    folder="reports",
    label="进度月报",
    tables=("reports",),
    known_at="submitted_on",
)
HONORS = SourceSpec(
    "honors",
    HONOR_FIELDS,
    SheetChoice(HONOR_SHEET, or_first=False),
    folder="reports",
    label="荣誉表彰",
    tables=("honors",),
    known_at="awarded_on",
)


def progress_schema(unit_ids: list[str], task_ids: list[str], year: int) -> pa.DataFrameSchema:
    """Expects the typed frame joined with the plan: `_task_unit` and `_metric` of its task.

    A report submitted before the first day of its month is quarantined (docs/validation.md)."""
    f = {x.name: x for x in PROGRESS_FIELDS}
    known_task = pl.col("_task_unit").is_null()
    submitted, month = pl.col("submitted_on"), pl.col("month")
    not_before_month = (
        submitted.is_null() | month.is_null() | (submitted >= pl.date(year, month, 1))
    )
    return pa.DataFrameSchema(
        {
            "unit_id": required(f["unit_id"], checks=isin(unit_ids, "不是责任单位表中的单位")),
            "task_id": required(
                f["task_id"],
                checks=[
                    isin(task_ids, "不是年度计划中的任务"),
                    row_check(
                        known_task | (pl.col("_task_unit") == pl.col("unit_id")), "不是本单位的任务"
                    ),
                ],
            ),
            "month": required(f["month"], checks=in_bounds(f["month"], PARSE_ERRORS["month"])),
            "progress": optional(
                f["progress"],
                checks=[
                    in_bounds(f["progress"], f"超出{f['progress'].span}范围"),
                    row_check(
                        pl.col("progress").is_not_null()
                        | (pl.col("_metric").ne_missing(codes.PROGRESS)),
                        "未填写（进度类任务必填）",
                    ),
                ],
            ),
            "actual": optional(
                f["actual"],
                checks=[
                    in_bounds(f["actual"], "不能为负数"),
                    row_check(
                        pl.col("actual").is_not_null()
                        | (pl.col("_metric").ne_missing(codes.QUANTITY)),
                        "未填写（数量类任务必填）",
                    ),
                ],
            ),
            "submitted_on": required(
                f["submitted_on"], checks=row_check(not_before_month, "报送日期早于报告月份")
            ),
            "note": optional(f["note"]),
        },
        strict=False,
    )


def honor_schema(unit_ids: list[str], year: int) -> pa.DataFrameSchema:
    f = {x.name: x for x in HONOR_FIELDS}
    return pa.DataFrameSchema(
        {
            "unit_id": required(f["unit_id"], checks=isin(unit_ids, "不是责任单位表中的单位")),
            "honor": required(f["honor"]),
            "level": required(
                f["level"], checks=isin(f["level"].choices, "应为 国家级、省级 或 市级")
            ),
            "document_no": optional(f["document_no"]),
            "awarded_on": required(
                f["awarded_on"], checks=in_year(f["awarded_on"], year, f"不在{year}年内")
            ),
        },
        strict=False,
    )
