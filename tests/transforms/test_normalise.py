"""transforms.normalise: every accepted form and the failures, with hand-written expectations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest

from transforms import normalise


def parse(fn: Callable[[pl.Expr], pl.Expr], raw: str | None, dtype: pl.DataType):
    """Apply one expression to a one-cell String column; check the dtype; return the value."""
    out = pl.DataFrame({"raw": [raw]}, schema={"raw": pl.String}).select(fn(pl.col("raw")))
    assert out.dtypes[0] == dtype
    return out.item()


def cases(table: list[tuple]) -> list:
    return [pytest.param(raw, expected, id=repr(raw)) for raw, expected in table]


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("  本月完成 改造\u3000", "本月完成 改造"),
            ("\t\u00a0U01\u200b", "U01"),
            ("第一行\n第二行", "第一行\n第二行"),
            ("１００％", "１００％"),  # free text keeps full-width characters
            ("", None),
            (" \u3000\t", None),
            (None, None),
        ]
    ),
)
def test_text(raw, expected):
    assert parse(normalise.text, raw, pl.String) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("Ｕ０１", "U01"),
            ("Ｔ－０３", "T-03"),
            ("\u3000101 ", "101"),
            ("U01", "U01"),
            ("dy10", "DY10"),  # ids differing only in case are one id
            ("ｔ０２３", "T023"),
            ("", None),
        ]
    ),
)
def test_ident(raw, expected):
    assert parse(normalise.ident, raw, pl.String) == expected


def test_fold():
    assert parse(normalise.fold, " １，２３４．５％－（元）\uffe5 ", pl.String) == "1,234.5%-(元)¥"


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("9", 9.0),
            ("9.50", 9.5),
            ("-3", -3.0),
            ("+3", 3.0),
            (".5", 0.5),
            ("1,234.5", 1234.5),
            ("12,345,678", 12345678.0),
            ("１，２３４．５", 1234.5),
            ("－３", -3.0),
            (" 85 ", 85.0),
            ("1,2", None),
            ("12,34.5", None),
            ("1.2.3", None),
            ("abc", None),
            ("9个", None),
            ("1e3", None),
            ("-", None),
            ("", None),
            (None, None),
        ]
    ),
)
def test_number(raw, expected):
    assert parse(normalise.number, raw, pl.Float64) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("3", 3),
            ("3.0", 3),
            ("-2", -2),
            ("１２", 12),
            ("1,000", 1000),
            ("3.5", None),
            ("99999999999", None),  # beyond Int32
            ("三", None),
            ("", None),
        ]
    ),
)
def test_integer(raw, expected):
    assert parse(normalise.integer, raw, pl.Int32) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("85", 85.0),
            ("85%", 85.0),
            ("85.0%", 85.0),
            ("８５％", 85.0),
            ("85 %", 85.0),
            ("0.85", 0.85),  # a bare number is percent points
            ("120%", 120.0),  # out of range is a validation concern
            ("-5%", -5.0),
            ("85%%", None),
            ("%85", None),
            ("八成", None),
            ("", None),
        ]
    ),
)
def test_percent(raw, expected):
    assert parse(normalise.percent, raw, pl.Float64) == expected


MONEY = pl.Decimal(18, 2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("1234.5", Decimal("1234.50")),
            ("1,234.50", Decimal("1234.50")),
            ("¥1,234.50", Decimal("1234.50")),
            ("￥1234", Decimal("1234.00")),
            ("¥ 1234", Decimal("1234.00")),
            ("１２３４．５", Decimal("1234.50")),
            ("1234元", Decimal("1234.00")),
            ("12.5万", Decimal("125000.00")),
            ("12.5万元", Decimal("125000.00")),
            ("12.5 万元", Decimal("125000.00")),
            ("0.0001万", Decimal("1.00")),
            ("-3,000", Decimal("-3000.00")),
            ("-¥5", Decimal("-5.00")),
            ("¥-5", Decimal("-5.00")),
            ("0", Decimal("0.00")),
            ("0.1", Decimal("0.10")),
            # binary float noise of a formula cell is no decimal anyone wrote
            ("0.30000000000000004", Decimal("0.30")),
            ("0.7999999999999999", Decimal("0.80")),
            # more than 2 decimals in yuan (after the 万 scaling): not whole 分, null
            ("2.675", None),
            ("1.005", None),
            ("-1.005", None),
            ("0.001", None),
            ("0.0049999999999", None),
            ("1.23456万", Decimal("12345.60")),
            ("1.234565万", Decimal("12345.65")),  # 12345.65 exactly
            ("1.234567万", Decimal("12345.67")),
            ("1.2345650001万", Decimal("12345.65")),  # 8 places in 万 are read: float noise
            ("1.2345651万", None),
            ("1.234566万", Decimal("12345.66")),
            ("9999999999999999.99", Decimal("9999999999999999.99")),
            ("99999999999999999", None),  # does not fit Decimal(18, 2)
            ("1,2", None),
            ("12.5千", None),
            ("万", None),
            ("¥", None),
            ("1e3", None),
            ("--5", None),
            ("五百元", None),
            ("", None),
            (None, None),
        ]
    ),
)
def test_money(raw, expected):
    assert parse(normalise.money, raw, MONEY) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("12.5", Decimal("125000.00")),
            ("12.5万", Decimal("125000.00")),  # written unit wins: not scaled twice
            ("12.5万元", Decimal("125000.00")),
            ("1234元", Decimal("1234.00")),  # written unit wins
            ("0.123456", Decimal("1234.56")),
            ("0.1234565", None),  # 1234.565 元
            ("1,000", Decimal("10000000.00")),
            ("", None),
        ]
    ),
)
def test_money_under_a_wan_header(raw, expected):
    assert parse(lambda e: normalise.money(e, wan=True), raw, MONEY) == expected


@pytest.mark.parametrize(
    ("raw", "wan", "expected"),
    [
        ("12.345", False, True),
        ("0.001", False, True),
        ("-0.001", False, True),
        ("1.2345678万", False, True),
        ("0.1234565", True, True),
        ("1.234567", True, False),  # 12345.67 元
        ("12.34", False, False),
        ("0.30000000000000004", False, False),
        ("99999999999999999", False, False),  # too large, not too precise
        ("五百元", False, False),
        (None, False, False),
    ],
)
def test_money_too_precise_tells_fractions_of_fen_from_no_amount(raw, wan, expected):
    frame = pl.DataFrame({"raw": [raw]}, schema={"raw": pl.String})
    assert frame.select(normalise.money_too_precise(pl.col("raw"), wan=wan)).item() is expected


def test_money_sums_exactly():
    raw = pl.DataFrame({"raw": ["0.1", "0.2", "0.1万"] * 1000})
    frame = raw.select(normalise.money(pl.col("raw")))
    assert frame.sum().item() == Decimal("1000300.00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("2021-09-30", date(2021, 9, 30)),
            ("2021/9/30", date(2021, 9, 30)),
            ("2021.9.30", date(2021, 9, 30)),
            ("2021年9月30日", date(2021, 9, 30)),
            ("2021年09月30", date(2021, 9, 30)),
            ("２０２１－０９－３０", date(2021, 9, 30)),
            ("20210930", date(2021, 9, 30)),
            ("2021-09-30 14:03:22", date(2021, 9, 30)),
            (
                "2021-09-30 00:00:00",
                date(2021, 9, 30),
            ),  # an Excel date cell as fastexcel renders it
            ("2021/10/12 14:03", date(2021, 10, 12)),
            ("2021-10-12T14:03:22", date(2021, 10, 12)),
            ("44469", date(2021, 9, 30)),
            ("44469.5", date(2021, 9, 30)),
            ("44469.99", date(2021, 9, 30)),
            ("61", date(1900, 3, 1)),
            ("59", date(1900, 2, 28)),
            ("1", date(1900, 1, 1)),
            ("60", None),  # Excel's phantom 1900-02-29
            ("0", None),
            ("100001", None),
            ("2021-02-30", None),
            ("2021-13-01", None),
            ("2021-09", None),
            ("21-09-30", None),
            ("9/30/2021", None),
            ("2021-09-30 下午", None),
            ("20211332", None),
            ("-44469", None),
            ("明天", None),
            ("", None),
            (None, None),
        ]
    ),
)
def test_date(raw, expected):
    assert parse(normalise.date, raw, pl.Date) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("2021/10/12 14:03:22", datetime(2021, 10, 12, 14, 3, 22)),
            ("2021-10-12 14:03:22", datetime(2021, 10, 12, 14, 3, 22)),
            ("2021-10-12T14:03:22", datetime(2021, 10, 12, 14, 3, 22)),
            ("2021-10-12 14:03:22.750", datetime(2021, 10, 12, 14, 3, 22)),
            ("2021/10/12 9:05", datetime(2021, 10, 12, 9, 5)),
            ("2021-10-12", datetime(2021, 10, 12)),
            ("2021年10月12日", datetime(2021, 10, 12)),
            ("2021年10月12日 14:03:22", datetime(2021, 10, 12, 14, 3, 22)),
            ("44481", datetime(2021, 10, 12)),
            ("44481.58", datetime(2021, 10, 12, 13, 55, 12)),
            ("44481.5847222222", datetime(2021, 10, 12, 14, 2)),
            ("44481.99999999", datetime(2021, 10, 13)),  # rounds to the second
            ("2021-10-12 24:00:00", None),
            ("2021-10-12 14:60", None),
            ("2021-10-12 14", None),
            ("2021-02-29 10:00", None),
            ("60.5", None),
            ("abc", None),
            ("", None),
        ]
    ),
)
def test_datetime(raw, expected):
    assert parse(normalise.datetime, raw, pl.Datetime("us")) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("2021-09", 9),
            ("2021/9", 9),
            ("2021.9", 9),
            ("2021.09", 9),
            ("2021年9月", 9),
            ("2021年09月份", 9),
            ("9月", 9),
            ("9月份", 9),
            ("9", 9),
            ("09", 9),
            ("9.0", 9),  # a numeric cell
            ("１２", 12),
            ("1", 1),  # the month 1, not serial 1 (1900-01-01)
            ("2021-09-30", 9),
            ("2021年9月30日", 9),
            ("2021-09-30 14:03:22", 9),
            ("44469", 9),  # serial of 2021-09-30
            ("0", None),
            ("13", None),
            ("60", None),
            ("13月", None),
            ("2020-09", None),  # another year
            ("2022年1月", None),
            ("2020-12-31", None),
            ("44196", None),  # serial of 2020-12-31
            ("9.5", None),
            ("2021-13", None),
            ("九月", None),
            ("", None),
            (None, None),
        ]
    ),
)
def test_month(raw, expected):
    assert parse(lambda e: normalise.month(e, 2021), raw, pl.Int32) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021.1", None),  # what Excel keeps of a typed 2021.10: ambiguous
        ("2021.10", None),
        ("２０２１．９", None),
        ("2021.9.30", 9),  # a date, not a decimal number
        ("2021-09", 9),
        ("2021/9", 9),
        ("2021年9月", 9),
        ("9月", 9),
        ("9", 9),
        ("9.0", 9),  # an integer cell
        ("44469", 9),
        ("2021-09-30 00:00:00", 9),  # an Excel date cell
    ],
)
def test_month_without_decimal_months(raw, expected):
    assert parse(lambda e: normalise.month(e, 2021, decimal=False), raw, pl.Int32) == expected
    assert parse(normalise.decimal_month, raw, pl.Boolean) == (expected is None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    cases(
        [
            ("95秒", 95),
            ("95", 95),
            ("95 秒", 95),
            ("９５秒", 95),
            ("1分35秒", 95),
            ("1分钟35秒", 95),
            ("2分", 120),
            ("1小时2分3秒", 3723),
            ("95.0", 95),
            ("95.5", None),
            ("秒", None),
            ("1分35", None),
            ("abc", None),
            ("", None),
            (None, None),
        ]
    ),
)
def test_seconds(raw, expected):
    assert parse(normalise.seconds, raw, pl.Int32) == expected


def test_expressions_work_on_a_whole_column():
    frame = pl.DataFrame({"submitted": ["2021/10/12 14:03:22", "44481.58", "坏值", None]})
    assert frame.select(normalise.datetime(pl.col("submitted"))).to_series().to_list() == [
        datetime(2021, 10, 12, 14, 3, 22),
        datetime(2021, 10, 12, 13, 55, 12),
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("联系人手机13912345678，请回电", "联系人手机139****5678，请回电"),
        ("13912345678", "139****5678"),
        (
            "电话：13912345678,13987654321、13811112222",
            "电话：139****5678,139****4321、138****2222",
        ),
        ("身份证510902199001011234", "身份证510***********1234"),
        ("身份证51090219900101123X。", "身份证510***********123X。"),
        ("身份证51090219900101123x", "身份证510***********123x"),
        (
            "手机１３９１２３４５６７８",
            "手机１３９****５６７８",
        ),  # full-width digits, kept as written
        ("凭证12345678901234567890号", "凭证12345678901234567890号"),  # a longer run: no number
        ("编号139123456789", "编号139123456789"),  # 12 digits
        ("电话23912345678", "电话23912345678"),  # does not start with 1
        ("共1391234567元", "共1391234567元"),  # 10 digits
        ("+8613912345678", "+86139****5678"),  # a country code written without a space
        ("008613912345678", "0086139****5678"),
        ("电话：139 1234 5678。", "电话：139 **** 5678。"),  # grouped as people write them
        ("139-1234-5678", "139-****-5678"),
        ("510902 19900101 1234", "510*** ******** 1234"),
        ("2021-1234-5678", "2021-1234-5678"),  # four digits first: no mobile number
        ("  完成3个社区  ", "完成3个社区"),
        ("", None),
        (None, None),
    ],
)
def test_free_text_masks_mobile_and_id_numbers(raw, expected):
    frame = pl.DataFrame({"raw": [raw]}, schema={"raw": pl.String})
    assert frame.select(normalise.free_text(pl.col("raw"))).item() == expected
