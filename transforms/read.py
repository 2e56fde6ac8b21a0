"""Bytes of input files → polars frames of text cells, one column per header.

- `Book` opens a file once; `Book.sheet` gives a sheet's cells below its header without
  running a polars query, and `stack` turns any number of sheets into one frame in one pass
  (a folder of thousands of small monthly reports costs what one big file does).

- The extension picks the reader: .csv (UTF-8 BOM, UTF-8 or GB18030, detected in that order),
  .xlsx and .xls (fastexcel/calamine; first sheet unless one is named).
- Every cell is text as the reader renders it: an Excel date cell is "2021-09-30 00:00:00",
  a number 85.0 is "85". Parsing into types is normalise's job; empty strings become null.
- The header is the first row that is not blank (normally row 1). `_row` is the row number
  as a spreadsheet shows it (header row 1 → first data row 2), leading and inner blank rows
  included; blank rows themselves are dropped. For a CSV a row is a record, so a quoted cell
  spanning two lines still counts as one row, as Excel shows it.
- Header names are kept exactly as written; a repeated header gets a suffix ("单位编码_2"), and
  `Sheet.headers` keeps every header as written (validate rejects a file naming a column twice);
  a blank header over a column with data becomes "未命名列C" (its column letter), a blank
  header over an empty column is dropped. CSV cells beyond the header's width are dropped.
- A file that cannot be read raises ReadError, whose str() is a one-line Chinese reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import fastexcel
import polars as pl

from transforms.normalise import EDGE_SPACE, text

EXTENSIONS = (".csv", ".xlsx", ".xls")
ROW = "_row"
PART = "_part"  # stack(): which sheet a row came from
_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*(?:,[^\S\n]*)*\n)*")


class ReadError(Exception):
    """A file that cannot be read; str() is the Chinese reason shown to the unit."""


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM → utf-8-sig, else strict UTF-8, else strict GB18030."""
    encodings = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in decoded:  # NUL: binary, or UTF-16
            return decoded, encoding
    raise ReadError("CSV 文件编码无法识别（支持 UTF-8、UTF-8 BOM、GB18030）")


@dataclass(frozen=True)
class Sheet:
    """One sheet below its header: columns named by header, cells as read, blank rows kept.

    Built with no polars query, so a folder of thousands of small files costs one `stack`."""

    frame: pl.DataFrame
    first_row: int  # the spreadsheet row number of frame row 0
    headers: tuple[str, ...] = ()  # each column's header as written (before any "_2" suffix)


class Book:
    """One input file, opened once: its sheet names and any sheet's cells."""

    def __init__(self, data: bytes, filename: str) -> None:
        self._data = data
        self._reader = None if _extension(filename) == ".csv" else _workbook(data, filename)
        # a CSV file is its only sheet
        self.sheet_names: list[str] = [""] if self._reader is None else self._reader.sheet_names

    def sheet(self, sheet: str | None = None) -> Sheet:
        """The named sheet, else the first. A CSV ignores `sheet`."""
        if self._reader is None:
            return _read_csv(self._data)
        names = self.sheet_names
        if sheet is not None and sheet not in names:
            raise ReadError(f"找不到工作表“{sheet}”（文件中的工作表：{'、'.join(names)}）")
        name = sheet if sheet is not None else names[0]
        try:
            # header_row=None with skip_rows=0: grid row i is sheet row i + 1, blank rows included
            loaded = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            grid = loaded.to_polars()
        except fastexcel.FastExcelError as exc:
            raise ReadError(f"无法读取工作表“{name}”（文件可能已损坏）") from exc
        letters = [_column_letter(c.absolute_index) for c in loaded.available_columns()]
        return _headed(grid, first_row=1, letters=letters, empty=f"工作表“{name}”为空")


def stack(sheets: list[Sheet], columns: list[str] | None = None) -> pl.DataFrame:
    """Sheets → one frame of their non-blank rows: `columns` (default: all) as String with ""
    as null, `_row` (Int32, the spreadsheet row number) and `_part` (UInt32, the sheet's index
    in `sheets`). A column missing from a sheet is null in its rows; a row is blank when every
    one of its cells is, whether asked for or not."""
    parts = pl.DataFrame(
        {
            PART: range(len(sheets)),
            "_height": [s.frame.height for s in sheets],
            "_first": [s.first_row for s in sheets],
        },
        schema={PART: pl.UInt32, "_height": pl.Int64, "_first": pl.Int64},
    )
    cells = pl.concat([s.frame for s in sheets], how="diagonal_relaxed", rechunk=False)
    numbering = parts.filter(pl.col("_height") > 0).select(
        pl.col(PART).repeat_by("_height").explode(),
        (pl.int_ranges(0, "_height") + pl.col("_first")).explode().cast(pl.Int32).alias(ROW),
    )
    wanted = cells.columns if columns is None else columns
    # streaming: one pass, no full-size intermediate copies of millions of rows
    return (
        pl.concat([cells, numbering], how="horizontal")
        .lazy()
        .filter(pl.any_horizontal(_filled(c) for c in cells.columns))
        .select(
            *(
                pl.col(c).cast(pl.String).replace("", None)
                if c in cells.columns
                else pl.lit(None, pl.String).alias(c)
                for c in wanted
            ),
            ROW,
            PART,
        )
        .collect(engine="streaming")
    )


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The workbook's sheet names; [""] for a CSV (the file is its only sheet)."""
    return Book(data, filename).sheet_names


