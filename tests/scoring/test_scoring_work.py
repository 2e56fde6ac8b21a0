"""docs/scoring.md 6.2: work results, one task_completion line per task."""

import pytest
from scoring_builders import D, lines_of, report, run, score_row, task, unit

AS_OF = D(2021, 7, 5)  # M = 6

TASKS = [
    task("A", "U1", weight=2),
    task("B", "U1", metric="数量", target=200, weight=1),
    task("C", "U1", weight=1),
    task("D", "U1", metric="数量", target=50, weight=1),
]
REPORTS = [
    report("A", "U1", 1, progress=20),
    report("A", "U1", 3, progress=50),
    report("A", "U1", 7, progress=90, submitted=D(2021, 7, 1)),  # month 7 > M: not counted
    report("B", "U1", 2, actual=300),  # 300 / 200 capped at 1
    # C: no report at all
    report("D", "U1", 4, progress=40),  # 数量 without actual: progress / 100
]


def test_task_completion_lines():
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    lines = lines_of(result, "U1", "work")
    # weights 2 + 1 + 1 + 1 = 5; 80 * weight * completion / 5
    assert [(r["rule_id"], r["task_id"], r["month"], r["ref"], r["points"]) for r in lines] == [
        ("task_completion", "A", None, None, pytest.approx(16.0)),
        ("task_completion", "B", None, None, pytest.approx(16.0)),
        ("task_completion", "C", None, None, 0.0),
        ("task_completion", "D", None, None, pytest.approx(6.4)),
    ]
    assert [r["detail"] for r in lines] == [
        "任务A 完成度 50.0%，权重 2",
        "任务B 完成度 100.0%，权重 1",
        "任务C 完成度 0.0%，权重 1",
        "任务D 完成度 40.0%，权重 1",
    ]
    assert score_row(result, "U1")["work"] == pytest.approx(38.4)


def test_report_of_a_later_month_counts_once_m_reaches_it():
    result = run(as_of=D(2021, 8, 5), units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    a = lines_of(result, "U1", rule_id="task_completion")[0]
    assert a["task_id"] == "A"
    assert a["points"] == pytest.approx(28.8)  # 80 * 2 * 0.9 / 5
