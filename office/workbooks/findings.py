"""Data-quality findings handed back to the units: one workbook per unit to correct.

`<unit_id>_<unit_name>.xlsx` holds the unit's rows that were submitted but not loaded (sheet
需更正的行), files of the unit rejected whole included, and its missing, late or not-loaded monthly
reports (缺报迟报), each with what it costs (points, rule) and whether a correction can still be
on time (before the report's due date); when it has any, also its reports of one task-month
submitted on the same day with different numbers, and which file was taken (同日报告); rows
that belong to no unit (surveys, rejected files whose unit cannot be told, unknown unit ids) go
to 未归属单位.xlsx for the office. Which unit a row belongs to is told upstream (its unit_id; for
a rejected file see docs/validation.md)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from xlsxwriter import Workbook

from office.edition import Edition, undated
from office.labels import RULE_TEXT, SOURCE_TEXT, label
from office.published import PublishedYear
from office.workbooks.forecast import FORECAST_SHEET, flagged_frame
from office.workbooks.forecast import TASK_COLUMNS as FORECAST_TASKS
from office.workbooks.forecast import UNIT_NOTE as FORECAST_UNIT_NOTE
from office.workbooks.sheets import (
    Cells,
    Column,
    Formats,
    cells_by,
    close_dated,
    new_workbook,
    of_year,
    table_cells,
    write_cells,
    write_note,
)
from schemas.appeals import APPEAL_FIELDS
from schemas.codes import CONTESTABLE
from schemas.tables import APPEAL, SCORE_LINE_ITEM
from schemas.tables import QUARANTINE as QUARANTINE_TABLE

FINDINGS_DIR = "单位反馈"
# Appeals (docs/appeals.md): the unit's appeals and their outcome, the lines it can appeal named
# as the product shows them, and a sheet to file new ones that appeals/ reads as it is.
APPEALS_SHEET, LINES_SHEET, FILE_SHEET = "申诉与复核", "可申诉明细", "申诉填报"
UNIT_APPEALS = [
    Column("申诉编号", "appeal_no"),
    Column("规则", "rule_text"),
    Column("任务编号", "task_id"),
    Column("月份", "month", "int"),
    Column("凭证或文号", "ref"),
    Column("原分值", "points", "score"),
    Column("提交日期", "submitted_on"),
    Column("复核结果", "status", "mark"),
    Column("决定文号", "decision_no"),
    Column("复核后分值", "points_after", "score"),
]
LINES = [
    Column("规则", "rule_text"),
    Column("任务编号", "task_id"),
    Column("月份", "month", "int"),
    Column("凭证或文号", "ref"),
    Column("分值", "points", "score"),
    Column("说明", "detail", "long"),
]
APPEALS_NOTE = "{name}（{id}）{edition}：本单位的申诉及复核结果。"
LINES_NOTE = (
    "{name}（{id}）{edition}：本单位可申诉的得分明细。申诉时把要申诉的一条的 规则、任务编号、"
    "月份、凭证或文号 照抄到“申诉填报”表。"
)
FILE_NOTE = (
    "每行一件申诉：申诉编号自编、不重复；规则等照抄“可申诉明细”中的一条；写明申诉理由和提交日期。"
    "填好后把本工作簿交给考核办公室（放入收件箱的 appeals/ 文件夹）。"
)
FILE_HEADER = [f.label for f in APPEAL_FIELDS]  # what appeals/ reads
UNASSIGNED_FILE = "未归属单位.xlsx"
ROWS_SHEET, PROBLEMS_SHEET = "需更正的行", "缺报迟报"
QUARANTINE = [
    Column("文件", "file"),
    Column("工作表", "sheet"),
    Column("行号", "row_number", "int"),
    Column("列", "column"),
    Column("原值", "value"),
    Column("原因", "reason", "long"),
    Column("影响", "cost", "long"),
    Column("更正期限", "deadline", "long"),
]
UNASSIGNED = [Column("来源", "source_text"), Column("单位编码", "unit_id"), *QUARANTINE[:6]]
PROBLEMS = [
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("月份", "month", "int"),
    Column("问题", "problem"),
    Column("扣分", "points", "score"),
    Column("扣分规则", "rules_text", "long"),
    Column("截止日期", "due_text"),
    Column("能否按时更正", "deadline", "long"),
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
    "{name}（{id}）{edition}：以下任务月份在同一报送日期有两份数值不同的报告，"
    "按文件名顺序采用了后一个文件；如采用的不对，请以新的报送日期重新报送正确的数值。"
)
QUARANTINE_NOTE = "{name}（{id}）{edition}：以下行已报送但未能入库，请按“原因”更正后重新报送。"
PROBLEMS_NOTE = (
    "{name}（{id}）{edition}：以下月份的进度月报未报送、迟报或已报送但未入库，"
    "请补报或更正后重新报送，以后各月按时报送。"
)
UNASSIGNED_NOTE = "{edition}：以下未入库的行无法归属到责任单位（如问卷答卷、整个被拒收的文件），请办公室核对处理。"
NOTHING = "（无）"
NOT_LOADED = "已报送但未入库（见“需更正的行”）"
QUARANTINE_ROWS = QUARANTINE_TABLE.polars_schema  # audit.quarantine: no rows when none were read
# what a quarantined row of another source costs (a report row's cost is told by its month)
SOURCE_COST = {
    "honors": "该荣誉未计入加分",
    "funding": "该台账行未计入资金执行",
    "surveys": "该答卷不计入满意度",
}
# the penalty lines a missing or late report costs (docs/scoring.md)
MISSING_RULES, LATE_RULES = ("missing_report", "red_month"), ("late_report",)
C = pl.col


def _date_text(day: pl.Expr) -> pl.Expr:
    return day.dt.strftime("%Y-%m-%d")


def _due(edition: Edition) -> pl.Expr:
    """The due date of the report of column `month` (December's in January of next year)."""
    year, day = edition.year, edition.rules.reports.due_day
    month = C("month").cast(pl.Int32)
    return (
        pl.when(month == 12)
        .then(pl.date(year + 1, 1, day))
        .otherwise(pl.date(year, (month + 1).clip(1, 12), day))
    )


def _costs(lines: pl.DataFrame | None) -> pl.DataFrame:
    """Per (unit, task, month): the points of its missing-report and late-report lines, and the
    rules in words, e.g. `未报送月报 0.5 + 红灯月 0.5`."""
    schema = {"unit_id": pl.String, "task_id": pl.String, "month": pl.Int32}
    if lines is None:
        return pl.DataFrame(schema={**schema, "points": pl.Float64, "rules_text": pl.String})
    return (
        lines.filter(C("rule_id").is_in([*MISSING_RULES, *LATE_RULES]))
        .with_columns(C("month").cast(pl.Int32))
        .sort("unit_id", "task_id", "month", "rule_id")
        .with_columns(
            pl.concat_str(
                label("rule_id", RULE_TEXT),
                pl.lit(" "),
                C("points").abs().round(2).cast(pl.String),
                pl.lit(" 分"),
            ).alias("part")
        )
        .group_by("unit_id", "task_id", "month", maintain_order=True)
        .agg(C("points").sum().abs().alias("points"), C("part").str.join(" + ").alias("rules_text"))
    )


def report_problems(
    status: pl.DataFrame,
    tasks: pl.DataFrame,
    quarantine: pl.DataFrame | None = None,
    lines: pl.DataFrame | None = None,
    edition: Edition | None = None,
) -> pl.DataFrame:
    """Task-months without a report (未报送), reported but not loaded (a report row of that
    task and month is quarantined), or reported late (迟报), with the task's name, the points
    each costs and its rules, its due date and whether a correction can still be on time."""
    edition = edition or undated(_year(status), _month(status))
    submitted = (
        quarantine.filter((C("source") == "reports") & C("task_id").is_not_null())
        .select("task_id", C("month").cast(pl.Int32), pl.lit(True).alias("submitted"))
        .unique()
        if quarantine is not None and "task_id" in quarantine.columns
        else pl.DataFrame(schema={"task_id": pl.String, "month": pl.Int32, "submitted": pl.Boolean})
    )
    missing = C("reason") == "missing"
    as_of = edition.as_of
    on_time = pl.lit(False) if as_of is None else pl.lit(as_of) <= C("due")  # a report not yet due
    return (
        status.filter(missing | C("late").fill_null(False))
        .with_columns(C("month").cast(pl.Int32))
        .join(
            tasks.select("task_id", "task_name").unique("task_id", keep="first"),
            on="task_id",
            how="left",
        )
        .join(submitted, on=["task_id", "month"], how="left")
        .join(_costs(lines), on=["unit_id", "task_id", "month"], how="left")
        .with_columns(_due(edition).alias("due"))
        .with_columns(
            pl.when(missing & C("submitted").fill_null(False))
            .then(pl.lit(NOT_LOADED))
            .when(missing)
            .then(pl.lit("未报送"))
            .otherwise(pl.lit("迟报"))
            .alias("problem"),
            _date_text(C("due")).alias("due_text"),
            pl.when(on_time)
            .then(pl.lit("能：截止日前更正重报，按时，不扣分"))
            .when(missing)
            .then(
                pl.format(
                    "已过截止日：补报或更正后不再按未报送扣分，改按迟报扣 {} 分",
                    pl.lit(edition.rules.penalty.late_report),
                )
            )
            .otherwise(pl.lit("已迟报，不能再更正为按时"))
            .alias("deadline"),
        )
        .sort("unit_id", "task_id", "month")
    )


def quarantine_costs(rows: pl.DataFrame, problems: pl.DataFrame, edition: Edition) -> pl.DataFrame:
    """The quarantined rows with what each costs and until when its correction is on time: a
    report row of a month not yet assessed can still be corrected on time (before its due
    date); one of an assessed month without another report counts as 未报送 until corrected."""
    if "task_id" not in rows.columns:
        rows = rows.with_columns(
            pl.lit(None, pl.String).alias("task_id"), pl.lit(None, pl.Int32).alias("month")
        )
    owed = problems.filter(C("reason") == "missing").select(
        "task_id", "month", C("points").alias("owed"), "rules_text", pl.lit(True).alias("missed")
    )
    is_report = (C("source") == "reports") & C("month").is_not_null()
    assessed = C("month") <= edition.month
    as_of = edition.as_of
    before_due = pl.lit(True) if as_of is None else pl.lit(as_of) <= C("due")
    return (
        rows.with_columns(C("month").cast(pl.Int32))
        .join(owed, on=["task_id", "month"], how="left")
        .with_columns(_due(edition).alias("due"))
        .with_columns(
            pl.when(is_report & ~assessed)
            .then(pl.format("{}月月报尚未到评估期：按时更正不影响得分", C("month")))
            .when(is_report & C("missed") & C("owed").is_not_null())
            .then(
                pl.format(
                    "{}月按未报送计，扣 {} 分（{}）",
                    C("month"),
                    C("owed").round(2),
                    C("rules_text"),
                )
            )
            .when(is_report & C("missed"))
            .then(pl.format("{}月按未报送计", C("month")))
            .when(is_report)
            .then(pl.format("{}月已有有效报告：本行不影响得分", C("month")))
            .when(C("source") == "reports")
            .then(pl.lit("未入库：所报月份按未报送计，见“缺报迟报”"))
            .otherwise(label("source", SOURCE_COST))
            .alias("cost"),
            pl.when(is_report & ~assessed & before_due)
            .then(pl.format("{} 前更正重报算按时", _date_text(C("due"))))
            .when(is_report)
            .then(pl.format("已过截止日 {}：更正后按迟报计", _date_text(C("due"))))
            .otherwise(pl.lit("尽快更正重报"))
            .alias("deadline"),
        )
    )


def _year(status: pl.DataFrame) -> int:
    years = status["year"].drop_nulls() if "year" in status.columns else []
    return int(years[0]) if len(years) else 1980


def _month(status: pl.DataFrame) -> int:
    months = status["month"].drop_nulls()
    return int(months.max()) if len(months) else 0


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
    path: Path,
    year: int,
    unit: dict,
    rows: Cells,
    problems: Cells,
    same_day: Cells | None,
    edition: Edition | None,
    ahead: Cells | None = None,
    appeals: tuple[Cells | None, Cells] | None = None,
) -> Path:
    size = rows.height * len(QUARANTINE) + problems.height * len(PROBLEMS)
    size += same_day.height * len(SAME_DAY) if same_day is not None else 0
    size += ahead.height * len(FORECAST_TASKS) if ahead is not None else 0
    title = f"{year}年度数据问题清单：{unit['unit_name']}"
    workbook, formats = new_workbook(path, year, title, cells=size, edition=edition)
    names = {"name": unit["unit_name"], "id": unit["unit_id"], "edition": _said(year, edition)}
    _sheet(workbook, formats, ROWS_SHEET, QUARANTINE_NOTE.format(**names), rows, QUARANTINE)
    _sheet(workbook, formats, PROBLEMS_SHEET, PROBLEMS_NOTE.format(**names), problems, PROBLEMS)
    if same_day is not None:  # only for a unit that has such reports
        note = SAME_DAY_NOTE.format(**names)
        _sheet(workbook, formats, SAME_DAY_SHEET, note, same_day, SAME_DAY)
    if ahead is not None:  # only for a unit with tasks projected to miss
        note = FORECAST_UNIT_NOTE.format(**names)
        _sheet(workbook, formats, FORECAST_SHEET, note, ahead, FORECAST_TASKS)
    if appeals is not None:
        filed, lines = appeals
        if filed is not None:  # only for a unit that has appealed
            _sheet(
                workbook, formats, APPEALS_SHEET, APPEALS_NOTE.format(**names), filed, UNIT_APPEALS
            )
        _sheet(workbook, formats, LINES_SHEET, LINES_NOTE.format(**names), lines, LINES)
        _appeal_form(workbook, formats)
    close_dated(workbook, title, edition)
    return path


