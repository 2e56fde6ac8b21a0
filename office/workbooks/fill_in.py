"""填报模板: one fill-in workbook per unit for its next monthly progress report.

How the templates look, which month they are for and why unfilled rows are quarantined:
docs/templates.md. In short:

- sheet 进度 has the report's own headers in row 1 (a filled template is an ordinary report
  file: the same reader, no special path). One row per task of the unit that has started by
  the template's month, with 单位编码, 任务编号 and the month pre-filled and the task's content,
  metric kind, target and due month beside them (columns the reader ignores). Pre-filled cells
  are locked (sheet protection without a password); the cells the unit fills are unlocked and
  carry Excel data validation with Chinese input and error messages. Yellow cells are required,
  grey ones optional for that task's metric kind (完成进度 of a 数量 task, 实际完成值 of a 进度
  task).
- sheet 荣誉 is blank (20 rows with validation): a pre-filled cell would make an unused row
  a row to quarantine.
- sheet 填报说明 says all this to the clerk.

Text from the plan is always written as text, never as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from office.edition import Edition, undated
from office.folders import swapped_folder
from office.published import PublishedYear
from office.workbooks.findings import file_name
from office.workbooks.sheets import NOT_ASCII, close_dated, new_workbook, of_year, text_width
from schemas.codes import QUANTITY
from schemas.fields import year_days
from schemas.plan import TASK_FIELDS
from schemas.reports import HONOR_FIELDS, HONOR_SHEET, PROGRESS_FIELDS, PROGRESS_SHEET

TEMPLATES_DIR = "填报模板"
GUIDE_SHEET = "填报说明"
HONOR_ROWS = 20
REQUIRED_FILL, OPTIONAL_FILL, BAD_FILL = "#FFF2CC", "#E7E6E6", "#FFC7CE"
FIXED_HEADER_FILL, INPUT_HEADER_FILL = "#D9E1F2", "#C6EFCE"

# The limits of what a unit fills are declared once, in schemas/reports.py (the reader checks
# them too); the data validation below is made from them, only its messages are its own.
_REPORT, _HONOR = ({f.name: f for f in fields} for fields in (PROGRESS_FIELDS, HONOR_FIELDS))
MONTH, PROGRESS, ACTUAL, NOTE = (_REPORT[n] for n in ("month", "progress", "actual", "note"))
HONOR_UNIT, HONOR_NAME, LEVEL, DOCUMENT_NO = (
    _HONOR[n] for n in ("unit_id", "honor", "level", "document_no")
)
REPORT = {name: f.label for name, f in _REPORT.items()}
HONOR = {name: f.label for name, f in _HONOR.items()}
TASK = {f.name: f.label for f in TASK_FIELDS}
REQUIREMENT = "填报要求"
LAST_MONTH, LAST_PROGRESS, LAST_ACTUAL = "上次报告月份", "上次完成进度", "上次实际完成值"
LINE_POINTS = 16  # the height of one line of 11-point text, CJK included
MIN_LINES = 2  # rows of 进度 leave room for a short note
GUIDE_WIDTH = 76


@dataclass(frozen=True)
class Cell:
    """One column of sheet 进度: its header, the template-frame column pre-filled in it (None
    for a cell the unit fills), its width in characters and its format name."""

    header: str
    source: str | None
    width: int
    fmt: str


PROGRESS_COLUMNS = [
    Cell(REPORT["unit_id"], "unit_id", 10, "fixed"),
    Cell(REPORT["task_id"], "task_id", 10, "fixed"),
    Cell(TASK["task_name"], "task_name", 28, "fixed_wrap"),
    Cell(TASK["metric"], "metric", 10, "fixed_center"),
    Cell(TASK["target"], "target", 8, "fixed_number"),
    Cell(TASK["due_month"], "due_month", 10, "fixed_month"),
    Cell(REQUIREMENT, "requirement", 20, "fixed_wrap"),
    Cell(REPORT["month"], "month_text", 12, "required"),
    Cell(REPORT["progress"], None, 10, "required_percent"),  # or optional: see BY_METRIC
    Cell(REPORT["actual"], None, 12, "required_number"),
    Cell(REPORT["submitted_on"], None, 12, "date"),
    Cell(REPORT["note"], None, 32, "note"),
    # last month's reported values, for reference (columns the reader ignores, like 任务内容)
    Cell(LAST_MONTH, "last_month_text", 10, "fixed_center"),
    Cell(LAST_PROGRESS, "last_progress", 10, "fixed_number"),
    Cell(LAST_ACTUAL, "last_actual", 12, "fixed_number"),
]
COL = {c.header: i for i, c in enumerate(PROGRESS_COLUMNS)}
# header → its format for a 数量 task, for a 进度 task
BY_METRIC = {
    REPORT["progress"]: ("optional_percent", "required_percent"),
    REPORT["actual"]: ("required_number", "optional_number"),
}
HONOR_COLUMNS = [
    Cell(HONOR["unit_id"], None, 10, "required"),
    Cell(HONOR["honor"], None, 36, "required_wrap"),
    Cell(HONOR["level"], None, 10, "required"),
    Cell(HONOR["document_no"], None, 24, "required"),
    Cell(HONOR["awarded_on"], None, 12, "date"),
]

PERCENT_SIGN = 'General"%"'  # the number as typed, then a % sign

FORMATS: dict[str, dict[str, Any]] = {
    "fixed_header": {"bg_color": FIXED_HEADER_FILL},
    "input_header": {"bg_color": INPUT_HEADER_FILL},
    "fixed": {},
    "fixed_wrap": {"text_wrap": True},
    "fixed_center": {"align": "center"},
    "fixed_number": {"num_format": "General"},
    "fixed_month": {"num_format": '0"月"', "align": "center"},
    "required": {"bg_color": REQUIRED_FILL, "locked": False},
    "required_wrap": {"bg_color": REQUIRED_FILL, "locked": False, "text_wrap": True},
    "required_number": {"bg_color": REQUIRED_FILL, "locked": False, "num_format": "General"},
    "optional_number": {"bg_color": OPTIONAL_FILL, "locked": False, "num_format": "General"},
    # 完成进度: percent points shown with a % after them, unscaled (85 shows 85%): not a percent
    # number format, which would show 8500% and invite typing 0.85
    "required_percent": {"bg_color": REQUIRED_FILL, "locked": False, "num_format": PERCENT_SIGN},
    "optional_percent": {"bg_color": OPTIONAL_FILL, "locked": False, "num_format": PERCENT_SIGN},
    "date": {"bg_color": REQUIRED_FILL, "locked": False, "num_format": "yyyy-mm-dd"},
    "note": {"locked": False, "text_wrap": True},
    "bad": {"bg_color": BAD_FILL, "font_color": "#9C0006"},
}
HEADERS = ("fixed_header", "input_header")
HEADER = {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}
BORDER = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
GUIDE_FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14},
    "text": {"text_wrap": True, "valign": "top"},
    "strong": {"bold": True},
}


def template_month(last_month: int) -> int:
    """The month a template is for by default: the report due next after the published run's
    last assessed month M, i.e. M + 1, at most 12 (a final run gets December's again)."""
    return min(12, max(0, last_month) + 1)


def template_rows(tasks: pl.DataFrame, month: int) -> pl.DataFrame:
    """The rows of sheet 进度: tasks that have started by `month`, by unit and task id, with the
    month as the report writes it and what the unit must fill for the task's metric kind."""
    target = pl.col("target").round(4).cast(pl.String).str.replace(r"\.0$", "")
    counted = pl.col("metric") == QUANTITY
    return (
        tasks.filter(pl.col("start_month") <= month)
        .sort("unit_id", "task_id")
        .with_columns(
            counted.fill_null(False).alias("counted"),
            pl.when(counted)
            .then(pl.format("必填：实际完成值（累计，目标{}）", target))
            .otherwise(pl.lit(f"必填：完成进度（{PROGRESS.span}）"))
            .alias("requirement"),
        )
    )


def last_reported(reports: pl.DataFrame | None, month: int, as_of: dt.date | None) -> pl.DataFrame:
    """Per task, the values of its latest effective report of a month before `month` (known on
    the as-of date): what the unit reported last, shown beside the cells it fills now."""
    schema = {
        "task_id": pl.String,
        "last_month_text": pl.String,
        "last_progress": pl.Float64,
        "last_actual": pl.Float64,
    }
    if reports is None or reports.height == 0:
        return pl.DataFrame(schema=schema)
    known = pl.col("submitted_on") <= as_of if as_of is not None else pl.lit(True)
    return (
        reports.filter(pl.col("is_effective") & (pl.col("month") < month) & known)
        .sort("task_id", "month")
        .group_by("task_id", maintain_order=True)
        .last()
        .select(
            "task_id",
            pl.format("{}月", pl.col("month")).alias("last_month_text"),
            pl.col("progress").cast(pl.Float64).alias("last_progress"),
            pl.col("actual").cast(pl.Float64).alias("last_actual"),
        )
    )


def template_file(unit_id: str, unit_name: str, year: int, month: int) -> str:
    """`<unit_id>_<unit_name>_<year>年<month>月进度填报.xlsx`."""
    return file_name(unit_id, f"{unit_name}_{year}年{month}月进度填报")


def write_fill_in(published: PublishedYear, path: Path) -> list[Path]:
    """填报模板/ for the report due next after the published year's last month assessed: the
    registered writer (office/outputs.py)."""
    core = published.core
    return write_templates(
        path,
        year=published.year,
        month=template_month(published.month),
        units=core["units"],
        tasks=core["tasks"],
        reports=core.get("reports"),
        edition=published.edition,
    )


def write_templates(
    out_dir: Path | str,
    *,
    year: int,
    month: int,
    units: pl.DataFrame,
    tasks: pl.DataFrame,
    reports: pl.DataFrame | None = None,
    edition: Edition | None = None,
) -> list[Path]:
    """Write one template per unit of the year into `out_dir` (replacing what it held, so the
    folder holds one month's set). Returns the paths, units in id order. With the reports
    (core.reports), each task shows the values the unit reported last; the due date of the
    month's report comes from the edition's rules (default rules without one)."""
    if not 1 <= month <= 12:
        raise ValueError(f"报告月份应为 1-12：{month}")
    out_dir = Path(out_dir)
    edition = edition or undated(year, month - 1)
    units = of_year(units, year).unique("unit_id", keep="first").sort("unit_id")
    last = last_reported(
        of_year(reports, year) if reports is not None else None, month, edition.as_of
    )
    rows = (
        template_rows(of_year(tasks, year), month)
        .join(last, on="task_id", how="left", maintain_order="left")
        .with_columns(pl.lit(f"{year}年{month}月").alias("month_text"))
        .with_columns(row_height().alias("height"))
    )
    by_unit = rows.partition_by("unit_id", as_dict=True)
    names = []
    with swapped_folder(out_dir) as aside:  # a failure leaves the last set, nothing hidden
        for unit in units.iter_rows(named=True):
            name = template_file(unit["unit_id"], unit["unit_name"], year, month)
            unit_rows = by_unit.get((unit["unit_id"],), rows.clear())
            write_template(
                aside / name, year=year, month=month, unit=unit, rows=unit_rows, edition=edition
            )
            names.append(name)
    return [out_dir / name for name in names]


def write_template(
    path: Path,
    *,
    year: int,
    month: int,
    unit: dict[str, Any],
    rows: pl.DataFrame,
    edition: Edition | None = None,
) -> Path:
    """One unit's template: sheets 填报说明, 进度 (active, opens first) and 荣誉; every printed
    page says the month, the due date and the publication it was made from."""
    edition = edition or undated(year, month - 1)
    due = edition.due(month)
    title = f"{unit['unit_name']} {year}年{month}月进度填报（{due:%Y-%m-%d} 前报送）"
    workbook, _ = new_workbook(path, year, title, edition=edition)
    formats = _formats(workbook)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    progress = workbook.add_worksheet(PROGRESS_SHEET)
    honors = workbook.add_worksheet(HONOR_SHEET)
    _progress_sheet(progress, formats, year, month, rows, due)
    _honor_sheet(honors, formats, year, unit["unit_id"])
    _guide_sheet(guide, formats, year, month, unit, rows, edition)
    progress.activate()
    close_dated(workbook, title, edition)
    return path


def _formats(workbook: Workbook) -> dict[str, Format]:
    """Every format of a template: table cells bordered, headers bold, guide text plain."""
    found = {
        name: workbook.add_format({**BORDER, **(HEADER if name in HEADERS else {}), **props})
        for name, props in FORMATS.items()
    }
    return found | {name: workbook.add_format(props) for name, props in GUIDE_FORMATS.items()}


def _header(sheet: Worksheet, formats: dict[str, Format], columns: list[Cell]) -> None:
    """Row 1: the headers (pre-filled columns blue, columns the unit fills green), widths."""
    for j, column in enumerate(columns):
        kind = "fixed_header" if column.fmt.startswith("fixed") else "input_header"
        sheet.write_string(0, j, column.header, formats[kind])
        sheet.set_column(j, j, max(column.width, text_width(column.header) + 2))
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)


