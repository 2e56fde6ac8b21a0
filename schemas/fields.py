"""How a source's columns are declared: canonical name, Chinese header, value kind, aliases.

A source module (schemas/<source>.py) lists its Fields and builds a pandera schema over the
typed frame. Check `error` strings are the Chinese reason shown to the unit after
'第N行 <表头> "<原值>"'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import pandera.polars as pa
import polars as pl

# "free_text" is prose a unit writes (a report's 本月工作情况, a ledger's 摘要, an honor's name):
# kept as written except mobile and resident ID numbers, masked before loading
# (transforms/normalise.free_text, docs/validation.md). "text" is a short value (a name, a code).
Kind = Literal[
    "id",
    "text",
    "free_text",
    "number",
    "integer",
    "percent",
    "money",
    "date",
    "datetime",
    "month",
    "seconds",
]

DTYPES: dict[str, pl.DataType] = {
    "id": pl.String(),
    "text": pl.String(),
    "free_text": pl.String(),
    "number": pl.Float64(),
    "integer": pl.Int32(),
    "percent": pl.Float64(),
    "money": pl.Decimal(18, 2),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
    "month": pl.Int32(),
    "seconds": pl.Int32(),
}

# The reason shown when a value does not parse as its kind.
PARSE_ERRORS: dict[str, str] = {
    "number": "不是有效的数字",
    "integer": "不是有效的整数",
    "percent": "不是有效的百分比",
    "money": "不是有效的金额",
    "date": "不是有效的日期",
    "datetime": "不是有效的时间",
    "month": "不是本年度的有效月份",
    "seconds": "不是有效的用时",
}
# An amount in fractions of 分 ("12.345" 元, "0.001"): told apart from a cell that is no amount.
MONEY_PLACES_ERROR = "金额最多两位小数"
# A month written as a decimal number: Excel keeps a typed 2021.10 as 2021.1 (schemas/semantics.py
# DECIMAL_MONTH), so which month is meant cannot be known.
DECIMAL_MONTH_ERROR = (
    "月份写法有歧义：写成小数的月份（如 2021.10 在 Excel 中会变成 2021.1）无法判断是几月，"
    "请写成 2021-10 或 2021年10月"
)
# A CSV row with more cells than its header (transforms/read.py EXTRA): the quarantine names
# the cells beyond the header as its column.
EXTRA_CELLS_LABEL = "表头之外的单元格"
EXTRA_CELLS_ERROR = (
    "本行的单元格比表头多：很可能有未加引号的英文逗号（如金额 12,345.00 或备注中的逗号）把一个"
    "单元格分成了两个，本行未读取；请去掉千位分隔符、改用中文逗号，或给该单元格加上引号"
)

# Personal contact data is dropped on read, before anything else sees it (docs/validation.md).
PERSONAL_HEADER = r"电话|手机|联系方式|姓名|微信昵称|用户ID|来源详情|身份证"


@dataclass(frozen=True)
class Field:
    """One column of a source. Its limits are declared here once: the source's pandera schema
    checks them and the fill-in templates' Excel data validation (office/workbooks/fill_in.py)
    is made from them, so the two cannot drift apart."""

    name: str  # canonical column name
    label: str  # primary Chinese header
    kind: Kind = "text"
    required_column: bool = True  # a file without this column is rejected whole
    aliases: tuple[str, ...] = field(default=())  # other accepted headers (already normalised)
    low: float | None = None  # the smallest value accepted (inclusive)
    high: float | None = None  # the largest value accepted (inclusive)
    in_year: bool = False  # a date within the year assessed
    choices: tuple[str, ...] = ()  # the only values accepted (a drop-down in a template)
    # The longest text a template's cell takes; the reader keeps longer text as written (a
    # pasted long note is no reason to quarantine a report).
    max_chars: int | None = None

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.kind]

    @property
    def span(self) -> str:
        """The bounds as the messages write them: `0-100`."""
        return f"{self.low:g}-{self.high:g}"


@dataclass(frozen=True)
class SheetChoice:
    """Which sheet of a workbook holds a source (a CSV file is its only sheet)."""

    name: str | None = None  # the sheet wanted; None: the first
    or_first: bool = True  # without a sheet `name`: the first one that is not in `others`
    others: tuple[str, ...] = ()  # sheets of another source in the same files (e.g. 荣誉)

    def pick(self, names: list[str]) -> str | None:
        """The sheet to read among `names`, or None: this file has nothing of the source."""
        if self.name is not None and self.name in names:
            return self.name
        rest = [n for n in names if n not in self.others]
        return rest[0] if self.or_first and rest else None


@dataclass(frozen=True)
class SourceSpec:
    """How a source's files are laid out: where its rows are and how its columns are headed."""

    source: str  # the audit name: reports, honors, funding, surveys, units, ...
    fields: tuple[Field, ...]
    sheet: SheetChoice = SheetChoice()
    wan_header: str | None = None  # a header saying the file's amounts are in 万元
    questions: bool = False  # survey question columns ("N、text") are kept as text, named qN
    # where it comes from and where it goes (schemas/sources.py lists every source)
    folder: str = "plan"  # the inbox folder its files are in
    label: str = ""  # what the office calls it
    tables: tuple[str, ...] = ()  # the core tables it fills, its loaded rows first
    optional: bool = False  # an absent folder is normal, not worth a note
    known_at: str | None = None  # the date (or time) column: a row is known from that day on


def header_aliases(fields: tuple[Field, ...]) -> dict[str, str]:
    """normalised header → canonical name, for Chinese, alias and English headers."""
    out: dict[str, str] = {}
    for f in fields:
        for header in (f.label, f.name, *f.aliases):
            out[header] = f.name
    return out


def required(f: Field, **kwargs) -> pa.Column:
    """A column whose value must be present."""
    return pa.Column(f.dtype, nullable=False, **kwargs)


def optional(f: Field, **kwargs) -> pa.Column:
    return pa.Column(f.dtype, nullable=True, **kwargs)


def row_check(expr: pl.Expr, error: str) -> pa.Check:
    """A check on one column that may look at the row's other columns (null-safe: null = fail)."""
    return pa.Check(lambda data: data.lazyframe.select(expr.fill_null(False)), error=error)


def year_days(year: int) -> tuple[dt.date, dt.date]:
    """The first and the last date of `year`: what a field `in_year` accepts."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def in_bounds(f: Field, error: str) -> pa.Check:
    """The field's declared bounds (`low`, `high` or both, inclusive) as a check."""
    if f.low is not None and f.high is not None:
        return pa.Check.in_range(f.low, f.high, error=error)
    if f.low is not None:
        return pa.Check.ge(f.low, error=error)
    if f.high is not None:
        return pa.Check.le(f.high, error=error)
    raise ValueError(f"{f.name} declares no bounds")


def in_year(f: Field, year: int, error: str) -> pa.Check:
    """A date of the field within `year` (the field is declared `in_year`)."""
    if not f.in_year:
        raise ValueError(f"{f.name} is not declared in_year")
    return pa.Check.in_range(*year_days(year), error=error)


def isin(values, error: str) -> pa.Check:
    values = sorted(set(values))
    return pa.Check(lambda data: data.lazyframe.select(pl.col(data.key).is_in(values)), error=error)
