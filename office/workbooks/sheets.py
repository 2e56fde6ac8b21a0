"""Sheet-writing helpers shared by every workbook the office package writes.

Rules for every sheet: text from the inputs is always written as text (never a formula or a
link), numbers as numbers with a number format, one header row that is frozen and filtered,
column widths estimated from the content (a CJK character counts double), and a fixed
creation time so that writing the same frames twice gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from office.edition import Edition, excel_text

FILLS = {"red": "#F8696B", "yellow": "#FFEB84", "green": "#63BE7B"}
HEADER_FILL = "#DDEBF7"
MAX_WIDTH = 60
# Kinds whose numbers are shown in a fixed-point format (see `shown`).
NUMBER_FORMATS = ("money", "score", "pct", "int")
# Workbooks of up to this many cells are assembled in memory (see new_workbook).
IN_MEMORY_CELLS = 2_000_000
NOT_ASCII = r"[^\x00-\x7f]"
# CJK punctuation, ideographs and full-width forms: always wide (east-asian width W or F).
WIDE_FOR_SURE = r"[\x{3000}-\x{303e}\x{4e00}-\x{9fff}\x{ff01}-\x{ff60}\x{ffe0}-\x{ffe6}]"

# Cell kind → xlsxwriter format properties.
KINDS: dict[str, dict[str, Any]] = {
    "text": {},
    "long": {"text_wrap": True},
    "mark": {"align": "center"},
    "int": {"num_format": "0"},
    "money": {"num_format": "#,##0.00"},
    "score": {"num_format": "0.00"},
    "pct": {"num_format": "0.0%"},
    "header": {"bold": True, "bg_color": HEADER_FILL, "border": 1, "align": "center"},
    "title": {"bold": True},
}


@dataclass(frozen=True)
class Column:
    """One output column: its header, the frame column it shows, how, and which frame column
    (holding red/yellow/green) colours its cells."""

    header: str
    source: str
    kind: str = "text"
    fill: str | None = None


class Formats:
    """The formats of one workbook, created on first use (kind × fill)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[str, str | None], Format] = {}

    def get(self, kind: str, fill: str | None = None) -> Format:
        key = (kind, fill if fill in FILLS else None)
        if key not in self._cache:
            props = dict(KINDS[kind])
            if key[1] is not None:
                props["bg_color"] = FILLS[key[1]]
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]


def new_workbook(
    path: Path, year: int, title: str, *, cells: int = 0, edition: Edition | None = None
) -> tuple[Workbook, Formats]:
    """A workbook that never turns text into formulas or links, with a creation time fixed by
    its edition (the publication's date; 1 January of the year without one), so the same
    publication gives the same bytes.

    `cells` (about how many cells it will hold) decides where its parts are assembled: in
    memory, which is much faster than one temporary file per part, unless it is very large."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": cells <= IN_MEMORY_CELLS,
        },
    )
    workbook.set_properties(
        {
            "title": title,
            "subject": f"{year}年度城乡社区治理试点目标考核",
            "author": "领导小组办公室",
            "created": _created(year, edition),
            "comments": edition.line if edition else "",
        }
    )
    return workbook, Formats(workbook)


def _created(year: int, edition: Edition | None) -> dt.datetime:
    if edition is None:
        return dt.datetime(year, 1, 1)
    return edition.dated.astimezone(dt.UTC).replace(tzinfo=None)


def close_dated(workbook: Workbook, title: str, edition: Edition | None) -> None:
    """Close the workbook with every sheet's printed pages saying which publication they are:
    the title and the edition (as-of date, month assessed, 临时/最终) in the header, the page
    number in the footer."""
    if edition is not None:
        header = f"&L&9{excel_text(title)}&R&9{excel_text(edition.line)}"
        for sheet in workbook.worksheets():
            sheet.set_header(header)
            sheet.set_footer("&C&9第 &P 页，共 &N 页")
    workbook.close()


def write_edition(sheet: Worksheet, row: int, title: str, edition: Edition, fmt: Format) -> None:
    """The title and the edition on screen, one line above a table."""
    sheet.write_string(row, 0, f"{title}　{edition.line}", fmt)


def text_width(text: str) -> int:
    """Display width of a text: wide (CJK) characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value: Any, kind: str) -> str:
    """The text a cell shows, to estimate its column width."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return {
            "money": f"{number:,.2f}",
            "score": f"{number:.2f}",
            "pct": f"{number:.1%}",
            "int": f"{number:.0f}",
        }.get(kind, f"{number:g}")
    return str(value)


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """Write one value by its Python type: text always as a plain string."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def write_note(sheet: Worksheet, row: int, text: str, fmt: Format) -> None:
    """A line of guidance above or below a table (spills over the empty cells to its right)."""
    sheet.write_string(row, 0, text, fmt)


