"""预警清单.xlsx: what the office reads every morning (docs/dashboard.md, "What changed").

Sheet 预警清单: every task red or yellow at the month assessed (M), and those recovered at M,
with the change against M-1, progress against plan and the months in a row. Sheet 状态更正:
earlier months whose status changed since last month's publication, apart from the month's
changes. Sheet 排名变化: every unit's rank and total beside last month's, with an arrow.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from office.edition import Edition
from office.labels import CHANGE_TEXT, STATUS_TEXT, label, movement_text
from office.published import PublishedYear
from office.workbooks.forecast import FORECAST_SHEET, flagged_frame
from office.workbooks.forecast import OFFICE_NOTE as FORECAST_NOTE
from office.workbooks.forecast import UNIT_COLUMNS as FORECAST_COLUMNS
from office.workbooks.sheets import (
    Column,
    close_dated,
    new_workbook,
    of_year,
    write_edition,
    write_note,
    write_table,
)
from schemas.codes import REASON_TEXT
from schemas.tables import RANK_CHANGE, STATUS_CORRECTION, TASK_FORECAST

WARNINGS_FILE = "预警清单.xlsx"
COLUMNS = [
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("评估月份", "month", "int"),
    Column("状态", "status_text", "mark"),
    Column("原因", "reason_text"),
    Column("实际进度", "progress", "int"),
    Column("计划进度", "planned", "int"),
    Column("连续月数", "months_in_row", "int"),
    Column("上月状态", "previous_text", "mark"),
    Column("变化", "change_text", "mark"),
]
CORRECTIONS = [
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("月份", "month", "int"),
    Column("上月发布时", "previous_text", "mark"),
    Column("原因（上月发布时）", "previous_reason_text"),
    Column("现在", "status_text", "mark"),
    Column("原因（现在）", "reason_text"),
]
RANKS = [
    Column("排名", "rank", "int"),
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("总分", "total", "score"),
    Column("上月排名", "previous_rank", "int"),
    Column("上月总分", "previous_total", "score"),
    Column("名次变化", "movement_text", "mark"),
]
CORRECTIONS_NOTE = (
    "以下早于评估月份的任务-月份，状态与上月发布时不同（补报、更正重报等），与本月变化分开列出。"
)
RANKS_NOTE = "各单位本次排名、总分与上月发布（上一评估月的最新发布）相比。"


def _names(units: pl.DataFrame) -> pl.DataFrame:
    return units.select("unit_id", "unit_name").unique("unit_id", keep="first")


def warning_frame(warnings: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """The list in its given order, with unit names and Chinese labels."""
    return warnings.join(
        _names(units), on="unit_id", how="left", maintain_order="left"
    ).with_columns(
        label("status", STATUS_TEXT).alias("status_text"),
        label("reason", REASON_TEXT).alias("reason_text"),
        label("previous_status", STATUS_TEXT).alias("previous_text"),
        label("change", CHANGE_TEXT).alias("change_text"),
    )


def correction_frame(found: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    return found.join(_names(units), on="unit_id", how="left", maintain_order="left").with_columns(
        label("status", STATUS_TEXT).alias("status_text"),
        label("reason", REASON_TEXT).alias("reason_text"),
        label("previous_status", STATUS_TEXT).alias("previous_text"),
        label("previous_reason", REASON_TEXT).alias("previous_reason_text"),
    )


def rank_frame(ranks: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    return ranks.join(_names(units), on="unit_id", how="left", maintain_order="left").with_columns(
        pl.col("total", "previous_total").cast(pl.Float64),
        movement_text(pl.col("rank"), pl.col("previous_rank")).alias("movement_text"),
    )


def _year(*frames: pl.DataFrame) -> int:
    for frame in frames:
        if "year" in frame.columns and frame["year"].drop_nulls().len():
            return int(frame["year"].drop_nulls()[0])
    return 1980  # an empty list: any fixed year keeps the output reproducible


def write_warnings(published: PublishedYear, path: Path) -> Path:
    """预警清单.xlsx of the published year: the registered writer (office/outputs.py)."""
    marts = published.marts
    return write_warning_list(
        path,
        marts["warning_list"],
        published.core["units"],
        marts.get("status_correction"),
        marts.get("rank_change"),
        published.edition,
        marts.get("task_forecast"),
    )


def write_warning_list(
    path: Path | str,
    warnings: pl.DataFrame,
    units: pl.DataFrame,
    corrections: pl.DataFrame | None = None,
    ranks: pl.DataFrame | None = None,
    edition: Edition | None = None,
    forecast: pl.DataFrame | None = None,
) -> Path:
    """Write 预警清单.xlsx: sheet 预警清单 (one row per listed task, coloured by status), and
    with their frames 状态更正, 排名变化 and 预计逾期 (docs/forecast.md). With an edition, every sheet says which publication
    it is above its table and on every printed page."""
    path = Path(path)
    year = edition.year if edition else _year(warnings, units)
    units = of_year(units, year)
    frame = warning_frame(warnings, units)
    title = f"{year}年度预警清单"
    workbook, formats = new_workbook(
        path, year, title, cells=frame.height * len(COLUMNS), edition=edition
    )
    sheet = workbook.add_worksheet("预警清单")
    top = 0
    if edition is not None:
        write_edition(sheet, 0, title, edition, formats.get("title"))
        top = 1
    coloured = [Column(c.header, c.source, c.kind, fill="status") for c in COLUMNS]
    write_table(sheet, frame, coloured, formats, top=top, freeze_cols=4)
    extra = (
        (
            "状态更正",
            corrections,
            STATUS_CORRECTION,
            correction_frame,
            CORRECTIONS,
            CORRECTIONS_NOTE,
        ),
        ("排名变化", ranks, RANK_CHANGE, rank_frame, RANKS, RANKS_NOTE),
        (FORECAST_SHEET, forecast, TASK_FORECAST, flagged_frame, FORECAST_COLUMNS, FORECAST_NOTE),
    )
    for name, found, table, shape, columns, note in extra:
        if found is None:
            continue
        sheet = workbook.add_worksheet(name)
        first = 0
        if edition is not None:
            write_edition(sheet, 0, title, edition, formats.get("title"))
            first = 1
        shown = shape(found if found.height else pl.DataFrame(schema=table.polars_schema), units)
        write_note(sheet, first, note if shown.height else f"{note}（无）", formats.get("title"))
        write_table(sheet, shown, columns, formats, top=first + 1, freeze_cols=3)
    close_dated(workbook, title, edition)
    return path
