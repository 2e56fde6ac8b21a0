"""Bytes of input files → polars frames of text cells, one column per header.

- `Book` opens a file once; `Book.sheet` gives a sheet's cells below its header without
  running a polars query, and `stack` turns any number of sheets into one frame in one pass
  (a folder of thousands of small monthly reports costs what one big file does).

- The extension picks the reader: .csv (UTF-8 BOM, UTF-8 or GB18030, detected in that order),
  .xlsx and .xls (fastexcel/calamine; first sheet unless one is named).
- Every cell is text as the reader renders it: an Excel date cell is "2021-09-30 00:00:00",
  a number 85.0 is "85". Parsing into types is normalise's job; empty strings become null.
- The header is the first row that is not blank (normally row 1), unless a `HeaderSpec` says
  what the source's header looks like: then it is the first of the top rows that has the
  required columns (title rows above it are skipped), and a two-row header (group titles
  above, merged cells) is read by its lower row, a blank lower cell taking the one above.
  `_row` is the row number as a spreadsheet shows it (header row 1 → first data row 2),
  leading and inner blank rows included; blank rows themselves are dropped. For a CSV a row is
  a record, so a quoted cell spanning two lines still counts as one row, as Excel shows it.
  CR-only line endings (classic Mac) are read as line endings.
- Header names are kept exactly as written; a repeated header gets a suffix ("单位编码_2"), and
  `Sheet.headers` keeps every header as written (validate rejects a file naming a column twice);
  a blank header over a column with data becomes "未命名列C" (its column letter), a blank
  header over an empty column is dropped. A CSV row with more cells than its header (an
  unquoted comma, as in 12,345.00) keeps every cell: the cells beyond the header are in
  `_extra`, joined by commas, for validation to quarantine the row; never dropped.
- A percent-formatted number cell (what Excel and WPS store for a typed `70%`: 0.7 with a
  percent number format, which calamine drops) is read as "70%" in the columns named by
  `Book.sheet(percent=...)`, in .xlsx (styles part) and .xls (XF and FORMAT records) alike.
- One file's cost is bounded: a sheet wider than MAX_COLUMNS is rejected before it is parsed.
- A file that cannot be read raises ReadError, whose str() is a one-line Chinese reason.
"""

from __future__ import annotations

import csv
import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import BinaryIO
from xml.etree import ElementTree

import fastexcel
import polars as pl
import xlrd

from transforms.normalise import EDGE_SPACE