@dataclass(frozen=True)
class Cells:
    """A table's cells ready to write, per column: the values (None for a blank cell), whether
    they are text (else numbers, written as floats), the values of its fill column (None if
    not coloured) and its width (the widest value shown, 0 without values)."""

    height: int
    values: list[list[Any]]
    text: list[bool]
    fills: list[list[Any] | None]
    widths: list[int]


def write_table(
    sheet: Worksheet,
    frame: pl.DataFrame,
    columns: Iterable[Column],
    formats: Formats,
    *,
    top: int = 0,
    freeze_cols: int = 0,
) -> int:
    """Write a header at row `top` and one row per frame row; freeze the header (and the first
    `freeze_cols` columns), filter on the header, size the columns and set up printing.
    Returns the first free row below the table."""
    columns = list(columns)
    return write_cells(
        sheet, table_cells(frame, columns), columns, formats, top=top, freeze_cols=freeze_cols
    )


def write_cells(
    sheet: Worksheet,
    cells: Cells,
    columns: Iterable[Column],
    formats: Formats,
    *,
    top: int = 0,
    freeze_cols: int = 0,
) -> int:
    """write_table for cells already prepared by table_cells or cells_by (for these columns).

    Cells go in row by row (so that the workbook's shared strings keep their order), each
    written as `write_cell` writes it."""
    columns = list(columns)
    header = formats.get("header")
    for j, column in enumerate(columns):
        sheet.write_string(top, j, column.header, header)
    plan = []
    for column, values, text, fills in zip(
        columns, cells.values, cells.text, cells.fills, strict=True
    ):
        fmt, fmts = formats.get(column.kind), None
        if fills is not None:
            by_fill = {fill: formats.get(column.kind, fill) for fill in dict.fromkeys(fills)}
            fmts = [by_fill[fill] for fill in fills]
        plan.append((sheet.write_string if text else sheet.write_number, values, fmt, fmts))
    blank = sheet.write_blank
    for i in range(cells.height):
        row = top + 1 + i
        for j, (write, values, fmt, fmts) in enumerate(plan):
            value = values[i]
            if value is None:
                blank(row, j, None, fmt if fmts is None else fmts[i])
            else:
                write(row, j, value, fmt if fmts is None else fmts[i])
    for j, (column, width) in enumerate(zip(columns, cells.widths, strict=True)):
        sheet.set_column(j, j, min(max(width, text_width(column.header)) + 2, MAX_WIDTH))
    last = top + cells.height
    if columns:
        sheet.freeze_panes(top + 1, freeze_cols)
        sheet.autofilter(top, 0, last, len(columns) - 1)
    sheet.repeat_rows(top)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    return last + 1


def table_cells(frame: pl.DataFrame, columns: Iterable[Column]) -> Cells:
    """The cells of a table showing `columns` of `frame` (none without columns)."""
    columns = list(columns)
    empty = Cells(
        0,
        [[] for _ in columns],
        [not frame.schema[c.source].is_numeric() for c in columns],
        [[] if c.fill else None for c in columns],
        [0 for _ in columns],
    )
    if not columns or not frame.height:
        return empty
    return cells_by(frame, columns)[0]