def _appeal_form(workbook: Workbook, formats: Formats) -> None:
    """申诉填报: a guide line, then the header appeals/ reads (docs/appeals.md), rows to fill."""
    sheet = workbook.add_worksheet(FILE_SHEET)
    write_note(sheet, 0, FILE_NOTE, formats.get("title"))
    for col, header in enumerate(FILE_HEADER):
        sheet.write_string(1, col, header, formats.get("header"))
        sheet.set_column(col, col, 24 if header == "申诉理由" else 14)
    sheet.freeze_panes(2, 0)


def appeal_frames(
    appeals: pl.DataFrame | None, lines: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the appeals with their rule's label, the contestable lines with theirs)."""
    named = label("rule_id", RULE_TEXT).alias("rule_text")
    filed = appeals if appeals is not None else pl.DataFrame(schema=APPEAL.polars_schema)
    lines = lines if lines is not None else pl.DataFrame(schema=SCORE_LINE_ITEM.polars_schema)
    contestable = lines.filter(C("rule_id").is_in(CONTESTABLE)).sort(
        "component", "rule_id", "task_id", "month", "ref", nulls_last=True
    )
    return filed.sort("appeal_no").with_columns(named), contestable.with_columns(named)


def _said(year: int, edition: Edition | None) -> str:
    """How a note names the publication: `2021年度　评估至6月（临时结果）　基准日 2021-07-20`."""
    return edition.line if edition is not None else f"{year}年度"


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


def write_findings(published: PublishedYear, path: Path) -> list[Path]:
    """单位反馈/ of the published year: the registered writer (office/outputs.py)."""
    marts, core = published.marts, published.core
    quarantine = published.quarantine
    return write_unit_findings(
        path,
        year=published.year,
        units=core["units"],
        quarantine=quarantine if quarantine is not None else pl.DataFrame(schema=QUARANTINE_ROWS),
        task_month_status=marts["task_month_status"],
        tasks=core["tasks"],
        reports=core.get("reports"),
        score_line_item=marts["score_line_item"],
        edition=published.edition,
        forecast=marts.get("task_forecast"),
        appeals=marts.get("appeal"),
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
    score_line_item: pl.DataFrame | None = None,
    edition: Edition | None = None,
    forecast: pl.DataFrame | None = None,
    appeals: pl.DataFrame | None = None,
) -> list[Path]:
    """Write one findings workbook per unit with something to fix or to know (its reports of
    one day with different numbers, from `reports`: core.reports), plus 未归属单位.xlsx when
    some quarantined rows belong to no unit. Returns the paths written (units in id order).
    Files of earlier runs in `out_dir` are left alone: give each run its own folder.

    With the run's line items each finding says what it costs; with its edition, whether a
    correction can still be on time, and every sheet is dated."""
    out_dir = Path(out_dir)
    status = of_year(task_month_status, year)
    shown = edition or undated(year, _month(status))
    units = of_year(units, year).unique("unit_id", keep="first").sort("unit_id")
    rows = of_year(quarantine, year).sort("file", "sheet", "row_number", "column", nulls_last=False)
    lines = of_year(score_line_item, year) if score_line_item is not None else None
    problems = report_problems(status, of_year(tasks, year), rows, lines, shown)
    rows = quarantine_costs(rows, problems, shown)
    same_day = _same_day_rows(reports, of_year(tasks, year), year)
    filed, contestable = appeal_frames(appeals, lines)
    rows_of, problems_of, same_day_of, ahead_of, filed_of, lines_of = by_unit = _by_unit(
        (rows, QUARANTINE), (problems, PROBLEMS), (same_day, SAME_DAY),
        (flagged_frame(forecast, units), FORECAST_TASKS),
        (filed, UNIT_APPEALS), (contestable, LINES),
    )  # fmt: skip
    no_lines = table_cells(contestable.clear(), LINES)
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
            edition,
            ahead_of.get(unit["unit_id"]),
            (filed_of.get(unit["unit_id"]), lines_of.get(unit["unit_id"], no_lines))
            if lines is not None
            else None,
        )
        for unit in units.iter_rows(named=True)
        if any(unit["unit_id"] in found for found in by_unit)
    ]
    office = rows.filter(~C("unit_id").is_in(units["unit_id"].implode()).fill_null(False))
    if office.height:
        paths.append(_write_unassigned(out_dir / UNASSIGNED_FILE, year, office, edition))
    return paths


def _by_unit(*tables: tuple[pl.DataFrame, list[Column]]) -> list[dict[str, Cells]]:
    """Each table's cells per unit: split once (cells_by), not filtered again for every unit;
    rows without a unit are left out (they go to 未归属单位.xlsx)."""
    found = [cells_by(frame, columns, "unit_id") for frame, columns in tables]
    for cells in found:
        cells.pop(None, None)
    return found


def _write_unassigned(path: Path, year: int, office: pl.DataFrame, edition: Edition | None) -> Path:
    """未归属单位.xlsx: the quarantined rows no unit can be told for, for the office."""
    title = f"{year}年度未归属单位的未入库行"
    workbook, formats = new_workbook(
        path, year, title, cells=office.height * len(UNASSIGNED), edition=edition
    )
    _sheet(
        workbook,
        formats,
        ROWS_SHEET,
        UNASSIGNED_NOTE.format(edition=_said(year, edition)),
        table_cells(
            office.with_columns(label("source", SOURCE_TEXT).alias("source_text")), UNASSIGNED
        ),
        UNASSIGNED,
    )
    close_dated(workbook, title, edition)
    return path
