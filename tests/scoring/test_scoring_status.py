"""docs/scoring.md 6.1: every status reason, derived progress of 数量 tasks, late flags, as-of filtering."""

import polars as pl
import pytest
from scoring_builders import D, frame, lines_of, report, run, task, unit

from schemas.semantics import Semantics
from schemas.tables import REPORTS as REPORTS_TABLE
from transforms.scoring.effective import effective_flag

AS_OF = D(2021, 7, 5)  # M = 6

TASKS = [
    task("T1", "U1", start=1, due=4),  # planned 25, 50, 75, 100, 100, 100
    task("T2", "U1", start=1, due=10),  # planned 10, 20, ..., 60
    task("T3", "U1", metric="数量", target=200, start=2, due=3),  # planned 50, 100, ...
    task("T4", "U1", start=3, due=6),  # completed before it started
]
REPORTS = [
    # T1: on_track (late: first submitted after 5 Feb), behind yellow, missing, behind red,
    # overdue, completed
    report("T1", "U1", 1, progress=20, submitted=D(2021, 2, 6)),
    report("T1", "U1", 2, progress=10, submitted=D(2021, 3, 4)),  # on time ...
    report("T1", "U1", 2, progress=35, submitted=D(2021, 3, 20)),  # ... corrected later
    report("T1", "U1", 4, progress=40),
    report("T1", "U1", 5, progress=90),
    report("T1", "U1", 6, progress=100),
    report("T1", "U1", 6, progress=50, submitted=D(2021, 7, 10)),  # after as-of: ignored
    # T2: completed in month 1; later months are green, completed, and never late
    report("T2", "U1", 1, progress=100),
    report("T2", "U1", 3, progress=100, submitted=D(2021, 5, 1)),
    # T3 (数量, target 200): progress derived from actual
    report("T3", "U1", 2, actual=50),
    report("T3", "U1", 3, actual=300),
    # T4: a report of month 2 (before start_month 3) already at 100
    report("T4", "U1", 2, progress=100),
]

COLUMNS = ["task_id", "month", "planned", "progress", "gap", "status", "reason", "late"]
EXPECTED = [
    ("T1", 1, 25.0, 20.0, 5.0, "green", "on_track", True),
    ("T1", 2, 50.0, 35.0, 15.0, "yellow", "behind", False),
    ("T1", 3, 75.0, None, None, "red", "missing", False),
    ("T1", 4, 100.0, 40.0, 60.0, "red", "behind", False),
    ("T1", 5, 100.0, 90.0, 10.0, "red", "overdue", False),
    ("T1", 6, 100.0, 100.0, 0.0, "green", "completed", False),
    ("T2", 1, 10.0, 100.0, -90.0, "green", "completed", False),
    ("T2", 2, 20.0, None, None, "green", "completed", False),
    ("T2", 3, 30.0, 100.0, -70.0, "green", "completed", False),
    ("T2", 4, 40.0, None, None, "green", "completed", False),
    ("T2", 5, 50.0, None, None, "green", "completed", False),
    ("T2", 6, 60.0, None, None, "green", "completed", False),
    ("T3", 2, 50.0, 25.0, 25.0, "yellow", "behind", False),
    ("T3", 3, 100.0, 100.0, 0.0, "green", "completed", False),
    ("T3", 4, 100.0, None, None, "green", "completed", False),
    ("T3", 5, 100.0, None, None, "green", "completed", False),
    ("T3", 6, 100.0, None, None, "green", "completed", False),
    ("T4", 3, 25.0, None, None, "green", "completed", False),
    ("T4", 4, 50.0, None, None, "green", "completed", False),
    ("T4", 5, 75.0, None, None, "green", "completed", False),
    ("T4", 6, 100.0, None, None, "green", "completed", False),
]


def test_task_month_status():
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    status = result["task_month_status"]
    assert status.columns == ["year", "task_id", "unit_id", "month", *COLUMNS[2:]]
    assert status["year"].unique().to_list() == [2021]
    assert status["unit_id"].unique().to_list() == ["U1"]
    assert status.select(COLUMNS).rows() == EXPECTED


def test_month_three_of_t1_becomes_late_with_a_late_first_submission():
    late = [report("T1", "U1", 3, progress=70, submitted=D(2021, 4, 6))]
    status = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS[:1], reports=REPORTS + late)[
        "task_month_status"
    ]
    row = status.filter(pl.col("month") == 3).select(COLUMNS).rows()
    # planned 75, progress 70: gap 5, green on_track, but late (due 5 April)
    assert row == [("T1", 3, 75.0, 70.0, 5.0, "green", "on_track", True)]