def cells_by(
    frame: pl.DataFrame, columns: Iterable[Column], key: str | None = None
) -> dict[Any, Cells]:
    """The cells of the tables of the frame's rows per value of column `key` (rows in their
    order; all rows under key 0 without a key), converted and measured for all at once."""
    columns = list(columns)
    schema = frame.schema
    sources = list(dict.fromkeys(c.source for c in columns))
    fills = list(dict.fromkeys(c.fill for c in columns if c.fill))
    exprs = {s: _cell_expr(s, schema[s]) for s in sources}
    value = {s: f"v{i}" for i, s in enumerate(sources)}
    fill = {f: f"f{i}" for i, f in enumerate(fills)}
    converted = frame.select(
        (pl.col(key) if key else pl.lit(0)).alias("key"),
        *((pl.col(s) if e is None else e).alias(value[s]) for s, e in exprs.items()),
        *(pl.col(f).alias(fill[f]) for f in fills),
    )
    # Per key and column the values that may be the widest: the first query.
    aggregates = [
        agg
        for j, c in enumerate(columns)
        if exprs[c.source] is not None
        for agg in _width_aggs(pl.col(value[c.source]), j, c.kind, schema[c.source])
    ]
    found = {
        row["key"]: row for row in converted.group_by("key").agg(aggregates).iter_rows(named=True)
    }
    # The rows per key: the second.
    parts = converted.partition_by(["key"], maintain_order=True, as_dict=True)
    tables = {}
    for (group,), part in parts.items():
        values, text, widths = [], [], []
        for j, column in enumerate(columns):
            column_values = part[value[column.source]].to_list()
            if exprs[column.source] is None:  # converted by str()
                column_values = [None if v is None else str(v) for v in column_values]
                shown_values = {v for v in column_values if v is not None}
                widths.append(max(map(text_width, shown_values), default=0))
            else:
                widths.append(_width(found[group], j, column.kind))
            values.append(column_values)
            text.append(not schema[column.source].is_numeric())
        column_fills = [part[fill[c.fill]].to_list() if c.fill else None for c in columns]
        tables[group] = Cells(part.height, values, text, column_fills, widths)
    return tables


def _cell_expr(name: str, dtype: pl.DataType) -> pl.Expr | None:
    """The values `write_cell` writes for a column of this dtype, as an expression: numbers as
    finite floats, booleans as 是/否, other text as text; None when only Python's str() will
    do (dates and the like)."""
    col = pl.col(name)
    if dtype.is_numeric():
        number = col.cast(pl.Float64)
        return pl.when(number.is_finite()).then(number)
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("是")).when(col.not_()).then(pl.lit("否"))
    if dtype in (pl.String, pl.Categorical, pl.Enum, pl.Null):
        return col.cast(pl.String)
    return None


def _width_aggs(x: pl.Expr, j: int, kind: str, dtype: pl.DataType) -> list[pl.Expr]:
    """Aggregates of column j's converted values `x` that hold its widest shown values."""
    if not dtype.is_numeric():
        # Wide characters are never ASCII, and those of WIDE_FOR_SURE always are wide:
        # bounds that leave only the texts that may be the widest to measure one by one.
        chars = x.str.len_chars()
        at_least = (chars + x.str.count_matches(WIDE_FOR_SURE)).max()
        at_most = chars + x.str.count_matches(NOT_ASCII)
        return [at_least.alias(f"floor{j}"), x.filter(at_most >= at_least).unique().alias(f"w{j}")]
    # A negative zero shows a minus sign, and unique() does not tell it from zero.
    negative_zero = x.filter((x == 0) & (1.0 / x < 0)).first().alias(f"zero{j}")
    if kind in NUMBER_FORMATS:
        # A fixed-point text gets no shorter as |x| grows and a minus sign adds one: the
        # widest shows the largest, the smallest or a negative zero.
        return [pl.concat_list(x.max(), x.min()).alias(f"w{j}"), negative_zero]
    return [x.drop_nulls().unique().alias(f"w{j}"), negative_zero]


def _width(found: dict[str, Any], j: int, kind: str) -> int:
    """Column j's width from its aggregates (see _width_aggs)."""
    candidates = [v for v in found[f"w{j}"] if v is not None]
    if f"floor{j}" not in found:
        if found[f"zero{j}"] is not None:
            candidates.append(found[f"zero{j}"])
        return max((len(shown(number, kind)) for number in candidates), default=0)
    floor = found[f"floor{j}"]
    if floor is None:
        return 0
    if floor >= MAX_WIDTH - 2:  # as wide as a column gets anyway
        return floor
    return max(map(text_width, candidates))


def of_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """The rows of `year` (rows without a year are kept)."""
    if "year" not in frame.columns:
        return frame
    return frame.filter(pl.col("year").is_null() | (pl.col("year") == year))
