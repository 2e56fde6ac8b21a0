"""Tables are converted and measured per column with polars: the same cells and widths as
writing and measuring them one by one (write_cell, text_width(shown(...)))."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from decimal import Decimal

import polars as pl
import pytest

from office.workbooks import sheets
from office.workbooks.sheets import (
    KINDS,
    Column,
    cells_by,
    new_workbook,
    shown,
    table_cells,
    text_width,
    write_table,
)

N = 12
AWKWARD = pl.DataFrame(
    {
        "text": ["", None, "abc", "中文字", "（全角）", "“引号”", "Ａ😀é", "x" * 70, "长" * 40]
        + ["a\tb", "①②", "〔2021〕3号"],
        "int": pl.Series([None, 0, -5, 7, 123456789, -1000000] * 2, dtype=pl.Int64),
        "float": [None, 0.0, -0.0, -0.004, 0.9999, 12345.675]
        + [math.nan, math.inf, -1e15, 2.5e-7, 1.0, -math.inf],
        "negative_zero": [0.0, -0.0, 0.001] * 4,
        "decimal": pl.Series(
            [None, Decimal("1.23"), Decimal("-999999.99"), Decimal("0.00")] * 3,
            dtype=pl.Decimal(18, 2),
        ),
        "flag": [True, False, None] * 4,
        "date": [None, dt.date(2021, 3, 4), dt.date(2021, 12, 31)] * 4,
        "category": pl.Series(["x", "红", None] * 4, dtype=pl.Categorical),
        "nothing": pl.Series([None] * N, dtype=pl.Float64),
        "fill": ["red", "yellow", "green", None, "blue", "red"] * 2,
        "group": ["A", "B", None, "A", "C", "A"] * 2,
    }
)
SOURCES = [c for c in AWKWARD.columns if c not in ("fill", "group")]
COLUMNS = [
    Column(f"{source}/{kind}", source, kind, fill="fill" if i % 2 else None)
    for i, (source, kind) in enumerate(
        (source, kind) for source in SOURCES for kind in KINDS if kind not in ("header", "title")
    )
]


def written(value):
    """What write_cell writes for a value: None for a blank cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return float(value)
    return str(value)


def same(a, b) -> bool:
    """Equal, telling 0.0 from -0.0."""
    return repr(a) == repr(b)


@pytest.mark.parametrize("rows", [slice(None), slice(0, 1), slice(1, 3), slice(0, 0)])
def test_cells_as_written_one_by_one(rows):
    frame = AWKWARD[rows]
    cells = table_cells(frame, COLUMNS)
    assert cells.height == frame.height
    for j, column in enumerate(COLUMNS):
        values = frame[column.source].to_list()
        assert same(cells.values[j], [written(v) for v in values]), column
        widest = max((text_width(shown(v, column.kind)) for v in values), default=0)
        assert cells.widths[j] == widest, column
        if column.fill:
            assert cells.fills[j] == frame["fill"].to_list()


def test_cells_by_key_as_filtered():
    by = cells_by(AWKWARD, COLUMNS, "group")
    assert set(by) == {"A", "B", "C", None}
    for key, cells in by.items():
        part = AWKWARD.filter(pl.col("group").is_null() if key is None else pl.col("group") == key)
        assert same(cells, table_cells(part, COLUMNS)), key


def test_no_columns_no_rows(tmp_path):
    workbook, formats = new_workbook(tmp_path / "x.xlsx", 2021, "t")
    assert write_table(workbook.add_worksheet(), AWKWARD, [], formats, top=2) == 3
    workbook.close()


def test_large_workbooks_written_the_same_via_temporary_files(tmp_path, monkeypatch):
    def write(path):
        workbook, formats = new_workbook(path, 2021, "t", cells=AWKWARD.height * len(COLUMNS))
        write_table(workbook.add_worksheet("s"), AWKWARD, COLUMNS, formats)
        workbook.close()
        with zipfile.ZipFile(path) as z:
            return {name: z.read(name) for name in z.namelist()}

    in_memory = write(tmp_path / "memory.xlsx")
    monkeypatch.setattr(sheets, "IN_MEMORY_CELLS", 0)
    assert write(tmp_path / "files.xlsx") == in_memory
