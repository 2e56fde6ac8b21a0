"""The assessment context: M, final or provisional, and when a result says less than another."""

from __future__ import annotations

import datetime as dt

import pytest

from schemas.rules import parse_rules
from transforms.assessment import Assessment

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "due_day", "last_month", "final"),
    [
        (D(2021, 1, 31), 5, 0, False),
        (D(2021, 7, 20), 5, 6, False),
        (D(2022, 1, 4), 5, 11, False),
        (D(2022, 1, 5), 5, 12, True),
        (D(2022, 1, 5), 10, 11, False),  # a later due day from rules.toml moves M back
    ],
)
def test_last_month_and_final(as_of, due_day, last_month, final):
    ctx = Assessment(2021, as_of, parse_rules(f"[reports]\ndue_day = {due_day}\n"))
    assert (ctx.last_month, ctx.is_final) == (last_month, final)


@pytest.mark.parametrize(
    ("as_of", "published_as_of", "published_final", "says_less"),
    [
        (D(2021, 7, 20), D(2022, 1, 31), True, "是最终结果，本次只是临时结果"),
        (D(2021, 7, 20), D(2021, 8, 20), False, "的基准日晚于本次的 2021-07-20"),
        (D(2022, 1, 10), D(2022, 1, 31), True, "的基准日晚于本次的 2022-01-10"),
        (D(2021, 8, 20), D(2021, 7, 20), False, None),  # a later look says more
        (D(2022, 1, 31), D(2022, 1, 31), True, None),  # the same look again
        (D(2022, 2, 1), D(2022, 1, 31), True, None),
    ],
)
def test_a_result_says_less(as_of, published_as_of, published_final, says_less):
    assert Assessment(2021, as_of).says_less_than(published_as_of, published_final) == says_less