def _protect(sheet: Worksheet) -> None:
    """Locked cells cannot be changed, unlocked ones can; no password (see docs/templates.md)."""
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide, the header on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _progress_sheet(
    sheet: Worksheet,
    formats: dict[str, Format],
    year: int,
    month: int,
    rows: pl.DataFrame,
    due: dt.date,
) -> None:
    _header(sheet, formats, PROGRESS_COLUMNS)
    sheet.freeze_panes(1, 3)
    counted = rows["counted"].to_list()
    for i, record in enumerate(rows.iter_rows(named=True), start=1):
        for j, column in enumerate(PROGRESS_COLUMNS):
            fmt = column.fmt
            if column.header in BY_METRIC:
                fmt = BY_METRIC[column.header][0 if counted[i - 1] else 1]
            value = record[column.source] if column.source else None
            if value is None:
                sheet.write_blank(i, j, None, formats[fmt])
            elif isinstance(value, str):
                sheet.write_string(i, j, value, formats[fmt])
            else:
                sheet.write_number(i, j, float(value), formats[fmt])
    for i, height in enumerate(rows["height"], start=1):
        sheet.set_row(i, height)
    if rows.height:
        _progress_validations(sheet, formats, year, month, counted, due)
    _protect(sheet)
    _print_setup(sheet)