EXTENSIONS = (".csv", ".xlsx", ".xls")
ROW = "_row"
PART = "_part"  # stack(): which sheet a row came from
EXTRA = "_extra"  # a CSV row's cells beyond its header, joined by commas (null: none)
MAX_COLUMNS = 1_000  # a wider sheet is rejected before it is parsed: it is no report
HEADER_ROWS = 10  # the header is looked for in a sheet's first rows (title rows above it)
_LEADING_BLANK_LINES = re.compile(r"(?:[^\S\n]*(?:,[^\S\n]*)*\n)*")
_PERCENT_FORMAT_IDS = {9, 10}  # built-in number formats 0% and 0.00%
# The csv module counts a CSV's cells per record (_record_widths): a cell of any length is a
# cell (its default limit, 128 KB, would stop at a long note). Only ever raised.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class ReadError(Exception):
    """A file that cannot be read; str() is the Chinese reason shown to the unit."""


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM → utf-8-sig, else strict UTF-8, else strict GB18030.

    Text with a NUL character is not a CSV anyone wrote: the reason says where it is, or that
    the file looks like UTF-16 (every other byte NUL), instead of blaming the encoding."""
    encodings = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in decoded:
            raise ReadError(_nul_reason(decoded))
        return decoded, encoding
    raise ReadError("CSV 文件编码无法识别（支持 UTF-8、UTF-8 BOM、GB18030）")


def _nul_reason(decoded: str) -> str:
    head = decoded[:4096]
    if head.count("\x00") * 4 >= len(head):  # ASCII text in UTF-16: every other byte is NUL
        return "CSV 文件编码无法识别：看来是 UTF-16 编码，请另存为 UTF-8 或 GB18030"
    line = decoded.count("\n", 0, decoded.index("\x00")) + 1
    return (
        f"CSV 文件第{line}行含有空字符（NUL，字节 00）：文件可能已损坏或混入了非文本内容，"
        "请删除该字符或重新导出"
    )


@dataclass(frozen=True)
class HeaderSpec:
    """What a source's header row looks like, as normalised header text (normalise_header):
    `known` names any of its columns, `required` holds, for each required column, the headers
    that name it. Lets a reader find the header below title rows and read a two-row header."""

    known: frozenset[str]
    required: tuple[frozenset[str], ...]

    def complete(self, cells: Sequence[str | None]) -> bool:
        """The row names every required column."""
        names = {normalise_header(c) for c in cells if not _blank(c)}
        return all(names & r for r in self.required)

    def all_known(self, cells: Sequence[str | None]) -> bool:
        """Every filled cell of the row names a column (the lower row of a two-row header)."""
        filled = [normalise_header(c) for c in cells if not _blank(c)]
        return bool(filled) and all(c in self.known for c in filled)


@dataclass(frozen=True)
class Sheet:
    """One sheet below its header: columns named by header, cells as read, blank rows kept.

    Built with no polars query, so a folder of thousands of small files costs one `stack`."""

    frame: pl.DataFrame
    first_row: int  # the spreadsheet row number of frame row 0
    headers: tuple[str, ...] = ()  # each column's header as written (before any "_2" suffix)
    positions: tuple[int, ...] = ()  # each column's index in the sheet (A = 0)
    extra: pl.Series | None = None  # EXTRA of each row (a CSV's rows wider than the header)
    visible: bool = True  # a workbook's hidden sheet is not

    def cells(self) -> pl.DataFrame:
        """The frame, with EXTRA when some row has cells beyond the header."""
        return self.frame if self.extra is None else self.frame.with_columns(self.extra)


class Book:
    """One input file, opened once: its sheet names and any sheet's cells."""

    def __init__(self, data: bytes, filename: str) -> None:
        self._data = data
        self._extension = _extension(filename)
        self._reader = None if self._extension == ".csv" else _workbook(data, filename)
        # a CSV file is its only sheet
        self.sheet_names: list[str] = [""] if self._reader is None else self._reader.sheet_names

    def sheet(
        self,
        sheet: str | None = None,
        header: HeaderSpec | None = None,
        percent: frozenset[str] = frozenset(),
    ) -> Sheet:
        """The named sheet, else the first. A CSV ignores `sheet`. `header`: how to find the
        header row (default: the first row that is not blank). `percent`: normalised headers of
        percent columns, whose percent-formatted number cells are read as percent points."""
        if self._reader is None:
            return _read_csv(self._data, header)
        names = self.sheet_names
        if sheet is not None and sheet not in names:
            raise ReadError(f"找不到工作表“{sheet}”（文件中的工作表：{'、'.join(names)}）")
        name = sheet if sheet is not None else names[0]
        try:
            # header_row=None with skip_rows=0: grid row i is sheet row i + 1, blank rows included
            loaded = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if loaded.width > MAX_COLUMNS:
                raise ReadError(_too_wide(f"工作表“{name}”", loaded.width))
            grid = loaded.to_polars()
        except fastexcel.FastExcelError as exc:
            raise ReadError(f"无法读取工作表“{name}”（文件可能已损坏）") from exc
        positions = [c.absolute_index for c in loaded.available_columns()]
        found = _headed(grid, 1, positions, f"工作表“{name}”为空", header)
        found = replace(found, visible=loaded.visible == "visible")
        return self._percent_points(name, found, percent) if percent else found

    def _percent_points(self, name: str, found: Sheet, percent: frozenset[str]) -> Sheet:
        """`found` with the percent-formatted number cells of its `percent` columns as "70%"."""
        wanted = {
            position: column
            for column, written, position in zip(
                found.frame.columns, found.headers, found.positions, strict=True
            )
            if normalise_header(written) in percent
        }
        if not wanted:
            return found
        if self._extension == ".xlsx":
            cells = _xlsx_percent_cells(self._data, name)
        else:
            cells = _xls_percent_cells(self._data, name, sorted(wanted))
        rows = pl.int_range(found.first_row, found.first_row + found.frame.height, eager=True)
        frame = found.frame.with_columns(
            _as_percent(pl.col(column), rows.is_in(cells[position]))
            for position, column in wanted.items()
            if cells.get(position)
        )
        return replace(found, frame=frame)


