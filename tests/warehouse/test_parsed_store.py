"""warehouse/parsed.py: entries come back exactly as put, or not at all."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse import parsed
from warehouse.parsed import ParsedFiles


def frame(rows: int) -> pl.DataFrame:
    """Every type a parsed batch holds, nulls included."""
    n = range(rows)
    return pl.DataFrame(
        {
            "_file": [f"reports/单位{i % 7}.csv" for i in n],
            "_row": pl.Series([i + 2 for i in n], dtype=pl.Int32),
            "text": [None if i % 5 == 0 else f"第{i}行 ，备注" for i in n],
            "number": [None if i % 3 == 0 else i / 7 for i in n],
            "money": pl.Series(
                [None if i % 4 == 0 else Decimal(i) / 100 for i in n], dtype=pl.Decimal(18, 2)
            ),
            "day": [None if i % 6 == 0 else dt.date(2021, 1, 1) + dt.timedelta(i % 365) for i in n],
            "at": pl.Series(
                [dt.datetime(2021, 3, 1, 8, 30, 15, 123456) + dt.timedelta(i) for i in n],
                dtype=pl.Datetime("us"),
            ),
            "flag": [i % 2 == 0 for i in n],
            "questions": [[f"q{i % 3}"] if i % 2 else [] for i in n],
            "rows_read": pl.Series(list(n), dtype=pl.Int64),
        }
    )


@pytest.mark.parametrize("rows", [0, 3, parsed.PARQUET_ROWS + 1])
def test_an_entry_comes_back_exactly(tmp_path, rows):
    store = ParsedFiles(tmp_path / "parsed")
    frames = {"rows": frame(rows), "other": frame(2).head(1)}
    header = {"keys": {"reports/单位1.csv": "ab" * 32}}
    store.put("name", header, frames)
    got_header, got = store.get("name")
    assert got_header == header
    assert list(got) == list(frames)
    for name, original in frames.items():
        assert_frame_equal(got[name], original, check_exact=True)
    assert [p.name for p in store.root.iterdir()] == ["name"]  # no temporary file left


def test_anything_but_an_intact_entry_is_a_miss(tmp_path):
    store = ParsedFiles(tmp_path / "parsed")
    assert store.get("missing") is None
    store.put("name", {}, {"rows": frame(50)})
    entry = store.root / "name"
    data = entry.read_bytes()
    for broken in (
        data[:-1],  # truncated
        data[: len(parsed.MAGIC) + 2],
        b"",
        b"another format" + data[len(parsed.MAGIC) :],
        data[:-20] + bytes([data[-20] ^ 1]) + data[-19:],  # one bit of a frame
    ):
        entry.write_bytes(broken)
        assert store.get("name") is None
    entry.unlink()
    entry.mkdir()  # not even a file
    assert store.get("name") is None


def test_full_reads_nothing_but_writes_anew(tmp_path):
    ParsedFiles(tmp_path / "parsed").put("name", {"n": 1}, {"rows": frame(3)})
    full = ParsedFiles(tmp_path / "parsed", reuse=False)
    assert full.get("name") is None
    full.put("name", {"n": 2}, {"rows": frame(4)})
    assert ParsedFiles(tmp_path / "parsed").get("name")[0] == {"n": 2}


def test_an_entry_that_cannot_be_written_is_no_failure(tmp_path):
    (tmp_path / "parsed").write_text("a file where the folder belongs")
    store = ParsedFiles(tmp_path / "parsed")
    store.put("name", {}, {"rows": frame(3)})  # no exception
    assert store.get("name") is None


def test_prune_removes_what_no_run_used_for_two_weeks_and_crash_leftovers(tmp_path):
    store = ParsedFiles(tmp_path / "parsed")
    for name in ("old", "used", "new"):
        store.put(name, {}, {"rows": frame(1)})
    leftover = store.root / ".abc.tmp"
    leftover.write_bytes(b"half an entry")
    month_ago = time.time() - 30 * 86400
    for path in (store.root / "old", store.root / "used", leftover):
        os.utime(path, (month_ago, month_ago))
    assert store.get("used") is not None  # a hit: used now
    assert store.prune() == 2
    assert sorted(p.name for p in store.root.iterdir()) == ["new", "used"]
    assert ParsedFiles(tmp_path / "nowhere").prune() == 0
