"""validate.parse: fast paths for the common forms, the general parsers for the rest, merged back.

Whatever path a cell takes, its value is the general parser's (transforms.normalise).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest

from schemas.fields import Field
from transforms import normalise, validate

FIELDS = (
    Field("at", "提交答卷时间", "datetime"),
    Field("day", "日期", "date"),
    Field("secs", "所用时间", "seconds"),
    Field("amount", "金额", "money"),
    Field("share", "完成进度", "percent"),
    Field("value", "实际完成值", "number"),
    Field("month", "月份", "month"),
    Field("note", "备注", "text"),
    Field("summary", "摘要", "free_text"),
)


def raw_frame(columns: dict[str, list], wan: list[bool] | None = None) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pl.DataFrame(
        {
            "_file": ["f.csv"] * n,
            "_sheet": [""] * n,
            "_row": list(range(2, n + 2)),
            **columns,
        },
        schema_overrides={c: pl.String for c in columns} | {"_row": pl.Int32},
    )
    return frame if wan is None else frame.with_columns(_wan=pl.Series(wan))


def general(frame: pl.DataFrame, field: Field) -> list:
    """The general parser alone over the whole column (what parse must give)."""
    wan = pl.col("_wan").fill_null(False) if "_wan" in frame.columns else pl.lit(False)
    expr = validate._parse(pl.col(field.name), field.kind, 2021, wan).cast(field.dtype)
    return frame.select(expr).to_series().to_list()


def test_mixed_forms_in_one_column_keep_row_order():
    cells = [
        "2021/3/1 10:00:00",  # fast
        "2021年3月2日 10:00",  # general
        "2021-03-03 10:00:00",  # fast
        "44260.5",  # general: an Excel serial
        "坏值",  # neither: null
        None,
        "2021/3/5 9:05:07",  # fast
        " 2021/3/6 10:00:00 ",  # spaces: general
        "２０２１/3/7 10:00:00",  # full width: general
        "2021/3/8 10:00:60",  # leap second: general, null
        "2021/2/29 10:00:00",  # no such day: null
        "2021/3/9 24:00:00",  # no such hour: null
        "2021/3/10 10:0:00",  # one-digit minute: null
        "",
    ]
    frame = raw_frame({"at": cells})
    typed = validate.parse(frame, (FIELDS[0],), 2021)
    assert typed.columns == ["_file", "_sheet", "_row", "at"]
    assert typed["_row"].to_list() == list(range(2, len(cells) + 2))
    assert typed["at"].to_list() == [
        datetime(2021, 3, 1, 10),
        datetime(2021, 3, 2, 10),
        datetime(2021, 3, 3, 10),
        datetime(2021, 3, 5, 12),
        None,
        None,
        datetime(2021, 3, 5, 9, 5, 7),
        datetime(2021, 3, 6, 10),
        datetime(2021, 3, 7, 10),
        None,
        None,
        None,
        None,
        None,
    ]
    assert typed["at"].to_list() == general(frame, FIELDS[0])


CELLS = {
    "at": ["2021/10/12 14:03:22", "2021-10-12 14:03:22", "2021/10/12 14:03", "44481.58", "x"],
    "day": ["2021-09-30", "2021/9/30", "2021-09-30 00:00:00", "2021年9月30日", "20210930"],
    "secs": ["95秒", "95", "0095秒", "1分35秒", "９５秒"],
    "amount": ["1234.5", "¥1,234.50", "1,2", "0.30000000000000004", "12.5万"],
    "share": ["85", "85.5%", "８５％", "85 %", "-5%"],
    "value": ["9.5", "-3", "+3", ".5", "1,234.5"],
    "month": ["9", "2021-09", "2021年9月", "2021-09-30 14:03:22", "13"],
    "note": [" 本月完成\u3000", "", "x", None, "\u200b"],
    "summary": [
        "电话13912345678 ",
        "凭证12345678901234567890",
        "  ",
        "拨付",
        "139 1234 5678",
    ],
}


def test_every_kind_equals_its_general_parser_cell_by_cell():
    frame = raw_frame(CELLS, wan=[False, True, False, True, False])
    typed = validate.parse(frame, FIELDS, 2021)
    for field in FIELDS:
        assert typed[field.name].dtype == field.dtype
        assert typed[field.name].to_list() == general(frame, field), field.name
    assert typed["day"].to_list() == [date(2021, 9, 30)] * 5
    assert typed["secs"].to_list() == [95] * 5
    assert typed["amount"].to_list() == [
        Decimal("1234.50"),
        Decimal("12345000.00"),  # the row's file header said 万元
        None,
        Decimal("3000.00"),
        Decimal("125000.00"),  # the written unit wins
    ]


def test_missing_optional_column_is_all_null():
    frame = raw_frame({"at": ["2021/3/1 10:00:00"]})
    typed = validate.parse(frame, (FIELDS[0], FIELDS[2]), 2021)
    assert typed.select("at", "secs").rows() == [(datetime(2021, 3, 1, 10), None)]
    assert typed["secs"].dtype == pl.Int32


def test_a_large_column_of_mostly_common_forms():
    n = 30_000
    fast = [f"2021/{i % 12 + 1}/{i % 28 + 1} {i % 24}:{i % 60:02d}:{i % 59:02d}" for i in range(n)]
    slow = {7: "2021年5月6日 7:08:09", 12_345: "44481.58", 29_999: "坏值", 20_000: None}
    cells = [slow.get(i, cell) for i, cell in enumerate(fast)]
    frame = raw_frame({"at": cells, "secs": [f"{i}秒" if i % 1000 else f"{i}" for i in range(n)]})
    typed = validate.parse(frame, FIELDS[:3], 2021)
    assert typed["at"].to_list() == general(frame, FIELDS[0])
    assert typed["at"][7] == datetime(2021, 5, 6, 7, 8, 9)
    assert typed["at"][12_345] == datetime(2021, 10, 12, 13, 55, 12)
    assert typed["at"][29_999] is None and typed["at"][20_000] is None
    assert typed["at"].null_count() == 2
    assert typed["secs"].to_list() == list(range(n))
    assert typed["day"].null_count() == n


@pytest.mark.parametrize(
    ("kind", "fast", "cells"),
    [
        (
            "datetime",
            normalise.fast_datetime,
            [
                "2021/3/1 10:00:00",
                "2021-3-1 1:02:03",
                "0000-01-01 00:00:00",
                "9999/12/31 23:59:59",
                "2020/2/29 10:00:00",
                "2021/2/29 10:00:00",
                "2021/3/1 24:00:00",
                "2021/3/1 10:00:60",
                "2021/3/1 10:0:00",
                "+2021/3/1 10:00:00",
                " 2021/3/1 10:00:00",
                "2021/3/1  10:00:00",
                "2021/003/1 10:00:00",
                "2021/3-1 10:00:00",
                "2021-03-01",
                "2021/3/1 10:00:00.5",
            ],
        ),
        (
            "date",
            normalise.fast_date,
            [
                "2021-09-30",
                "2021/9/30",
                "2021/9/31",
                "2021-09-30 00:00:00",
                "2021-09-30 24:00:00",
                "2021-09-30 10:00:60",
                "2021-9-30 7:00:00",
                "0000-02-29",
                "2021-00-01",
                " 2021-09-30",
            ],
        ),
        (
            "seconds",
            normalise.fast_seconds,
            [
                "95秒",
                "95",
                "0",
                "0095秒",
                "999999999秒",
                "9999999999秒",
                "-5秒",
                "+5",
                "95.0",
                "９５秒",
                "95 秒",
                "秒",
            ],
        ),
        (
            "number",
            normalise.fast_number,
            [
                "9",
                "-3",
                "9.50",
                "0.000",
                "-0",
                "12345678901234567890",
                "+3",
                ".5",
                "5.",
                "1,234",
                "1e3",
                "٣",
            ],
        ),
        (
            "percent",
            normalise.fast_percent,
            ["85", "85%", "85.0%", "-5%", "120%", "85%%", "%85", "85 %", "８５％", "0.85"],
        ),
    ],
)
def test_a_fast_path_value_is_the_general_value(kind, fast, cells):
    """Where a fast path decides, it agrees with the general parser; elsewhere it gives null."""
    frame = pl.DataFrame({"x": cells}, schema={"x": pl.String})
    dtype = Field("x", "x", kind).dtype
    out = frame.select(
        fast=fast(pl.col("x")).cast(dtype),
        general=validate._parse(pl.col("x"), kind, 2021, pl.lit(False)).cast(dtype),
    )
    decided = out.filter(pl.col("fast").is_not_null())
    assert decided.filter(pl.col("fast").ne_missing(pl.col("general"))).is_empty()  # year 0 too
    assert decided.height > 0


@pytest.mark.parametrize("wan", [False, True])
def test_the_money_fast_path_value_is_the_general_value(wan):
    cells = ["1234.5", "1,234.50", "¥1,234.50", "¥-5", "-5", "0", "0.12345678", "0.123456785",
             "9999999999999999.99", "99999999999999999", "1,2", "12,34.5", "-¥5", "+5", "¥ 5",
             "1234元", "12.5万", "￥1234", "１２３４．５"]  # fmt: skip
    frame = pl.DataFrame({"x": cells, "_wan": [wan] * len(cells)})
    out = frame.select(
        fast=normalise.fast_money(pl.col("x"), pl.col("_wan")),
        general=normalise.money(pl.col("x"), wan=wan),
    )
    decided = out.filter(pl.col("fast").is_not_null())
    assert decided["fast"].to_list() == decided["general"].to_list()
    assert decided.height >= 6


def test_non_ascii_digits_and_huge_numbers_are_null_not_errors():
    cells = pl.DataFrame({"x": ["2021-09-30 ١٢:00", "99999999999999999999秒", "٣月"]})
    parsed = cells.select(
        normalise.datetime(pl.col("x")).alias("at"),
        normalise.seconds(pl.col("x")).alias("seconds"),
        normalise.month(pl.col("x"), 2021).alias("month"),
    )
    assert parsed.null_count().row(0) == (3, 3, 3)