def _as_percent(cell: pl.Expr, formatted: pl.Series) -> pl.Expr:
    """A number cell shown as a percentage → its percent points as written ("0.855" → "85.5%");
    rounded to 9 places, so binary float noise (0.7 * 100) is no digit anyone typed."""
    value = cell.cast(pl.Float64, strict=False)
    points = (value * 100).round(9).cast(pl.String).str.replace(r"\.0$", "")
    return (
        pl.when(pl.lit(formatted) & value.is_not_null())
        .then(points + "%")
        .otherwise(cell)
        .alias(cell.meta.output_name())
    )


def is_percent_format(code: str) -> bool:
    """A number format that shows a number as a percentage: a % outside quotes, escapes and
    [brackets]. 0"%" and 0\\% only write the sign after the number, unscaled."""
    return "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)


def _xlsx_percent_cells(data: bytes, sheet: str) -> dict[int, list[int]]:
    """Column index → sheet rows of the sheet's number cells with a percent format: the styles
    part says which cell formats (`s`) are percentages, and only when some are is the sheet's
    XML scanned, in chunks, for the cells using them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            workbook = _office_document(book)
            parts = _relationships(book, workbook)
            styles = next((p for t, p in parts.values() if t.endswith("/styles")), None)
            percent = _percent_styles(book.read(styles)) if styles else set()
            if not percent:
                return {}
            part = _sheet_part(book.read(workbook), parts, sheet)
            if part is None:
                return {}
            with book.open(part) as stream:
                return _styled_cells(stream, percent)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return {}  # not the parts a workbook has: calamine read it, formats cannot be told


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _office_document(book: zipfile.ZipFile) -> str:
    root = _relationships(book, "")
    return next((p for t, p in root.values() if t.endswith("/officeDocument")), "xl/workbook.xml")


def _relationships(book: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) of a part ("" = the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    found = {}
    for rel in ElementTree.fromstring(book.read(rels)):
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return found


def _sheet_part(workbook: bytes, parts: dict[str, tuple[str, str]], sheet: str) -> str | None:
    for element in ElementTree.fromstring(workbook).iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            return parts.get(rid, ("", None))[1]
    return None


def _percent_styles(styles: bytes) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format is a percentage."""
    root = ElementTree.fromstring(styles)
    codes = {
        int(e.get("numFmtId", -1)): e.get("formatCode", "")
        for e in root.iter()
        if _local(e.tag) == "numFmt"
    }
    cell_formats = next((e for e in root.iter() if _local(e.tag) == "cellXfs"), [])
    return {
        i
        for i, xf in enumerate(x for x in cell_formats if _local(x.tag) == "xf")
        if _is_percent_id(int(xf.get("numFmtId", 0)), codes)
    }


def _is_percent_id(format_id: int, codes: dict[int, str]) -> bool:
    if format_id in codes:
        return is_percent_format(codes[format_id])
    return format_id in _PERCENT_FORMAT_IDS


def _styled_cells(stream: BinaryIO, styles: set[int]) -> dict[int, list[int]]:
    """Column index → rows of the number cells (`t` absent or "n") whose `s` is in `styles`.

    A regex over the XML, 4 MB at a time: only the tags of such cells are looked at in Python."""
    ids = "|".join(str(s) for s in sorted(styles)).encode()
    tag = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bs=[\"'](?:" + ids + rb")[\"'][^>]*>")
    reference = re.compile(rb"\br=[\"']([A-Z]{1,3})([0-9]+)[\"']")
    kind = re.compile(rb"\bt=[\"'](\w+)[\"']")
    found: dict[int, list[int]] = {}
    rest = b""
    while chunk := stream.read(1 << 22):
        buffer = rest + chunk
        cut = buffer.rfind(b">") + 1
        for match in tag.finditer(buffer, 0, cut):
            cell = match.group(0)
            typed = kind.search(cell)
            where = reference.search(cell)
            if where and (typed is None or typed.group(1) == b"n"):
                column = _column_index(where.group(1).decode())
                found.setdefault(column, []).append(int(where.group(2)))
        rest = buffer[cut:]
    return found


