"""schemas.tables.conform: contract columns and types, rows in key order."""

from __future__ import annotations

import polars as pl
import pytest

from schemas.tables import SURVEY_ANSWERS, conform


def answers(files: list[str], rows: list[int], questions: list[int | None]) -> pl.DataFrame:
    n = len(files)
    return pl.DataFrame(
        {
            "extra": ["dropped"] * n,
            "year": [2021] * n,
            "file": files,
            "row_number": rows,
            "question": questions,
            "answer": ["满意"] * n,
            "answer_score": [80.0] * n,
        }
    )


@pytest.mark.parametrize(
    ("files", "rows", "questions", "expected"),
    [
        # already in order: kept as it is
        (["a", "a", "b"], [2, 2, 1], [3, 4, 3], [("a", 2, 3), ("a", 2, 4), ("b", 1, 3)]),
        # out of order on the second and on the last key column
        (["a", "a", "b"], [3, 2, 1], [3, 4, 3], [("a", 2, 4), ("a", 3, 3), ("b", 1, 3)]),
        (["a", "a", "b"], [2, 2, 1], [4, 3, 3], [("a", 2, 3), ("a", 2, 4), ("b", 1, 3)]),
        # a null sorts last
        (["a", "a"], [2, 2], [None, 3], [("a", 2, 3), ("a", 2, None)]),
    ],
)
def test_conform_sorts_by_key_only_when_needed(files, rows, questions, expected):
    out = conform(answers(files, rows, questions), SURVEY_ANSWERS)
    assert out.columns == [c.name for c in SURVEY_ANSWERS.columns]
    assert out.schema["row_number"] == pl.Int32
    assert out.select("file", "row_number", "question").rows() == expected