def row_height() -> pl.Expr:
    """The height (points) of a 进度 row that shows its wrapped text whole: LibreOffice does not
    grow a row for wrapped text as Excel does. At least MIN_LINES lines; clerks may resize."""
    wrapped = [c for c in PROGRESS_COLUMNS if c.source and c.fmt.endswith("wrap")]
    lines = [
        (
            (pl.col(c.source).str.len_chars() + pl.col(c.source).str.count_matches(NOT_ASCII))
            / (c.width - 1)
        ).ceil()
        for c in wrapped
    ]
    return (pl.max_horizontal(pl.lit(MIN_LINES), *lines) * LINE_POINTS).cast(pl.Float64)


def _cells(col: int, rows: list[int]) -> tuple[int, int, int, int, dict[str, str]]:
    """data_validation arguments for column `col` in sheet rows `rows` (0-based, not empty)."""
    letter = _letter(col)
    ranges = " ".join(f"{letter}{r + 1}" for r in rows)
    return rows[0], col, rows[0], col, {"multi_range": ranges}


def _letter(col: int) -> str:
    return chr(ord("A") + col)  # the templates have fewer than 26 columns


def _progress_validations(
    sheet: Worksheet,
    formats: dict[str, Format],
    year: int,
    month: int,
    counted: list[bool],
    due: dt.date,
) -> None:
    """Data validation of every cell the unit fills, input and error messages in Chinese, and a
    red fill for a value pasted past the validation (Excel does not check pasted values)."""
    last = len(counted)
    every = list(range(1, last + 1))
    count_rows = [r for r in every if counted[r - 1]]
    progress_rows = [r for r in every if not counted[r - 1]]
    for col, rows, rule in (
        (COL[REPORT["month"]], every, month_rule(year, month)),
        (COL[REPORT["progress"]], progress_rows, progress_rule(required=True)),
        (COL[REPORT["progress"]], count_rows, progress_rule(required=False)),
        (COL[REPORT["actual"]], count_rows, actual_rule(required=True)),
        (COL[REPORT["actual"]], progress_rows, actual_rule(required=False)),
        (COL[REPORT["submitted_on"]], every, submitted_rule(year, month, due)),
        (COL[REPORT["note"]], every, note_rule()),
    ):
        if rows:
            *where, extra = _cells(col, rows)
            cell = f"{_letter(col)}{rows[0] + 1}"  # a custom rule's formula: the first cell
            if rule["validate"] == "custom":
                rule = {**rule, "value": rule["value"].format(c=cell)}
            sheet.data_validation(*where, {**rule, **extra})
    low, high, least = f"{PROGRESS.low:g}", f"{PROGRESS.high:g}", f"{ACTUAL.low:g}"
    for col, test in (
        (
            COL[REPORT["progress"]],
            f"OR(NOT(ISNUMBER({{c}})),{{c}}<{low},{{c}}>{high},AND({{c}}>0,{{c}}<1))",
        ),
        (COL[REPORT["actual"]], f"OR(NOT(ISNUMBER({{c}})),{{c}}<{least})"),
        (COL[REPORT["submitted_on"]], "NOT(ISNUMBER({c}))"),
    ):
        cell = f"{_letter(col)}2"
        sheet.conditional_format(
            1,
            col,
            last,
            col,
            {
                "type": "formula",
                "criteria": f'=AND({cell}<>"",{test.format(c=cell)})',
                "format": formats["bad"],
            },
        )