def _xls_percent_cells(data: bytes, sheet: str, columns: list[int]) -> dict[int, list[int]]:
    """Column index → sheet rows of the number cells with a percent format, in `columns` of a
    BIFF sheet: its XF records (cell formats, not styles) and FORMAT records, read by xlrd; the
    sheet's cells are only loaded when some cell format is a percentage."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises many kinds; calamine read the file, formats cannot be told
        return {}
    try:
        formats = book.format_map
        percent = {
            i
            for i, xf in enumerate(book.xf_list)
            if not xf.is_style
            and (
                xf.format_key in _PERCENT_FORMAT_IDS
                or (
                    xf.format_key in formats
                    and is_percent_format(formats[xf.format_key].format_str)
                )
            )
        }
        if not percent:
            return {}
        cells = book.sheet_by_name(sheet)
        return {
            column: [
                row + 1
                for row in range(cells.nrows)
                if column < cells.row_len(row)
                and cells.cell_type(row, column) == xlrd.XL_CELL_NUMBER
                and cells.cell_xf_index(row, column) in percent
            ]
            for column in columns
        }
    except Exception:
        return {}
    finally:
        book.release_resources()


def _too_wide(what: str, width: int) -> str:
    return f"{what}有{width}列，超过上限{MAX_COLUMNS}列：不是可读取的报表，请只保留需要的列"


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
    cells = pl.concat([s.cells() for s in sheets], how="diagonal_relaxed", rechunk=False)
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
                _empty_as_null(pl.col(c).cast(pl.String)).alias(c)
                if c in cells.columns
                else pl.lit(None, pl.String).alias(c)
                for c in wanted
            ),
            ROW,
            PART,
        )
        .collect(engine="streaming")
    )


def _empty_as_null(cell: pl.Expr) -> pl.Expr:
    return pl.when(cell != "").then(cell)


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The workbook's sheet names; [""] for a CSV (the file is its only sheet)."""
    return Book(data, filename).sheet_names


def read_table(
    data: bytes, filename: str, sheet: str | None = None, header: HeaderSpec | None = None
) -> pl.DataFrame:
    """One sheet of one file: its non-blank rows as text under their headers, plus `_row` (and
    EXTRA when a CSV row is wider than its header)."""
    return stack([Book(data, filename).sheet(sheet, header)]).drop(PART)


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


def _read_csv(data: bytes, header: HeaderSpec | None = None) -> Sheet:
    if not data:
        raise ReadError("文件为空")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReadError("无法读取文件：扩展名为 .csv，内容却是 Excel 工作簿，请改正扩展名")
    decoded, encoding = decode_csv(data)
    if decoded.count("\r") != decoded.count("\r\n"):  # CR-only line endings (classic Mac)
        decoded, encoding = decoded.replace("\r\n", "\n").replace("\r", "\n"), "cr"
    # polars takes the column count from the first line, so start at the header line
    leading = _LEADING_BLANK_LINES.match(decoded).group(0)
    body = decoded[len(leading) :]
    if not body.strip():
        raise ReadError("文件为空")
    # the first records' widths, before parsing: the header is among them
    widths = _record_widths(body[: 1 << 20], 50)
    if max(widths, default=0) > MAX_COLUMNS:
        raise ReadError(_too_wide("CSV 文件", max(widths)))
    # polars reads UTF-8 only: hand it the file's own bytes when they already are
    utf8 = data if encoding == "utf-8" and not leading else body.encode("utf-8")
    try:
        try:  # a row wider than the first line is an error here: then read at the widest row
            grid = pl.read_csv(utf8, has_header=False, infer_schema=False)
        except pl.exceptions.ComputeError:
            grid = _read_csv_wide(utf8, body)
    except pl.exceptions.PolarsError as exc:
        raise ReadError('无法解析 CSV 文件：有单元格的引号不成对或用法不对（如 "甲"乙）') from exc
    return _headed(
        grid, leading.count("\n") + 1, list(range(grid.width)), "文件为空", header, widths
    )


def _read_csv_wide(utf8: bytes, body: str) -> pl.DataFrame:
    """A CSV whose rows are not all as wide as its first line, read at its widest row (one pass
    of the csv module to find it; only files with such rows pay for it), bounded by
    MAX_COLUMNS."""
    width = max(_record_widths(body, None), default=0)
    if width > MAX_COLUMNS:
        raise ReadError(_too_wide("CSV 文件", width))
    schema = {f"column_{i + 1}": pl.String for i in range(width)}
    return pl.read_csv(utf8, has_header=False, schema=schema, missing_columns="insert")


def _record_widths(body: str, records: int | None) -> list[int]:
    """The cell counts of the first `records` records (None: all), as the csv module reads them
    (a quoted cell may span lines). Should the csv module fail, the widths so far are a lower
    bound, and polars says what is wrong."""
    widths: list[int] = []
    try:
        for record in itertools.islice(csv.reader(io.StringIO(body)), records):
            widths.append(len(record))
    except csv.Error:
        pass
    return widths


