"""Text cells → typed values, as vectorised polars expressions.

Every function takes a String expression and returns an expression of the target type.
A value that does not parse becomes null, never an error: callers compare raw-not-null with
parsed-null to quarantine the row with its raw value.

Forms accepted (after trimming; in everything but `text` full-width ASCII folds to ASCII, so
"８５％" is "85%" and "１，２３４．５" is "1,234.5"):

- number   "9", "9.50", "-3", "+3", ".5", "1,234.5" (commas only as thousands separators)
- integer  a whole number: "3", "3.0"
- percent  "85", "85%", "85.0%": a bare number is percent points (0.85 stays 0.85)
- money    "1234.5", "1,234.50", "¥1,234.50", "￥1234", "-¥5", "1234元", "12.5万", "12.5万元".
           A unit written in the cell wins: 万/万元 multiplies by 10000, 元 does not; a cell
           without a unit is scaled by 10000 only when the column header is in 万元 (wan=True).
           Exact decimal arithmetic throughout; more than 2 decimal places in yuan are rounded
           half away from zero (Excel cells often carry float noise such as 0.30000000000000004).
- date     "2021-09-30", "2021/9/30", "2021.9.30", "2021年9月30日", "20210930", a date with a
           time ("2021-09-30 14:03:22", as fastexcel renders a date cell), or an Excel serial
           "44469" / "44469.5" (1900 date system with its phantom 1900-02-29; 1..100000).
- datetime the date forms with an optional time "14:03" / "14:03:22" (space or T), date only
           = midnight; a fractional Excel serial is rounded to the second.
- month    "2021-09", "2021/9", "2021.9", "2021年9月", "9月", "9", "09", or any date form (its
           month). Plain integers are months (1-12), never serials. A month of another year
           than `year` is null.
- seconds  "95", "95秒", "95 秒", "1分35秒", "1分钟35秒", "1小时2分3秒".
"""

from __future__ import annotations

from datetime import datetime as _dt
from decimal import Decimal

import polars as pl

