"""transforms/forecast.py (docs/forecast.md): tasks projected at their own pace, the flag, the
unit's year-end range, and the backtest figures of the demo as docs/forecast.md prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.rules import parse_rules
from schemas.tables import REPORTS, TASKS
from tests.scoring.scoring_builders import D, frame, report, task
from transforms.assessment import Assessment
from transforms.forecast import flagged, task_forecast, unit_forecast
from transforms.scoring.effective import effective_reports, known_reports, task_report_summary
from transforms.scoring.known import known_at
from transforms.scoring.status import task_months

CTX = Assessment(2021, D(2021, 7, 5), parse_rules(None))  # M = 6
TASKS = frame(
    TASKS,
    [
        task("A", "U1"),  # 1..12: 30 in March, 42 in June
        task("B", "U1", due=9),  # 70 in June
        task("C", "U1", due=8),  # nothing reported
        task("D", "U1"),  # done in April
        task("E", "U1", start=8),  # not started
        task("F", "U1", due=4),  # due in April, 60 then: overdue already
    ],
)
REPORTS_ = frame(
    REPORTS,
    [
        report("A", "U1", 3, progress=30),
        report("A", "U1", 6, progress=42),
        report("B", "U1", 6, progress=70),
        report("D", "U1", 4, progress=100),
        report("F", "U1", 4, progress=60),
    ],
)


@pytest.fixture
def forecast():
    effective = effective_reports(known_reports(known_at("reports", REPORTS_, CTX.as_of), TASKS))
    summary = task_report_summary(TASKS, effective, CTX.last_month)
    months = task_months(CTX, tasks=TASKS, effective=effective, summary=summary)
    return task_forecast(CTX, TASKS, effective), months


def test_each_started_unfinished_task_is_projected_at_its_own_pace(forecast):
    got, _ = forecast
    rows = got.select(
        "task_id", "m0", "last", "pace", "projected", "needed_pace", "finish_month", "at_risk"
    ).rows()
    rounded = [tuple(round(v, 4) if isinstance(v, float) else v for v in r) for r in rows]
    assert rounded == [
        # 42 / 6 = 7 a month: 42 + 7 * 6 = 84 by December; needs 58 / 6; done in 6 + ceil(58/7)
        ("A", 6, 42.0, 7.0, 84.0, 9.6667, 15, True),
        # 70 / 6 a month: 70 + 3 * 11.67 passes 100 by September
        ("B", 6, 70.0, 11.6667, 100.0, 10.0, 9, False),
        # nothing reported: 0 at month 0, no pace, no finish month
        ("C", 0, 0.0, 0.0, 0.0, 12.5, None, True),
        # due in April at 60: projected to its due month, it missed
        ("F", 4, 60.0, 15.0, 60.0, None, 7, True),
    ]


def test_only_green_or_yellow_tasks_due_later_are_flagged(forecast):
    got, months = forecast
    # A is green today (planned 50, 42: gap 8) and projected to miss; C is red (missing) and F
    # overdue: today's light already says so
    assert flagged(got, months, CTX.last_month)["task_id"].to_list() == ["A"]


def test_the_units_year_end_work_as_a_range(forecast):
    got, _ = forecast
    # own pace: A .84, B 1, C 0, D done 1, E not started 0, F 1 → 80 * 3.84 / 6 = 51.2
    # latest pace: A (42 - 30) / 3 = 4 → 66 → .66 (the others as their own) → 80 * 3.66 / 6
    assert unit_forecast(CTX, TASKS, got).rows() == [("U1", 48.8, 51.2)]


def test_the_demos_backtest_figures_are_the_documented_ones():
    from bench.backtest import backtest_inbox

    got = backtest_inbox(Path(__file__).resolve().parents[2] / "demo" / "inbox" / "2021")
    assert got.rows() == [
        (1, 8, 7, 11, 7),
        (2, 20, 16, 20, 16),
        (3, 24, 22, 23, 22),
        (4, 31, 28, 30, 28),
        (5, 26, 22, 26, 22),
        (6, 33, 30, 32, 30),
        (7, 27, 24, 27, 24),
        (8, 28, 24, 24, 24),
        (9, 19, 18, 20, 18),
        (10, 15, 15, 15, 15),
        (11, 10, 10, 11, 10),
    ]
