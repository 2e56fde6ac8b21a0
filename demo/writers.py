"""Deterministic spreadsheet writers: CSV, XLSX (xlsxwriter) and legacy XLS (xlwt).

Shared by the demo inbox generator and the benchmark generator. Each writer takes a header
and rows of plain Python values and produces the same bytes on every run:

- ``str`` is written as text (never turned into a number, formula or hyperlink);
- ``int``/``float``/``Decimal`` as a number cell (CSV: ``str(value)``);
- ``datetime.date``/``datetime.datetime`` as a real Excel date cell (CSV: ISO text);
- ``None`` as an empty cell.

No other formatting: the writers stay fast enough for province-scale files.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

Cell = str | int | float | Decimal | dt.date | dt.datetime | None
Rows = Iterable[Sequence[Cell]]
Sheets = Mapping[str, tuple[Sequence[str], Rows]]
Encoding = Literal["utf-8-sig", "utf-8", "gb18030"]

# Document properties and zip timestamps are fixed so that two runs give identical bytes.
FIXED_CREATED = dt.datetime(2022, 1, 10, 9, 0, 0)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLS_MAX_ROWS = 65536


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(
    path: str | Path, header: Sequence[str], rows: Rows, encoding: Encoding = "utf-8-sig"
) -> int:
    """Write a CSV the way Excel saves one (CRLF line ends); returns the number of data rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
            count += 1
    return count


def _has_time(value: dt.datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0)


def write_xlsx(
    path: str | Path,
    sheets: Sheets,
    created: dt.datetime = FIXED_CREATED,
    constant_memory: bool = False,
) -> None:
    """Write an .xlsx with one worksheet per entry of ``sheets`` (name -> (header, rows))."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "constant_memory": constant_memory,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": created})
    date_fmt = book.add_format({"num_format": DATE_FORMAT})
    datetime_fmt = book.add_format({"num_format": DATETIME_FORMAT})
    for name, (header, rows) in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(h) for h in header])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float | Decimal):
                    sheet.write_number(r, c, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(
                        r, c, value, datetime_fmt if _has_time(value) else date_fmt
                    )
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_fmt)
                else:
                    raise TypeError(f"cannot write {type(value).__name__} to {path}")
    book.close()


def write_xls(path: str | Path, sheets: Sheets) -> None:
    """Write a legacy BIFF8 .xls (as old Excel writes it); at most 65536 rows per sheet."""
    import xlwt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str=DATE_FORMAT)
    datetime_style = xlwt.easyxf(num_format_str=DATETIME_FORMAT)
    for name, (header, rows) in sheets.items():
        sheet = book.add_sheet(name)
        for c, title in enumerate(header):
            sheet.write(0, c, str(title))
        for r, row in enumerate(rows, start=1):
            if r >= XLS_MAX_ROWS:
                raise ValueError(f"{path}: sheet {name!r} exceeds {XLS_MAX_ROWS} rows")
            line = sheet.row(r)
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.datetime):
                    line.write(c, value, datetime_style if _has_time(value) else date_style)
                elif isinstance(value, dt.date):
                    line.write(c, value, date_style)
                elif isinstance(value, Decimal):
                    line.write(c, float(value))
                elif isinstance(value, str | int | float):
                    line.write(c, value)
                else:
                    raise TypeError(f"cannot write {type(value).__name__} to {path}")
    book.save(str(path))