def _messages(input_title: str, input_message: str, error_title: str, error: str) -> dict:
    return {
        "input_title": input_title,
        "input_message": input_message,
        "error_title": error_title,
        "error_message": error,
        "error_type": "stop",
    }


def month_rule(year: int, month: int) -> dict[str, Any]:
    """报告月份: one of the year's twelve months, from a drop-down list."""
    return {
        "validate": "list",
        "source": [f"{year}年{m}月" for m in range(int(MONTH.low), int(MONTH.high) + 1)],
        **_messages(
            "报告月份",
            f"已预填本期：{year}年{month}月。补报其他月份时从下拉列表选择。",
            "报告月份无效",
            f"请从下拉列表选择{year}年{MONTH.low:g}月至{MONTH.high:g}月中的一个月份。",
        ),
    }


def progress_rule(required: bool) -> dict[str, Any]:
    """完成进度: a number 0-100 (percent points, without %). A value between 0 and 1 is refused:
    it is what Excel stores for a typed 85% (0.85), which would read as 0.85 percent points.
    `value` is a custom formula on the rule's first cell `{c}` (relative: Excel moves it)."""
    need = "必填" if required else "数量类任务可不填（按实际完成值÷目标值计算）"
    low, high = f"{PROGRESS.low:g}", f"{PROGRESS.high:g}"
    return {
        "validate": "custom",
        "value": f"=AND(ISNUMBER({{c}}),{{c}}>={low},{{c}}<={high},OR({{c}}=0,{{c}}>=1))",
        "ignore_blank": True,
        **_messages(
            f"完成进度（{PROGRESS.span}）",
            f"{need}。填 {PROGRESS.span} 的数字：完成 85% 就输入 85（单元格会显示 85%），"
            "不要输入 % 号或 0.85。",
            "完成进度无效",
            f"完成进度应为 {low} 到 {high} 之间的数字：完成 85% 请输入 85，不要输入 85% 或 0.85"
            "（0 到 1 之间的数会被当作不到 1%）。",
        ),
    }