def read_table(data: bytes, filename: str, sheet: str | None = None) -> pl.DataFrame:
    """One sheet of one file: its non-blank rows as text under their headers, plus `_row`."""
    return stack([Book(data, filename).sheet(sheet)]).drop(PART)


def normalise_header(name: str) -> str:
    """Header as matched: edges trimmed (any Unicode space), full-width ASCII folded."""
    folded = "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in name)
    return folded.strip(EDGE_SPACE)


def _extension(filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    if extension not in EXTENSIONS:
        shown = extension or "无扩展名"
        raise ReadError(f"不支持的文件类型“{shown}”（支持 .csv、.xlsx、.xls）")
    return extension


def _workbook(data: bytes, filename: str) -> fastexcel.ExcelReader:
    if not data:
        raise ReadError("文件为空")
    try:
        return fastexcel.read_excel(data)
    except fastexcel.FastExcelError as exc:
        raise ReadError(_not_excel_reason(data, _extension(filename))) from exc


def _not_excel_reason(data: bytes, extension: str) -> str:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return f"无法读取文件：扩展名为 {extension}，内容却是网页（HTML），请用 Excel 另存为 .xlsx"
    try:
        decode_csv(data)
    except ReadError:
        return "无法读取文件：不是有效的 Excel 文件（文件可能已损坏或加密）"
    return f"无法读取文件：扩展名为 {extension}，内容却是文本（可能是 CSV），请改正扩展名"


def _read_csv(data: bytes) -> Sheet:
    if not data:
        raise ReadError("文件为空")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReadError("无法读取文件：扩展名为 .csv，内容却是 Excel 工作簿，请改正扩展名")
    decoded, encoding = decode_csv(data)
    # polars takes the column count from the first line, so start at the header line
    leading = _LEADING_BLANK_LINES.match(decoded).group(0)
    body = decoded[len(leading) :]
    if not body.strip():
        raise ReadError("文件为空")
    # polars reads UTF-8 only: hand it the file's own bytes when they already are
    utf8 = data if encoding == "utf-8" and not leading else body.encode("utf-8")
    try:
        grid = pl.read_csv(utf8, has_header=False, infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        raise ReadError('无法解析 CSV 文件：有单元格的引号不成对或用法不对（如 "甲"乙）') from exc
    letters = [_column_letter(i) for i in range(grid.width)]
    return _headed(grid, first_row=leading.count("\n") + 1, letters=letters, empty="文件为空")


def _filled(column: str) -> pl.Expr:
    return text(pl.col(column).cast(pl.String)).is_not_null()


def _headed(grid: pl.DataFrame, first_row: int, letters: list[str], empty: str) -> Sheet:
    """Positional text grid (grid row 0 = sheet row `first_row`) → the rows below its header.

    The header is the first non-blank row: normally row 0, checked in Python without a query.
    """
    cells = grid.columns
    if not cells or grid.is_empty():
        raise ReadError(empty)
    top = 0
    if all(_blank(v) for v in grid.row(0)):
        top = grid.select(pl.any_horizontal(_filled(c) for c in cells).arg_true().first()).item()
        if top is None:
            raise ReadError(empty)
    header = grid.row(top)
    body = grid.slice(top + 1)
    blank_headed = [c for c, written in zip(cells, header, strict=True) if _blank(written)]
    has_data = (
        dict(
            zip(
                blank_headed,
                body.select(_filled(c).any() for c in blank_headed).row(0),
                strict=True,
            )
        )
        if blank_headed
        else {}
    )
    columns: list[pl.Series] = []
    headers: list[str] = []
    taken = {ROW, PART}
    for cell, written, letter in zip(cells, header, letters, strict=False):
        if _blank(written):
            if not has_data[cell]:
                continue
            written = f"未命名列{letter}"
        name, n = written, 2
        while name in taken:
            name, n = f"{written}_{n}", n + 1
        taken.add(name)
        headers.append(written)
        columns.append(body.to_series(cells.index(cell)).alias(name))
    return Sheet(pl.DataFrame(columns, height=body.height), first_row + top + 1, tuple(headers))


def _blank(cell: str | None) -> bool:
    return cell is None or not normalise_header(cell)


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