def test_resubmission_after_as_of_is_ignored_and_seen_later():
    before = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS[:1], reports=REPORTS)
    after = run(as_of=D(2021, 7, 10), units=[unit("U1")], tasks=TASKS[:1], reports=REPORTS)
    month6 = pl.col("month") == 6
    assert before["task_month_status"].filter(month6)["progress"].to_list() == [100.0]
    assert after["task_month_status"].filter(month6)["progress"].to_list() == [50.0]
    assert after["task_month_status"].filter(month6)["reason"].to_list() == ["overdue"]


def test_report_submitted_after_as_of_counts_as_missing():
    reports = [report("T1", "U1", 1, progress=30, submitted=D(2021, 3, 1))]
    early = run(as_of=D(2021, 2, 20), units=[unit("U1")], tasks=TASKS[:1], reports=reports)
    assert early["task_month_status"].select("month", "reason", "late").rows() == [
        (1, "missing", False)
    ]
    later = run(as_of=D(2021, 3, 5), units=[unit("U1")], tasks=TASKS[:1], reports=reports)
    assert later["task_month_status"].select("month", "reason", "late").rows() == [
        (1, "on_track", True),  # planned 25, progress 30
        (2, "missing", False),
    ]


def test_effective_report_tie_breaks():
    same_day = D(2021, 2, 3)
    reports = [
        report("T1", "U1", 1, progress=11, submitted=same_day, file="reports/b.xlsx", row=3),
        report("T1", "U1", 1, progress=22, submitted=same_day, file="reports/b.xlsx", row=5),
        report("T1", "U1", 1, progress=33, submitted=same_day, file="reports/a.xlsx", row=9),
        report("T1", "U1", 1, progress=44, submitted=D(2021, 2, 2), file="reports/z.xlsx", row=9),
    ]
    status = run(as_of=D(2021, 2, 5), units=[unit("U1")], tasks=TASKS[:1], reports=reports)
    # latest date, then the later file (b > a), then the larger row number (5 > 3)
    assert status["task_month_status"]["progress"].to_list() == [22.0]


# The edges of 6.1: a gap exactly at a threshold, the due month itself, a first submission on
# the due day and the day after.
EDGE_TASKS = [
    task("G1", "U1", start=1, due=10),  # planned 10, 20, 30, 40: exact in binary floating point
    task("G2", "U1", start=1, due=3),
]
EDGE_REPORTS = [
    report("G1", "U1", 1, progress=0, submitted=D(2021, 2, 5)),  # on the due day: not late
    report("G1", "U1", 2, progress=10, submitted=D(2021, 3, 6)),  # the day after: late
    report("G1", "U1", 3, progress=0),
    report("G1", "U1", 4, progress=9.5),
    report("G2", "U1", 3, progress=95),  # the due month itself: the lights, not overdue
    report("G2", "U1", 4, progress=95),  # after it: overdue
]
EDGE_EXPECTED = [
    ("G1", 1, 10.0, 0.0, 10.0, "green", "on_track", False),  # gap = yellow_gap: green
    ("G1", 2, 20.0, 10.0, 10.0, "green", "on_track", True),
    ("G1", 3, 30.0, 0.0, 30.0, "yellow", "behind", False),  # gap = red_gap: yellow
    ("G1", 4, 40.0, 9.5, 30.5, "red", "behind", False),
    ("G2", 1, 100 / 3, None, None, "red", "missing", False),
    ("G2", 2, 200 / 3, None, None, "red", "missing", False),
    ("G2", 3, 100.0, 95.0, 5.0, "green", "on_track", False),
    ("G2", 4, 100.0, 95.0, 5.0, "red", "overdue", False),
]


def test_status_at_its_edges():
    result = run(as_of=D(2021, 5, 5), units=[unit("U1")], tasks=EDGE_TASKS, reports=EDGE_REPORTS)
    assert result["task_month_status"].select(COLUMNS).rows() == EDGE_EXPECTED