def actual_rule(required: bool) -> dict[str, Any]:
    """实际完成值: a cumulative count or amount >= 0."""
    need = "必填" if required else "进度类任务可不填"
    return {
        "validate": "decimal",
        "criteria": ">=",
        "value": ACTUAL.low,
        **_messages(
            "实际完成值（累计）",
            f"{need}。填截至本月末的累计完成数（目标值见E列），不能为负数。",
            "实际完成值无效",
            f"实际完成值应为不小于 {ACTUAL.low:g} 的数字（累计值）。",
        ),
    }


def submitted_rule(year: int, month: int, due: dt.date | None = None) -> dict[str, Any]:
    """报送日期: a date from the first day of the template's month to the end of next year."""
    first, last = dt.date(year, month, 1), dt.date(year + 1, 12, 31)
    by = f"截止 {due:%Y-%m-%d}，晚于截止日为迟报；" if due else ""
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": first,
        "maximum": last,
        **_messages(
            "报送日期",
            f"必填。填写报送当天的日期，如 {first:%Y-%m-%d}；{by}不能早于报告月份的第一天。",
            "报送日期无效",
            f"请填写 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间的日期（如 {first:%Y-%m-%d}）。",
        ),
    }


def note_rule() -> dict[str, Any]:
    """本月工作情况: free text, at most its declared number of characters."""
    return {
        "validate": "length",
        "criteria": "<=",
        "value": NOTE.max_chars,
        **_messages(
            "本月工作情况",
            f"简述本月进展、问题和下步打算（不超过{NOTE.max_chars}字）。请勿填写手机号、身份证号。",
            "内容过长",
            f"本月工作情况不超过{NOTE.max_chars}字，请精简。",
        ),
    }


