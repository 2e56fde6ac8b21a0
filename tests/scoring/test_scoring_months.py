"""M from the as-of date, due dates, final vs provisional."""

import datetime as dt

import pytest
from scoring_builders import D, report, run, task, unit

from transforms.assessment import due_date, last_assessed_month


def test_due_dates():
    assert due_date(2021, 1, 5) == D(2021, 2, 5)
    assert due_date(2021, 11, 5) == D(2021, 12, 5)
    assert due_date(2021, 12, 5) == D(2022, 1, 5)
    assert due_date(2021, 12, 10) == D(2022, 1, 10)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2020, 12, 31), 0),  # before the year
        (D(2021, 1, 31), 0),
        (D(2021, 2, 4), 0),  # January's reports are due on 5 February
        (D(2021, 2, 5), 1),
        (D(2021, 7, 4), 5),
        (D(2021, 7, 5), 6),
        (D(2021, 12, 31), 11),
        (D(2022, 1, 4), 11),  # December's reports are due on 5 January of the next year
        (D(2022, 1, 5), 12),
        (D(2023, 6, 1), 12),  # a later year
    ],
)
def test_last_assessed_month(as_of: dt.date, expected: int):
    assert last_assessed_month(2021, as_of, 5) == expected


def test_due_day_parameter():
    assert last_assessed_month(2021, D(2021, 2, 9), 10) == 0
    assert last_assessed_month(2021, D(2021, 2, 10), 10) == 1


def _run(as_of):
    return run(
        as_of=as_of,
        units=[unit("U1")],
        tasks=[task("T1", "U1", start=11, due=12)],
        reports=[report("T1", "U1", 11, progress=40), report("T1", "U1", 12, progress=90)],
    )


def test_december_edge_provisional_then_final():
    provisional = _run(D(2022, 1, 4))
    assert provisional["task_month_status"]["month"].to_list() == [11]
    assert provisional["unit_score"]["is_final"].to_list() == [False]

    final = _run(D(2022, 1, 5))
    assert final["task_month_status"]["month"].to_list() == [11, 12]
    assert final["unit_score"]["is_final"].to_list() == [True]


def test_no_assessed_month_yet():
    result = _run(D(2021, 2, 4))
    assert result["task_month_status"].height == 0
    assert result["unit_score"]["is_final"].to_list() == [False]
    # no task has started by M = 0: no work yet
    assert result["unit_score"]["work"].to_list() == [None]
    # a task whose start_month is after M has no assessed month either
    assert _run(D(2021, 11, 5))["task_month_status"].height == 0
