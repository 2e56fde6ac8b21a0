"""Data-quality findings handed back to the units: one workbook per unit to correct.

`<unit_id>_<unit_name>.xlsx` holds the unit's quarantined rows (隔离行), files of the unit
rejected whole included, and its missing or late monthly reports (缺报迟报); when it has any,
also its reports of one task-month submitted on the same day with different numbers, and which
file was taken (同日报告); rows that belong to no unit (surveys, rejected files whose unit
cannot be told, unknown unit ids) go to 未归属单位.xlsx for the office. Which unit a row belongs
to is told upstream (its unit_id; for a rejected file see docs/validation.md)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from xlsxwriter import Workbook

from office.labels import SOURCE_TEXT, label
from office.sheets import (
    Cells,
    Column,
    Formats,
    cells_by,
    new_workbook,
    of_year,
    table_cells,
    write_cells,
    write_note,
)

UNASSIGNED_FILE = "未归属单位.xlsx"
QUARANTINE = [
    Column("文件", "file"),
    Column("工作表", "sheet"),
    Column("行号", "row_number", "int"),
    Column("列", "column"),
    Column("原值", "value"),
    Column("原因", "reason", "long"),
]
UNASSIGNED = [Column("来源", "source_text"), Column("单位编码", "unit_id"), *QUARANTINE]
PROBLEMS = [
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("月份", "month", "int"),
    Column("问题", "problem"),
]
SAME_DAY = [
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("月份", "month", "int"),
    Column("报送日期", "submitted_day"),
    Column("采用的文件", "file"),
    Column("采用的行号", "row_number", "int"),
    Column("采用的完成进度", "progress"),
    Column("采用的实际完成值", "actual"),
    Column("未采用的文件", "other_file"),
    Column("未采用的行号", "other_row", "int"),
    Column("未采用的完成进度", "other_progress"),
    Column("未采用的实际完成值", "other_actual"),
]
SAME_DAY_SHEET = "同日报告"
SAME_DAY_NOTE = (
    "{name}（{id}）{year}年度：以下任务月份在同一报送日期有两份数值不同的报告，"
    "按文件名顺序采用了后一个文件；如采用的不对，请以新的报送日期重新报送正确的数值。"
)
QUARANTINE_NOTE = "{name}（{id}）{year}年度：以下行未能入库，请按“原因”更正后重新报送。"
PROBLEMS_NOTE = "{name}（{id}）{year}年度：以下月份的进度月报未报送或迟报，请补报或更正后重新报送，以后各月按时报送。"
UNASSIGNED_NOTE = (
    "{year}年度：以下隔离行无法归属到责任单位（如问卷答卷、整个被拒收的文件），请办公室核对处理。"
)
NOTHING = "（无）"


def report_problems(status: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """Task-months without a report (未报送) or reported late (迟报), with the task's name."""
    return (
        status.filter((pl.col("reason") == "missing") | pl.col("late").fill_null(False))
        .join(
            tasks.select("task_id", "task_name").unique("task_id", keep="first"),
            on="task_id",
            how="left",
        )
        .with_columns(
            pl.when(pl.col("reason") == "missing")
            .then(pl.lit("未报送"))
            .otherwise(pl.lit("迟报"))
            .alias("problem")
        )
        .sort("unit_id", "task_id", "month")
    )


def same_day_conflicts(reports: pl.DataFrame) -> pl.DataFrame:
    """The reports (core.reports) that lost to a report of the same task-month, the same
    报送日期 and other numbers (完成进度 or 实际完成值) in another file: the tie went to the later
    file in name order (docs/validation.md). One row per lost report: unit_id, task_id, month,
    submitted_on, file, row_number, progress, actual of the report taken, other_file,
    other_row, other_progress, other_actual of the one not taken."""
    same = ["task_id", "month", "submitted_on"]
    taken = reports.filter(pl.col("is_effective")).select(
        "unit_id", *same, "file", "row_number", "progress", "actual"
    )
    lost = reports.filter(~pl.col("is_effective")).select(
        *same,
        pl.col("file").alias("other_file"),
        pl.col("row_number").alias("other_row"),
        pl.col("progress").alias("other_progress"),
        pl.col("actual").alias("other_actual"),
    )
    differ = pl.col("progress").ne_missing(pl.col("other_progress")) | pl.col("actual").ne_missing(
        pl.col("other_actual")
    )
    return (
        taken.join(lost, on=same, how="inner")
        .filter((pl.col("file") != pl.col("other_file")) & differ)
        .sort("unit_id", "task_id", "month", "other_file", "other_row")
    )


