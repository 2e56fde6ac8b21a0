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

FILLS = {"red": "#F8696B", "yellow": "#FFEB84", "green": "#63BE7B"}
HEADER_FILL = "#DDEBF7"
MAX_WIDTH = 60

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


def new_workbook(path: Path, year: int, title: str) -> tuple[Workbook, Formats]:
    """A workbook that never turns text into formulas or links, with a creation time fixed by
    the year (so the output is byte-for-byte reproducible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties(
        {
            "title": title,
            "subject": f"{year}年度城乡社区治理试点目标考核",
            "author": "领导小组办公室",
            "created": dt.datetime(year, 1, 1),
        }
    )
    return workbook, Formats(workbook)


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
    sources = list(dict.fromkeys([c.source for c in columns] + [c.fill for c in columns if c.fill]))
    rows = frame.select(sources).rows(named=True) if columns else []
    widths = [text_width(c.header) for c in columns]
    for j, column in enumerate(columns):
        sheet.write_string(top, j, column.header, formats.get("header"))
    for i, row in enumerate(rows, start=top + 1):
        for j, column in enumerate(columns):
            value = row[column.source]
            fill = row[column.fill] if column.fill else None
            write_cell(sheet, i, j, value, formats.get(column.kind, fill))
            widths[j] = max(widths[j], text_width(shown(value, column.kind)))
    for j, width in enumerate(widths):
        sheet.set_column(j, j, min(width + 2, MAX_WIDTH))
    last = top + len(rows)
    if columns:
        sheet.freeze_panes(top + 1, freeze_cols)
        sheet.autofilter(top, 0, last, len(columns) - 1)
    sheet.repeat_rows(top)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    return last + 1


def of_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """The rows of `year` (rows without a year are kept)."""
    if "year" not in frame.columns:
        return frame
    return frame.filter(pl.col("year").is_null() | (pl.col("year") == year))
