"""预警清单.xlsx: the early-warning list (transforms.warnings.warning_list) for the office."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from office.labels import CHANGE_TEXT, STATUS_TEXT, label
from office.sheets import Column, new_workbook, of_year, write_table
from schemas.codes import REASON_TEXT

WARNINGS_FILE = "预警清单.xlsx"
COLUMNS = [
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("评估月份", "month", "int"),
    Column("状态", "status_text", "mark"),
    Column("原因", "reason_text"),
    Column("上次状态", "previous_text", "mark"),
    Column("变化", "change_text", "mark"),
]


def warning_frame(warnings: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """The list in its given order, with unit names and Chinese labels."""
    names = units.select("unit_id", "unit_name").unique("unit_id", keep="first")
    return warnings.join(names, on="unit_id", how="left", maintain_order="left").with_columns(
        label("status", STATUS_TEXT).alias("status_text"),
        label("reason", REASON_TEXT).alias("reason_text"),
        label("previous_status", STATUS_TEXT).alias("previous_text"),
        label("change", CHANGE_TEXT).alias("change_text"),
    )


def _year(*frames: pl.DataFrame) -> int:
    for frame in frames:
        if "year" in frame.columns and frame["year"].drop_nulls().len():
            return int(frame["year"].drop_nulls()[0])
    return 1980  # an empty list: any fixed year keeps the output reproducible


def write_warning_list(path: Path | str, warnings: pl.DataFrame, units: pl.DataFrame) -> Path:
    """Write 预警清单.xlsx: one sheet, one row per listed task, each row coloured by status."""
    path = Path(path)
    year = _year(warnings, units)
    frame = warning_frame(warnings, of_year(units, year))
    workbook, formats = new_workbook(
        path, year, f"{year}年度预警清单", cells=frame.height * len(COLUMNS)
    )
    sheet = workbook.add_worksheet("预警清单")
    coloured = [Column(c.header, c.source, c.kind, fill="status") for c in COLUMNS]
    write_table(sheet, frame, coloured, formats, freeze_cols=4)
    workbook.close()
    return path