def file_name(unit_id: str, unit_name: str) -> str:
    """`<unit_id>_<unit_name>.xlsx`, with characters a file system refuses replaced by _."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", f"{unit_id}_{unit_name}".strip()) + ".xlsx"


def _sheet(
    workbook: Workbook,
    formats: Formats,
    name: str,
    note: str,
    cells: Cells,
    columns: list[Column],
) -> None:
    sheet = workbook.add_worksheet(name)
    write_note(sheet, 0, note if cells.height else f"{note}{NOTHING}", formats.get("title"))
    write_cells(sheet, cells, columns, formats, top=1)


def _write_unit(
    path: Path, year: int, unit: dict, rows: Cells, problems: Cells, same_day: Cells | None
) -> Path:
    size = rows.height * len(QUARANTINE) + problems.height * len(PROBLEMS)
    size += same_day.height * len(SAME_DAY) if same_day is not None else 0
    title = f"{year}年度数据问题清单：{unit['unit_name']}"
    workbook, formats = new_workbook(path, year, title, cells=size)
    names = {"name": unit["unit_name"], "id": unit["unit_id"], "year": year}
    _sheet(workbook, formats, "隔离行", QUARANTINE_NOTE.format(**names), rows, QUARANTINE)
    _sheet(workbook, formats, "缺报迟报", PROBLEMS_NOTE.format(**names), problems, PROBLEMS)
    if same_day is not None:  # only for a unit that has such reports
        note = SAME_DAY_NOTE.format(**names)
        _sheet(workbook, formats, SAME_DAY_SHEET, note, same_day, SAME_DAY)
    workbook.close()
    return path


def _same_day_rows(reports: pl.DataFrame | None, tasks: pl.DataFrame, year: int) -> pl.DataFrame:
    """same_day_conflicts of the year's reports, with the task's name and the day as text."""
    if reports is None:
        reports = pl.DataFrame(
            schema={
                "unit_id": pl.String,
                "task_id": pl.String,
                "month": pl.Int32,
                "progress": pl.Float64,
                "actual": pl.Float64,
                "submitted_on": pl.Date,
                "file": pl.String,
                "row_number": pl.Int32,
                "is_effective": pl.Boolean,
            }
        )
    names = tasks.select("task_id", "task_name").unique("task_id", keep="first")
    return (
        same_day_conflicts(of_year(reports, year))
        .join(names, on="task_id", how="left", maintain_order="left")
        .with_columns(pl.col("submitted_on").cast(pl.String).alias("submitted_day"))
    )


def write_unit_findings(
    out_dir: Path | str,
    *,
    year: int,
    units: pl.DataFrame,
    quarantine: pl.DataFrame,
    task_month_status: pl.DataFrame,
    tasks: pl.DataFrame,
    reports: pl.DataFrame | None = None,
) -> list[Path]:
    """Write one findings workbook per unit with something to fix or to know (its reports of
    one day with different numbers, from `reports`: core.reports), plus 未归属单位.xlsx when
    some quarantined rows belong to no unit. Returns the paths written (units in id order).
    Files of earlier runs in `out_dir` are left alone: give each run its own folder.

    The rows are split by unit once (cells_by), not filtered again for every unit."""
    out_dir = Path(out_dir)
    units = of_year(units, year).unique("unit_id", keep="first").sort("unit_id")
    rows = of_year(quarantine, year).sort("file", "sheet", "row_number", "column", nulls_last=False)
    problems = report_problems(of_year(task_month_status, year), of_year(tasks, year))
    rows_of = cells_by(rows, QUARANTINE, "unit_id")
    problems_of = cells_by(problems, PROBLEMS, "unit_id")
    same_day_of = cells_by(_same_day_rows(reports, of_year(tasks, year), year), SAME_DAY, "unit_id")
    for by_unit in (rows_of, problems_of, same_day_of):
        by_unit.pop(None, None)
    no_rows = table_cells(rows.clear(), QUARANTINE)
    no_problems = table_cells(problems.clear(), PROBLEMS)
    paths = [
        _write_unit(
            out_dir / file_name(unit["unit_id"], unit["unit_name"]),
            year,
            unit,
            rows_of.get(unit["unit_id"], no_rows),
            problems_of.get(unit["unit_id"], no_problems),
            same_day_of.get(unit["unit_id"]),
        )
        for unit in units.iter_rows(named=True)
        if any(unit["unit_id"] in by_unit for by_unit in (rows_of, problems_of, same_day_of))
    ]
    office = rows.filter(~pl.col("unit_id").is_in(units["unit_id"].implode()).fill_null(False))
    if office.height:
        path = out_dir / UNASSIGNED_FILE
        workbook, formats = new_workbook(
            path, year, f"{year}年度未归属单位的隔离行", cells=office.height * len(UNASSIGNED)
        )
        _sheet(
            workbook,
            formats,
            "隔离行",
            UNASSIGNED_NOTE.format(year=year),
            table_cells(
                office.with_columns(label("source", SOURCE_TEXT).alias("source_text")), UNASSIGNED
            ),
            UNASSIGNED,
        )
        workbook.close()
        paths.append(path)
    return paths