def _filled(column: str) -> pl.Expr:
    """The cell holds more than spaces (null for a null cell). Not text().is_not_null(): its
    replace() costs a wide sheet's query seconds per hundred columns."""
    return pl.col(column).cast(pl.String).str.strip_chars(EDGE_SPACE).str.len_bytes() > 0


def _beyond(body: pl.DataFrame, beyond: list[str]) -> pl.Series | None:
    """The cells of each row beyond its header's width, joined (EXTRA); None when none is."""
    if not beyond:
        return None
    extra = body.select(
        pl.when(pl.any_horizontal(_filled(c) for c in beyond))
        .then(pl.concat_str(beyond, separator=",", ignore_nulls=True))
        .alias(EXTRA)
    ).to_series()
    return None if extra.null_count() == extra.len() else extra


def _headed(
    grid: pl.DataFrame,
    first_row: int,
    positions: list[int],
    empty: str,
    header: HeaderSpec | None = None,
    widths: list[int] | None = None,
) -> Sheet:
    """Positional text grid (grid row 0 = sheet row `first_row`, grid column i = sheet column
    positions[i]) → the rows below its header (_header_row). `widths`: the CSV's first records'
    cell counts; a row's cells beyond its header's width go to EXTRA."""
    cells = grid.columns
    if not cells or grid.is_empty():
        raise ReadError(empty)
    top = 0
    if all(_blank(v) for v in grid.row(0)):
        top = grid.select(pl.any_horizontal(_filled(c) for c in cells).arg_true().first()).item()
        if top is None:
            raise ReadError(empty)
    top, header_cells = _header_row(grid, top, header)
    body = grid.slice(top + 1)
    width = widths[top] if widths is not None and top < len(widths) else len(cells)
    extra = _beyond(body, cells[width:])
    cells, header_cells = cells[:width], header_cells[:width]
    blank_headed = [c for c, written in zip(cells, header_cells, strict=True) if _blank(written)]
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
    kept: list[int] = []
    taken = {ROW, PART, EXTRA}
    for cell, written, position in zip(cells, header_cells, positions, strict=False):
        if _blank(written):
            if not has_data[cell]:
                continue
            written = f"未命名列{_column_letter(position)}"
        name, n = written, 2
        while name in taken:
            name, n = f"{written}_{n}", n + 1
        taken.add(name)
        headers.append(written)
        kept.append(position)
        columns.append(body.to_series(grid.columns.index(cell)).alias(name))
    frame = pl.DataFrame(columns, height=body.height)
    return Sheet(frame, first_row + top + 1, tuple(headers), tuple(kept), extra)


def _header_row(
    grid: pl.DataFrame, top: int, header: HeaderSpec | None
) -> tuple[int, list[str | None]]:
    """(grid row of the header, its cells). Without `header`: the first non-blank row, `top`.

    With it: the first of the HEADER_ROWS rows from `top` that names every required column, so
    title rows above the header are skipped. A header's blank cell takes the cell above it (a
    cell merged over two header rows keeps its text in the upper one), and a row right below
    it whose every filled cell names a column is the lower row of a two-row header: read by
    that row. When no row qualifies, the first non-blank one is the header and the file is
    rejected for the columns it lacks."""
    first = list(grid.row(top))
    if header is None or header.complete(first):
        below = grid.row(top + 1) if header is not None and top + 1 < grid.height else None
        if below is None or not header.all_known(below):
            return top, first
    window = [list(r) for r in grid.slice(top, HEADER_ROWS).iter_rows()]
    found = None
    for i, row in enumerate(window):
        candidate = _under(row, window[i - 1]) if i else row
        if header.complete(row) or header.complete(candidate):
            found = (i, candidate)
            break
    if found is None:
        return top, first
    i, cells = found
    if i + 1 < len(window) and header.all_known(window[i + 1]):
        lower = _under(window[i + 1], cells)
        if header.complete(lower):
            i, cells = i + 1, lower
    return top + i, cells


def _under(row: list[str | None], above: list[str | None]) -> list[str | None]:
    """A header row whose blank cells take the cell above (a header merged over two rows)."""
    return [up if _blank(cell) else cell for cell, up in zip(row, above, strict=True)]


def _blank(cell: str | None) -> bool:
    return cell is None or not normalise_header(cell)


def _column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