def _unit_rule(unit_id: str) -> dict[str, Any]:
    """单位编码: the unit's own id from a one-item list; an id a list cannot hold (a comma or a
    quote in it) only by its length."""
    if "," not in unit_id and '"' not in unit_id:
        return {"validate": "list", "source": [unit_id]}
    return {
        "validate": "length",
        "criteria": "between",
        "minimum": 1,
        "maximum": HONOR_UNIT.max_chars,
    }


def honor_rules(year: int, unit_id: str) -> list[dict[str, Any]]:
    """Validation of the 荣誉 columns, in column order."""
    first, last = year_days(year)  # 授予日期 is declared in_year
    unit = _unit_rule(unit_id)
    return [
        {
            **unit,
            **_messages(
                "单位编码", f"填本单位编码 {unit_id}。", "单位编码无效", f"请填 {unit_id}。"
            ),
        },
        {
            "validate": "length",
            "criteria": "between",
            "minimum": 1,
            "maximum": HONOR_NAME.max_chars,
            **_messages(
                "荣誉名称",
                "表彰或荣誉的名称。",
                "荣誉名称无效",
                f"荣誉名称不超过{HONOR_NAME.max_chars}字。",
            ),
        },
        {
            "validate": "list",
            "source": list(LEVEL.choices),
            **_messages("级别", "从下拉列表选择。", "级别无效", "级别应为 国家级、省级 或 市级。"),
        },
        {
            "validate": "length",
            "criteria": "<=",
            "value": DOCUMENT_NO.max_chars,
            **_messages(
                "文号",
                "表彰文件的文号，如 川民发〔2021〕12号。无文号不加分。",
                "文号过长",
                f"文号不超过{DOCUMENT_NO.max_chars}字。",
            ),
        },
        {
            "validate": "date",
            "criteria": "between",
            "minimum": first,
            "maximum": last,
            **_messages(
                "授予日期",
                f"表彰文件的日期，须在{year}年内。",
                "授予日期无效",
                f"请填写 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间的日期。",
            ),
        },
    ]


