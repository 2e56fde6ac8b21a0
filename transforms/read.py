"""Bytes of one input file → a polars frame of text cells, one column per header.

- The extension picks the reader: .csv (UTF-8 BOM, UTF-8 or GB18030, detected in that order),
  .xlsx and .xls (fastexcel/calamine; first sheet unless one is named).
- Every cell is text as the reader renders it: an Excel date cell is "2021-09-30 00:00:00",
  a number 85.0 is "85". Parsing into types is normalise's job; empty strings become null.
- The header is the first row that is not blank (normally row 1). `_row` is the row number
  as a spreadsheet shows it (header row 1 → first data row 2), leading and inner blank rows
  included; blank rows themselves are dropped. For a CSV a row is a record, so a quoted cell
  spanning two lines still counts as one row, as Excel shows it.
- Header names are kept exactly as written; a repeated header gets a suffix ("单位编码_2");
  a blank header over a column with data becomes "未命名列C" (its column letter), a blank
  header over an empty column is dropped. CSV cells beyond the header's width are dropped.
- A file that cannot be read raises ReadError, whose str() is a one-line Chinese reason.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePath

import fastexcel
import polars as pl

from transforms.normalise import text

EXTENSIONS = (".csv", ".xlsx", ".xls")
ROW = "_row"
_EDGE_SPACE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")  # \s: U+3000, NBSP, tabs
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


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The workbook's sheet names; [""] for a CSV (the file is its only sheet)."""
    if _extension(filename) == ".csv":
        return [""]
    return _workbook(data, filename).sheet_names


def read_table(data: bytes, filename: str, sheet: str | None = None) -> pl.DataFrame:
    """All cells as String under their headers, plus `_row` (Int32). A CSV ignores `sheet`."""
    if _extension(filename) == ".csv":
        return _read_csv(data)
    workbook = _workbook(data, filename)
    if sheet is not None and sheet not in workbook.sheet_names:
        available = "、".join(workbook.sheet_names)
        raise ReadError(f"找不到工作表“{sheet}”（文件中的工作表：{available}）")
    name = sheet if sheet is not None else workbook.sheet_names[0]
    try:
        # header_row=None with skip_rows=0: grid row i is sheet row i + 1, blank rows included
        loaded = workbook.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        grid = loaded.to_polars()
    except fastexcel.FastExcelError as exc:
        raise ReadError(f"无法读取工作表“{name}”（文件可能已损坏）") from exc
    letters = [_column_letter(c.absolute_index) for c in loaded.available_columns()]
    return _table(grid, first_row=1, letters=letters, empty=f"工作表“{name}”为空")


def normalise_header(name: str) -> str:
    """Header as matched: edges trimmed (any Unicode space), full-width ASCII folded."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in name
    )
    return _EDGE_SPACE.sub("", folded)


def rename_headers(
    frame: pl.DataFrame, aliases: dict[str, str]
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Rename columns whose normalised header is in `aliases` (normalised header → canonical).

    Returns the frame and canonical → header as written. When two headers map to the same
    canonical name the first wins; the other keeps its own name. `_row` is never renamed.
    """
    written: dict[str, str] = {}
    renames: dict[str, str] = {}
    for column in frame.columns:
        canonical = aliases.get(normalise_header(column))
        if column == ROW or canonical is None or canonical in written:
            continue
        if canonical != column and canonical in frame.columns:
            continue  # another column already carries that name as written
        written[canonical] = column
        renames[column] = canonical
    return frame.rename(renames), written


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


def _read_csv(data: bytes) -> pl.DataFrame:
    if not data:
        raise ReadError("文件为空")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReadError("无法读取文件：扩展名为 .csv，内容却是 Excel 工作簿，请改正扩展名")
    decoded, _ = decode_csv(data)
    # polars takes the column count from the first line, so start at the header line
    leading = _LEADING_BLANK_LINES.match(decoded).group(0)
    body = decoded[len(leading) :]
    if not body.strip():
        raise ReadError("文件为空")
    try:
        grid = pl.read_csv(
            io.BytesIO(body.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise ReadError('无法解析 CSV 文件：有单元格的引号不成对或用法不对（如 "甲"乙）') from exc
    letters = [_column_letter(i) for i in range(grid.width)]
    return _table(grid, first_row=leading.count("\n") + 1, letters=letters, empty="文件为空")


def _table(grid: pl.DataFrame, first_row: int, letters: list[str], empty: str) -> pl.DataFrame:
    """Positional text grid (grid row 0 = sheet row `first_row`) → headed frame with `_row`."""
    cells = grid.columns
    if not cells:
        raise ReadError(empty)
    grid = grid.select(
        *(pl.col(c).cast(pl.String).replace("", None) for c in cells),
        (pl.int_range(pl.len(), dtype=pl.Int32) + first_row).alias(ROW),
    )
    rows = grid.filter(pl.any_horizontal(text(pl.col(c)).is_not_null() for c in cells))
    if rows.is_empty():
        raise ReadError(empty)
    header, body = rows.row(0), rows.slice(1)
    has_data = body.select(text(pl.col(c)).is_not_null().any() for c in cells).row(0)

    names: dict[str, str] = {}
    taken = {ROW}
    for cell, written, letter, filled in zip(cells, header, letters, has_data, strict=False):
        if written is None or not normalise_header(written):
            if not filled:
                continue
            written = f"未命名列{letter}"
        name, n = written, 2
        while name in taken:
            name, n = f"{written}_{n}", n + 1
        taken.add(name)
        names[cell] = name
    return body.select(*(pl.col(c).alias(n) for c, n in names.items()), ROW)


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

