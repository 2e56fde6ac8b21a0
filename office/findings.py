"""Data-quality findings handed back to the units: one workbook per unit to correct.

`<unit_id>_<unit_name>.xlsx` holds the unit's quarantined rows (隔离行), files of the unit
rejected whole included, and its missing or late monthly reports (缺报迟报); rows that belong to
no unit (surveys, rejected files whose unit cannot be told, unknown unit ids) go to
未归属单位.xlsx for the office. Which unit a row belongs to is told upstream (its unit_id; for
a rejected file see docs/validation.md)."""

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


def _write_unit(path: Path, year: int, unit: dict, rows: Cells, problems: Cells) -> Path:
    size = rows.height * len(QUARANTINE) + problems.height * len(PROBLEMS)
    title = f"{year}年度数据问题清单：{unit['unit_name']}"
    workbook, formats = new_workbook(path, year, title, cells=size)
    names = {"name": unit["unit_name"], "id": unit["unit_id"], "year": year}
    _sheet(workbook, formats, "隔离行", QUARANTINE_NOTE.format(**names), rows, QUARANTINE)
    _sheet(workbook, formats, "缺报迟报", PROBLEMS_NOTE.format(**names), problems, PROBLEMS)
    workbook.close()
    return path


def write_unit_findings(
    out_dir: Path | str,
    *,
    year: int,
    units: pl.DataFrame,
    quarantine: pl.DataFrame,
    task_month_status: pl.DataFrame,
    tasks: pl.DataFrame,
) -> list[Path]:
    """Write one findings workbook per unit with something to fix, plus 未归属单位.xlsx when
    some quarantined rows belong to no unit. Returns the paths written (units in id order).
    Files of earlier runs in `out_dir` are left alone: give each run its own folder.

    The rows are split by unit once (cells_by), not filtered again for every unit."""
    out_dir = Path(out_dir)
    units = of_year(units, year).unique("unit_id", keep="first").sort("unit_id")
    rows = of_year(quarantine, year).sort("file", "sheet", "row_number", "column", nulls_last=False)
    problems = report_problems(of_year(task_month_status, year), of_year(tasks, year))
    rows_of = cells_by(rows, QUARANTINE, "unit_id")
    problems_of = cells_by(problems, PROBLEMS, "unit_id")
    rows_of.pop(None, None)
    problems_of.pop(None, None)
    no_rows = table_cells(rows.clear(), QUARANTINE)
    no_problems = table_cells(problems.clear(), PROBLEMS)
    paths = [
        _write_unit(
            out_dir / file_name(unit["unit_id"], unit["unit_name"]),
            year,
            unit,
            rows_of.get(unit["unit_id"], no_rows),
            problems_of.get(unit["unit_id"], no_problems),
        )
        for unit in units.iter_rows(named=True)
        if unit["unit_id"] in rows_of or unit["unit_id"] in problems_of
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
