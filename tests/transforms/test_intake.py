"""transforms.intake: which sheet is read, which of several equal rows is kept."""

from __future__ import annotations

import polars as pl

from schemas.fields import SheetChoice
from transforms.intake import dedupe


def test_dedupe_keeps_the_first_in_file_sheet_row_order_whatever_the_input_order():
    frame = pl.DataFrame(
        {
            "_file": ["b.csv", "a.csv", "a.csv", "a.csv", "b.csv"],
            "_sheet": ["", "", "", "", ""],
            "_row": pl.Series([2, 9, 3, 4, 5], dtype=pl.Int32),
            "value": ["x", "x", "x", "y", None],
            "other": [1, 1, 1, 2, 3],
        }
    )
    kept, dropped = dedupe(frame, ["value"])
    assert kept.select("_file", "_row").rows() == [("a.csv", 3), ("a.csv", 4), ("b.csv", 5)]
    assert dropped.rows() == [("b.csv", "", 2), ("a.csv", "", 9)]


def test_sheet_choice_named_else_first_not_of_another_source():
    progress = SheetChoice("进度", others=("荣誉",))
    honors = SheetChoice("荣誉", or_first=False)
    assert progress.pick(["荣誉", "进度"]) == "进度"
    assert progress.pick(["荣誉", "Sheet1"]) == "Sheet1"
    assert progress.pick(["荣誉"]) is None
    assert progress.pick([""]) == ""  # a CSV file is its only sheet
    assert honors.pick(["进度", "荣誉"]) == "荣誉"
    assert honors.pick(["进度"]) is None
    assert SheetChoice().pick(["a", "b"]) == "a"