def test_december_reports_are_due_on_5_january_of_the_next_year():
    tasks = [task("D1", "U1", start=12), task("D2", "U1", start=12)]
    reports = [
        report("D1", "U1", 12, progress=100, submitted=D(2022, 1, 5)),  # on the due day
        report("D2", "U1", 12, progress=100, submitted=D(2022, 1, 6)),  # a day late
    ]
    result = run(as_of=D(2022, 1, 31), units=[unit("U1")], tasks=tasks, reports=reports)
    assert result["task_month_status"].select("task_id", "month", "late").rows() == [
        ("D1", 12, False),
        ("D2", 12, True),
    ]
    assert [r["detail"] for r in lines_of(result, "U1", rule_id="late_report")] == [
        "任务D2 12月 迟报：首次报送 2022-01-06，截止 2022-01-05"
    ]


def test_effective_flag_sets_is_effective():
    """effective_flag also sets core.reports.is_effective when the reports are loaded."""
    rows = [
        report("T1", "U1", 1, progress=10, submitted=D(2021, 2, 1)),
        report("T1", "U1", 1, progress=20, submitted=D(2021, 2, 3)),
        report("T1", "U1", 2, progress=30),
    ]
    flagged = frame(REPORTS_TABLE, rows).with_columns(effective_flag())
    assert flagged.select("month", "progress", "is_effective").rows() == [
        (1, 10.0, False),
        (1, 20.0, True),
        (2, 30.0, True),
    ]


def test_a_tie_the_documented_keys_cannot_break_is_broken_whatever_the_input_order():
    # two sheets of one file, the same row number and day: the first in the canonical row order
    # (here the smaller progress) is effective, in whichever order the rows come
    same = dict(submitted=D(2021, 2, 3), file="reports/a.xlsx", row=4)
    a = {**report("T1", "U1", 1, progress=30, **same), "sheet": "进度"}
    b = {**report("T1", "U1", 1, progress=20, **same), "sheet": "进度（续）"}
    for reports in ([a, b], [b, a]):
        result = run(as_of=D(2021, 2, 5), units=[unit("U1")], tasks=TASKS[:1], reports=reports)
        assert result["task_month_status"].select("month", "progress").rows() == [(1, 20.0)]


@pytest.mark.parametrize(
    ("progress", "rules", "status"),
    [
        (49.9, "yellow_gap = 10.1", "green"),  # on the edge: 60 - 49.9 is 10.100000000000001
        (49.91, "yellow_gap = 10.1", "green"),  # gap 10.09: just inside
        (49.89, "yellow_gap = 10.1", "yellow"),  # gap 10.11: just outside
        (49.9, "yellow_gap = 5\nred_gap = 10.1", "yellow"),
        (49.91, "yellow_gap = 5\nred_gap = 10.1", "yellow"),
        (49.89, "yellow_gap = 5\nred_gap = 10.1", "red"),
        (32.01, "yellow_gap = 27.99\nred_gap = 30", "green"),  # 27.990000000000002
        (32, "yellow_gap = 27.99\nred_gap = 30", "yellow"),
        # the tolerance is 6 places: less than 0.0000005 off the edge is on it, more is not
        (49.8999996, "yellow_gap = 10.1", "green"),
        (49.899996, "yellow_gap = 10.1", "yellow"),
    ],
)
def test_the_light_edges_are_compared_in_decimals(progress, rules, status):
    result = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("G", "U1", start=1, due=10)],
        reports=[report("G", "U1", 6, progress=progress)],
        rules=f"[light]\n{rules}\n",
    )
    month6 = result["task_month_status"].filter(pl.col("month") == 6)
    assert month6["status"].to_list() == [status]


def test_runs_of_version_3_keep_the_binary_noise_at_the_light_edges():
    result = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("G", "U1", start=1, due=10)],
        reports=[report("G", "U1", 6, progress=49.9)],
        rules="[light]\nyellow_gap = 10.1\n",
        semantics=Semantics.of(3),
    )
    month6 = result["task_month_status"].filter(pl.col("month") == 6)
    assert month6["status"].to_list() == ["yellow"]


def test_reports_of_months_outside_1_to_12_are_not_used():
    # neither can pass validation; if one arrives, it completes nothing
    reports = [
        report("T1", "U1", 0, progress=100, submitted=D(2021, 1, 1)),
        report("T1", "U1", 13, progress=100, submitted=D(2021, 1, 1)),
    ]
    result = run(as_of=D(2021, 2, 5), units=[unit("U1")], tasks=TASKS[:1], reports=reports)
    assert result["task_month_status"].select("month", "reason").rows() == [(1, "missing")]