def _honor_sheet(sheet: Worksheet, formats: dict[str, Format], year: int, unit_id: str) -> None:
    """Sheet 荣誉: headers and HONOR_ROWS blank rows to fill, nothing pre-filled."""
    _header(sheet, formats, HONOR_COLUMNS)
    for j, column in enumerate(HONOR_COLUMNS):
        for i in range(1, HONOR_ROWS + 1):
            sheet.write_blank(i, j, None, formats[column.fmt])
    for j, rule in enumerate(honor_rules(year, unit_id)):
        sheet.data_validation(1, j, HONOR_ROWS, j, rule)
    _protect(sheet)
    _print_setup(sheet)


def guide_lines(
    year: int, month: int, unit: dict[str, Any], rows: pl.DataFrame, edition: Edition | None = None
) -> list[str]:
    """The text of sheet 填报说明, one paragraph per line ("#" starts a heading)."""
    edition = edition or undated(year, month - 1)
    counted = int(rows["counted"].sum()) if rows.height else 0
    due = edition.due(month)
    return [
        f"#{unit['unit_name']}（{unit['unit_id']}）{year}年{month}月进度月报 填报说明",
        f"本表由考核办公室根据{year}年度目标任务生成，列出截至{month}月已开始的 {rows.height} 项任务"
        f"（进度类 {rows.height - counted} 项、数量类 {counted} 项）。每项任务填一行，填好后按原格式"
        "（.xlsx）报送，请勿改动表头、工作表名称和预填内容。",
        f"报送截止日期：{due:%Y年%m月%d日}（晚于该日首次报送的为迟报，每份扣 "
        f"{edition.rules.penalty.late_report:g} 分；到期仍未报送的按未报送计）。"
        f"本表根据{edition.line}的发布结果生成；最右侧“上次”各列是本单位上次报送的数值，供参考。",
        "#怎么填（工作表“进度”）",
        "黄色单元格必填，灰色单元格可不填，白色的“本月工作情况”建议填写；蓝色表头的列已预填并锁定。",
        f"进度类任务：填“完成进度”，{PROGRESS.span} 的数字（85 表示完成 85%），不要输入 % 号。",
        "数量类任务：填“实际完成值”，即截至本月末的累计数（不是本月新增数）；“完成进度”可不填，"
        "不填时按 实际完成值÷目标值 计算。",
        f"报告月份已预填为 {year}年{month}月；补报其他月份时从下拉列表选择。"
        "报送日期填报送当天的日期，不能早于报告月份的第一天。",
        "某项任务本月不报送，请保留该行不填：该行会作为“未报送”列入单位反馈清单。",
        "#荣誉表彰（工作表“荣誉”）",
        "本年度获得的表彰在此逐行填写，没有则留空。级别从下拉列表选择；无文号的表彰不加分。",
        "#其他",
        "单元格有输入提示；填入不合规的值时 Excel 会拒绝并说明原因。粘贴进来的不合规数值显示为红色，请更正。",
        "工作表已保护（无密码），只防误改预填内容；如确需修改，在“审阅”中撤消工作表保护。",
        "同一任务同一月份可重复报送更正，以报送日期最晚的一次为准。",
    ]


def _guide_sheet(
    sheet: Worksheet,
    formats: dict[str, Format],
    year: int,
    month: int,
    unit: dict[str, Any],
    rows: pl.DataFrame,
    edition: Edition,
) -> None:
    sheet.set_column(0, 0, GUIDE_WIDTH)
    sheet.hide_gridlines(2)
    for i, line in enumerate(guide_lines(year, month, unit, rows, edition)):
        if i == 0:
            sheet.write_string(i, 0, line[1:], formats["title"])
            sheet.set_row(i, 28)
        elif line.startswith("#"):
            sheet.write_string(i, 0, line[1:], formats["strong"])
            sheet.set_row(i, LINE_POINTS + 8)
        else:
            sheet.write_string(i, 0, line, formats["text"])
            sheet.set_row(i, -(-text_width(line) // (GUIDE_WIDTH - 2)) * LINE_POINTS + 2)
    sheet.set_portrait()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
