"""规则模拟.xlsx and 规则模拟.html: what a draft of the rules would change, for the office to print.

Written into a folder of the simulation's own (never the published year's office folder): the
units before and after, every line item that moved, and the parameters the draft changes, each
with its plain Chinese sentence (transforms/simulate.py). The page is rendered from a Jinja2
template with autoescaping, so a unit name such as `<b>` is shown as written.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

from office.workbooks.sheets import Column, new_workbook, write_note, write_table
from transforms.simulate import NO_GRADE, Simulation, summary_line

WORKBOOK = "规则模拟.xlsx"
PAGE = "规则模拟.html"
UNIT_COLUMNS = [
    Column("排名（草案）", "rank_after", "int"),
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("总分（现行）", "total", "score"),
    Column("总分（草案）", "total_after", "score"),
    Column("排名（现行）", "rank", "int"),
    Column("等次（现行）", "grade_text"),
    Column("等次（草案）", "grade_after_text"),
    Column("变化", "sentence"),
]
LINE_COLUMNS = [
    Column("单位编码", "unit_id"),
    Column("分项", "component"),
    Column("规则", "rule_id"),
    Column("任务", "task_id"),
    Column("月份", "month", "int"),
    Column("凭证或文号", "ref"),
    Column("分值（现行）", "points", "score"),
    Column("分值（草案）", "points_after", "score"),
    Column("变化", "delta", "score"),
    Column("说明", "sentence"),
]
PARAMETER_COLUMNS = [
    Column("参数", "parameter"),
    Column("现行", "before"),
    Column("草案", "after"),
]


def _units(sim: Simulation) -> pl.DataFrame:
    return sim.units.with_columns(
        pl.col("grade").fill_null(NO_GRADE).alias("grade_text"),
        pl.col("grade_after").fill_null(NO_GRADE).alias("grade_after_text"),
    )


def write_simulation(folder: Path, sim: Simulation, run: dict, draft: str) -> Path:
    """Write the workbook and the page into `folder` (created); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    year = int(run["year"])
    title = f"{year}年度考核规则模拟：草案 {draft}"
    basis = (
        f"基于已发布运行 {run['run_id']}（基准日 {run['as_of']}）的归档输入；"
        f"现行规则与草案规则分别计分，正式结果不变。"
    )
    workbook, formats = new_workbook(folder / WORKBOOK, year, title)
    for name, frame, columns in (
        ("单位对比", _units(sim), UNIT_COLUMNS),
        ("明细变化", sim.lines, LINE_COLUMNS),
        ("参数变化", sim.parameters, PARAMETER_COLUMNS),
    ):
        sheet = workbook.add_worksheet(name)
        write_note(sheet, 0, title, formats.get("title"))
        write_note(sheet, 1, basis, formats.get("text"))
        write_table(sheet, frame, columns, formats, top=3)
    workbook.close()
    page = (
        _environment()
        .get_template("simulation.html.j2")
        .render(
            title=title,
            basis=basis,
            summary=summary_line(sim),
            parameters=sim.parameters.to_dicts(),
            units=_units(sim).to_dicts(),
            lines=sim.lines.to_dicts(),
        )
    )
    (folder / PAGE).write_text(page, encoding="utf-8")
    return folder


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("office.workbooks", "pages"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