_EDGE_SPACE = r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$"  # \s is Unicode: U+3000, NBSP, tabs
_FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {
    "\u3000": " ",  # ideographic space
    "\u2212": "-",  # minus sign
    "\uffe5": "¥",  # full-width yen/yuan sign
}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+"
_SERIAL = r"^\d+(?:\.\d+)?$"
_DATE = (
    r"^(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*[-/.月]\s*(?<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*)(?<H>\d{1,2}):(?<M>\d{2})(?::(?<S>\d{2})(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = r"^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$"
_EXCEL_EPOCH = _dt(1899, 12, 30)  # serial 61 = 1900-03-01; serials below 60 are one day later


def text(e: pl.Expr) -> pl.Expr:
    """Trimmed text (spaces of any width, tabs, NBSP, zero-width); empty → null."""
    trimmed = e.str.replace_all(_EDGE_SPACE, "")
    return pl.when(trimmed != "").then(trimmed)


def fold(e: pl.Expr) -> pl.Expr:
    """text() with full-width ASCII folded to half-width ("８５％" → "85%", "，" → ",")."""
    return text(e).str.replace_many(_FULL_WIDTH)


def ident(e: pl.Expr) -> pl.Expr:
    """An id as written, folded: "Ｕ０１" → "U01"."""
    return fold(e)


def _decimal_text(folded: pl.Expr) -> pl.Expr:
    """"1,234.5" → "1234.5"; null unless the folded text is a plain signed decimal."""
    return pl.when(folded.str.contains(rf"^[+-]?(?:{_NUMBER})$")).then(
        folded.str.replace_all(",", "", literal=True)
    )


def number(e: pl.Expr) -> pl.Expr:
    return _decimal_text(fold(e)).cast(pl.Float64, strict=False)


def integer(e: pl.Expr) -> pl.Expr:
    value = number(e)
    return pl.when(value == value.floor()).then(value).cast(pl.Int32, strict=False)


def percent(e: pl.Expr) -> pl.Expr:
    return _decimal_text(fold(e).str.replace(r"\s*%$", "")).cast(pl.Float64, strict=False)


def money(e: pl.Expr, wan: bool = False) -> pl.Expr:
    """Exact yuan as Decimal(18, 2); `wan` = the column header says 万元."""
    folded = fold(e).str.replace(r"^([+-]?)\s*¥\s*", "$1")
    parts = folded.str.extract_groups(
        rf"^(?<amount>[+-]?(?:{_NUMBER}))\s*(?<unit>万元?|元)?$"
    ).struct
    digits = _decimal_text(parts.field("amount")).str.replace(r"(\.\d{8})\d+$", "$1")
    unit = parts.field("unit")
    scale = (
        pl.when(unit.str.starts_with("万")).then(True)
        .when(unit == "元").then(False)
        .otherwise(pl.lit(wan))
    )
    value = digits.str.to_decimal(scale=8)  # truncated to 8 places: no double rounding
    scaled = pl.when(scale).then(value * pl.lit(Decimal(10000))).otherwise(value)
    return scaled.round(2, mode="half_away_from_zero").cast(pl.Decimal(18, 2), strict=False)


def _serial(folded: pl.Expr) -> pl.Expr:
    """An Excel serial as Float64 in the accepted range, else null."""
    value = pl.when(folded.str.contains(_SERIAL)).then(folded.cast(pl.Float64, strict=False))
    return pl.when(value.is_between(1, 100_000) & ((value < 60) | (value >= 61))).then(value)


def _serial_datetime(folded: pl.Expr, round_to_day: bool) -> pl.Expr:
    serial = _serial(folded)
    serial = serial.floor() if round_to_day else serial
    phantom_leap_day = pl.when(serial < 60).then(86_400).otherwise(0)  # serials 1-59: +1 day
    seconds = (serial * 86_400).round(0).cast(pl.Int64) + phantom_leap_day
    return (pl.lit(_EXCEL_EPOCH) + pl.duration(seconds=seconds)).dt.cast_time_unit("us")


def _text_datetime(folded: pl.Expr) -> pl.Expr:
    """Datetime from the written date forms; a missing time is midnight, a bad one null."""
    full = folded.str.extract_groups(_DATE).struct
    compact = folded.str.extract_groups(_COMPACT_DATE).struct
    y, m, d = (pl.coalesce(full.field(k), compact.field(k)) for k in "ymd")
    day = pl.concat_str(y, m.str.zfill(2), d.str.zfill(2), separator="-").str.to_date(
        "%Y-%m-%d", strict=False
    )
    hour, minute, second = (full.field(k).cast(pl.Int64).fill_null(0) for k in "HMS")
    valid_time = (hour <= 23) & (minute <= 59) & (second <= 59)
    return pl.when(valid_time).then(
        day.cast(pl.Datetime("us")) + pl.duration(hours=hour, minutes=minute, seconds=second)
    )


def date(e: pl.Expr) -> pl.Expr:
    folded = fold(e)
    return pl.coalesce(
        _text_datetime(folded), _serial_datetime(folded, round_to_day=True)
    ).dt.date()


def datetime(e: pl.Expr) -> pl.Expr:
    folded = fold(e)
    return pl.coalesce(_text_datetime(folded), _serial_datetime(folded, round_to_day=False))


def month(e: pl.Expr, year: int) -> pl.Expr:
    """Month 1-12 of `year`; a month (or date) of another year is null."""
    folded = fold(e)
    bare = folded.str.extract(r"^(\d{1,2})(?:\.0+)?\s*(?:月份?)?$").cast(pl.Int32)
    year_month = folded.str.extract_groups(
        r"^(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*(?:月份?)?$"
    ).struct
    day = date(e)
    m = pl.coalesce(bare, year_month.field("m").cast(pl.Int32), day.dt.month().cast(pl.Int32))
    y = pl.coalesce(
        pl.when(bare.is_not_null()).then(year),
        year_month.field("y").cast(pl.Int32),
        day.dt.year().cast(pl.Int32),
    )
    return pl.when((y == year) & m.is_between(1, 12)).then(m)


def seconds(e: pl.Expr) -> pl.Expr:
    """A duration in whole seconds: "95", "95秒", "1分35秒"."""
    folded = fold(e)
    bare = integer(e)
    parts = folded.str.extract_groups(
        r"^(?:(?<h>\d+)\s*(?:小时|时)\s*)?(?:(?<m>\d+)\s*分钟?\s*)?(?:(?<s>\d+)\s*秒钟?)?$"
    ).struct
    h, m, s = (parts.field(k).cast(pl.Int64) for k in "hms")
    written = pl.when(h.is_not_null() | m.is_not_null() | s.is_not_null()).then(
        h.fill_null(0) * 3600 + m.fill_null(0) * 60 + s.fill_null(0)
    )
    return pl.coalesce(bare, written.cast(pl.Int32, strict=False))
