"""考核结果.xlsx: the year's results for the leadership-group office, one sheet per mart."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from xlsxwriter.worksheet import Worksheet

from office.edition import Edition
from office.labels import COMPONENT_ORDER, COMPONENT_TEXT, RULE_TEXT, STATUS_MARK, label
from office.published import PublishedYear
from office.workbooks.sheets import (
    Column,
    Formats,
    close_dated,
    new_workbook,
    of_year,
    write_cell,
    write_edition,
    write_note,
    write_table,
)

RESULTS_FILE = "考核结果.xlsx"
MONTHS = range(1, 13)

SUMMARY = [
    Column("排名", "rank", "int"),
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("工作实绩", "work", "score"),
    Column("群众满意度", "satisfaction", "score"),
    Column("加分", "bonus", "score"),
    Column("扣分", "penalty", "score"),
    Column("总分", "total", "score"),
    Column("等次", "grade", "mark"),
    Column("红灯月数", "red_months", "int"),
    Column("黄灯月数", "yellow_months", "int"),
    Column("是否最终", "is_final", "mark"),
]
LINES = [
    Column("单位编码", "unit_id"),
    Column("单位名称", "unit_name"),
    Column("组成", "component_text"),
    Column("规则", "rule_text"),
    Column("规则编号", "rule_id"),
    Column("分值", "points", "score"),
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("月份", "month", "int"),
    Column("来源", "ref"),
    Column("说明", "detail", "long"),
]
MONTH_STATUS = [
    Column("单位", "unit_name"),
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    *(Column(f"{m}月", f"mark_{m}", "mark", fill=f"status_{m}") for m in MONTHS),
]
FUNDING = [
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("单位", "unit_name"),
    Column("下达", "allocated", "money"),
    Column("支出", "spent", "money"),
    Column("执行率", "execution", "pct"),
    Column("状态", "mark", "mark", fill="status"),
]
SATISFACTION = [
    Column("社区编码", "community_id"),
    Column("社区名称", "community_name"),
    Column("有效答卷", "valid_responses", "int"),
    Column("无效答卷", "invalid_responses", "int"),
    Column("满意度得分", "score", "score"),
    Column("满意率", "satisfaction_rate", "pct"),
]
LEGEND = [
    ("red", "红灯：未报送、逾期未完成，或进度严重滞后"),
    ("yellow", "黄灯：进度滞后"),
    ("green", "绿灯：已完成或按计划推进"),
    (None, "空白：任务尚未开始或该月尚未到评估期"),
]


def _names(units: pl.DataFrame, tasks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (
        units.select("unit_id", "unit_name").unique("unit_id", keep="first"),
        tasks.select("task_id", "task_name").unique("task_id", keep="first"),
    )


PENDING_GRADE = "年终评定"  # a provisional run ranks the units but grades none
NOT_SURVEYED = "未测评"  # no valid survey response to count yet (counts as 0 in the total)


def summary_frame(unit_score: pl.DataFrame) -> pl.DataFrame:
    """汇总: units in rank order; no grade yet shows 年终评定."""
    return unit_score.sort("rank", "unit_id", nulls_last=True).with_columns(
        pl.col("work", "satisfaction", "bonus", "penalty", "total").cast(pl.Float64),
        pl.col("grade").fill_null(PENDING_GRADE),
    )


def _not_surveyed(sheet: Worksheet, frame: pl.DataFrame, top: int, formats: Formats) -> None:
    """A unit without satisfaction says 未测评 in its cell rather than leaving it blank."""
    col = next(j for j, c in enumerate(SUMMARY) if c.source == "satisfaction")
    for i in frame.with_row_index().filter(pl.col("satisfaction").is_null())["index"]:
        sheet.write_string(top + 1 + i, col, NOT_SURVEYED, formats.get("mark"))


def lines_frame(
    lines: pl.DataFrame, unit_score: pl.DataFrame, units: pl.DataFrame, tasks: pl.DataFrame
) -> pl.DataFrame:
    """得分明细: every line item, units in rank order, then work, satisfaction, bonus, penalty."""
    unit_names, task_names = _names(units, tasks)
    order = pl.col("component").replace_strict(COMPONENT_ORDER, default=9, return_dtype=pl.Int8)
    return (
        lines.join(unit_names, on="unit_id", how="left")
        .join(task_names, on="task_id", how="left")
        .join(unit_score.select("unit_id", "rank"), on="unit_id", how="left")
        .with_columns(
            label("component", COMPONENT_TEXT).alias("component_text"),
            label("rule_id", RULE_TEXT).alias("rule_text"),
        )
        .sort(
            pl.col("rank"), "unit_id", order, "rule_id", "task_id", "month", "ref", nulls_last=True
        )
    )


def month_status_frame(
    status: pl.DataFrame, units: pl.DataFrame, tasks: pl.DataFrame
) -> pl.DataFrame:
    """月度状态: one row per task, status_<m> (code) and mark_<m> (红/黄/绿) for every month."""
    unit_names, _ = _names(units, tasks)
    wide = status.select(
        "task_id", pl.format("status_{}", pl.col("month")).alias("key"), "status"
    ).pivot(
        on="key",
        on_columns=[f"status_{m}" for m in MONTHS],
        index="task_id",
        values="status",
        aggregate_function="first",
    )
    return (
        tasks.select("task_id", "unit_id", "task_name")
        .join(wide, on="task_id", how="left")
        .join(unit_names, on="unit_id", how="left")
        .with_columns(label(f"status_{m}", STATUS_MARK).alias(f"mark_{m}") for m in MONTHS)
        .sort("unit_id", "task_id")
    )


def funding_frame(funding: pl.DataFrame, units: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """资金执行: one row per task with its allocation, spending and execution rate."""
    unit_names, task_names = _names(units, tasks)
    return (
        funding.join(task_names, on="task_id", how="left")
        .join(unit_names, on="unit_id", how="left")
        .with_columns(
            pl.col("allocated", "spent").cast(pl.Float64),
            label("status", STATUS_MARK).alias("mark"),
        )
        .sort("unit_id", "task_id")
    )


def _legend(sheet: Worksheet, row: int, formats: Formats) -> None:
    write_note(sheet, row, "图例", formats.get("title"))
    for i, (status, text) in enumerate(LEGEND, start=row + 1):
        write_cell(sheet, i, 0, STATUS_MARK.get(status or ""), formats.get("mark", status))
        sheet.write_string(i, 1, text)


def write_results(published: PublishedYear, path: Path) -> Path:
    """考核结果.xlsx of the published year: the registered writer (office/outputs.py)."""
    marts, core = published.marts, published.core
    return write_results_workbook(
        path,
        year=published.year,
        unit_score=marts["unit_score"],
        score_line_item=marts["score_line_item"],
        task_month_status=marts["task_month_status"],
        funding_execution=marts["funding_execution"],
        community_satisfaction=marts["community_satisfaction"],
        units=core["units"],
        tasks=core["tasks"],
        communities=core["communities"],
        edition=published.edition,
    )


def write_results_workbook(
    path: Path | str,
    *,
    year: int,
    unit_score: pl.DataFrame,
    score_line_item: pl.DataFrame,
    task_month_status: pl.DataFrame,
    funding_execution: pl.DataFrame,
    community_satisfaction: pl.DataFrame,
    units: pl.DataFrame,
    tasks: pl.DataFrame,
    communities: pl.DataFrame,
    edition: Edition | None = None,
) -> Path:
    """Write 考核结果.xlsx (sheets 汇总, 得分明细, 月度状态, 资金执行, 社区满意度) to `path`;
    with an edition, 汇总 says above its table which publication this is, and every printed
    page says it in its header."""
    path = Path(path)
    units, tasks = of_year(units, year), of_year(tasks, year)
    scores = of_year(unit_score, year)
    satisfaction = (
        of_year(community_satisfaction, year)
        .join(
            of_year(communities, year).select("community_id", "community_name"),
            on="community_id",
            how="left",
        )
        .sort("community_id")
    )
    sheets = [
        ("汇总", summary_frame(scores), SUMMARY, 3),
        ("得分明细", lines_frame(of_year(score_line_item, year), scores, units, tasks), LINES, 2),
        (
            "月度状态",
            month_status_frame(of_year(task_month_status, year), units, tasks),
            MONTH_STATUS,
            3,
        ),
        ("资金执行", funding_frame(of_year(funding_execution, year), units, tasks), FUNDING, 2),
        ("社区满意度", satisfaction, SATISFACTION, 2),
    ]
    _write_sheets(path, year, sheets, edition)
    return path


def _write_sheets(
    path: Path,
    year: int,
    sheets: list[tuple[str, pl.DataFrame, list[Column], int]],
    edition: Edition | None,
) -> None:
    """The workbook's sheets in order (name, frame, columns, frozen columns), then closed."""
    cells = sum(frame.height * len(columns) for _, frame, columns, _ in sheets)
    title = f"{year}年度考核结果"
    workbook, formats = new_workbook(path, year, title, cells=cells, edition=edition)
    for name, frame, columns, freeze in sheets:
        sheet = workbook.add_worksheet(name)
        top = 0
        if name == "汇总" and edition is not None:
            write_edition(sheet, 0, title, edition, formats.get("title"))
            top = 1
        end = write_table(sheet, frame, columns, formats, top=top, freeze_cols=freeze)
        if name == "汇总":
            _not_surveyed(sheet, frame, top, formats)
        if name == "月度状态":
            _legend(sheet, end + 1, formats)
    close_dated(workbook, title, edition)
