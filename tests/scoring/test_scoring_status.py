"""docs/scoring.md 6.1: every status reason, derived progress of 数量 tasks, late flags, as-of filtering."""

import polars as pl
from scoring_builders import D, report, run, task, unit

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
