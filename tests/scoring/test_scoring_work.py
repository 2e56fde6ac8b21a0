"""docs/scoring.md 6.2: work results against the plan to date, one task_completion line per
started task."""

from decimal import Decimal

import pytest
from scoring_builders import D, lines_of, report, run, score_row, task, unit

from schemas.semantics import Semantics

AS_OF = D(2021, 7, 5)  # M = 6: planned(6) of a task running 1..12 is 50%

TASKS = [
    task("A", "U1", weight=2),
    task("B", "U1", metric="数量", target=200, weight=1),
    task("C", "U1", weight=1),
    task("D", "U1", metric="数量", target=50, weight=1),
    task("E", "U1", weight=3, start=8),  # not started by June: counts nowhere
    task("F", "U1", weight=1, due=4),  # due by June: expected in full
]
REPORTS = [
    report("A", "U1", 1, progress=20),
    report("A", "U1", 3, progress=50),
    report("A", "U1", 7, progress=90, submitted=D(2021, 7, 1)),  # month 7 > M: not counted
    report("B", "U1", 2, actual=300),  # 300 / 200 capped at 1
    # C: no report at all
    report("D", "U1", 4, progress=40),  # 数量 without actual: progress / 100
    report("F", "U1", 4, progress=80),
]


def work_lines(result: dict) -> list[tuple]:
    return [
        (r["rule_id"], r["task_id"], r["month"], r["ref"], round(r["points"], 6), r["detail"])
        for r in lines_of(result, "U1", "work")
    ]


def test_provisional_work_is_measured_against_the_plan_to_date():
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    # started weights 2 + 1 + 1 + 1 + 1 = 6 (E not started); 80 * weight * share / 6,
    # share = min(1, completion / expected)
    assert work_lines(result) == [
        ("task_completion", "A", None, None, 26.666667, "任务A 完成度 50.0%，截至6月计划 50.0%，按 100.0% 计，权重 2"),
        ("task_completion", "B", None, None, 13.333333, "任务B 完成度 100.0%，截至6月计划 50.0%，按 100.0% 计，权重 1"),
        ("task_completion", "C", None, None, 0.0, "任务C 完成度 0.0%，截至6月计划 50.0%，按 0.0% 计，权重 1"),
        ("task_completion", "D", None, None, 10.666667, "任务D 完成度 40.0%，截至6月计划 50.0%，按 80.0% 计，权重 1"),
        ("task_completion", "F", None, None, 10.666667, "任务F 完成度 80.0%，权重 1"),
    ]  # fmt: skip
    assert score_row(result, "U1")["work"] == Decimal("61.33")


def test_expected_is_planned_at_m_for_a_task_started_midyear():
    # G runs 4..9: planned(6) = 100 * 3 / 6 = 50%; 30% done → share 0.6 → 80 * 0.6 = 48
    tasks = [task("G", "U1", start=4, due=9)]
    result = run(
        as_of=AS_OF, units=[unit("U1")], tasks=tasks, reports=[report("G", "U1", 6, progress=30)]
    )
    assert [line[4] for line in work_lines(result)] == [48.0]


def test_report_of_a_later_month_counts_once_m_reaches_it():
    result = run(as_of=D(2021, 8, 5), units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    a = lines_of(result, "U1", rule_id="task_completion")[0]
    assert a["task_id"] == "A"
    assert a["detail"] == "任务A 完成度 90.0%，截至7月计划 58.3%，按 100.0% 计，权重 2"
    assert a["points"] == pytest.approx(80 * 2 / 6)


def test_a_final_run_measures_every_task_against_the_year():
    result = run(as_of=D(2022, 1, 5), units=[unit("U1")], tasks=TASKS, reports=REPORTS)
    # every weight counts: 2 + 1 + 1 + 1 + 3 + 1 = 9; share = completion
    assert [line[1:5] for line in work_lines(result)] == [
        ("A", None, None, 16.0),  # 80 * 2 * 0.9 / 9
        ("B", None, None, 8.888889),
        ("C", None, None, 0.0),
        ("D", None, None, 3.555556),
        ("E", None, None, 0.0),
        ("F", None, None, 7.111111),
    ]
    assert score_row(result, "U1")["work"] == Decimal("35.56")


def test_before_the_amendment_every_task_counted_against_the_whole_year():
    result = run(
        as_of=AS_OF, units=[unit("U1")], tasks=TASKS, reports=REPORTS, semantics=Semantics.of(1)
    )
    assert [line[1:5] for line in work_lines(result)] == [
        ("A", None, None, 8.888889),  # 80 * 2 * 0.5 / 9
        ("B", None, None, 8.888889),
        ("C", None, None, 0.0),
        ("D", None, None, 3.555556),
        ("E", None, None, 0.0),
        ("F", None, None, 7.111111),
    ]
    assert score_row(result, "U1")["work"] == Decimal("28.44")


def test_no_started_task_means_no_work_yet():
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=[task("E", "U1", start=8)])
    assert lines_of(result, "U1", "work") == []
    assert score_row(result, "U1")["work"] is None


def test_completion_at_its_edges():
    # M = 6. H: 数量 short of its target (50 / 200); J: a negative value (it cannot pass
    # validation) counts as 0, never below; K starts in M itself: started, expected 1/7;
    # L: a weight of five places is shown to four
    tasks = [
        task("H", "U1", metric="数量", target=200, due=6),
        task("J", "U1", due=6),
        task("K", "U1", start=6, due=12),
        task("L", "U1", weight=2.71828, due=6),
    ]
    reports = [
        report("H", "U1", 6, actual=50),
        report("J", "U1", 6, progress=-5),
        report("K", "U1", 6, progress=100),
        report("L", "U1", 6, progress=100),
    ]
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=tasks, reports=reports)
    weights = 3 + 2.71828
    assert work_lines(result) == [
        ("task_completion", "H", None, None, round(80 * 0.25 / weights, 6), "任务H 完成度 25.0%，权重 1"),
        ("task_completion", "J", None, None, 0.0, "任务J 完成度 0.0%，权重 1"),
        ("task_completion", "K", None, None, round(80 / weights, 6), "任务K 完成度 100.0%，截至6月计划 14.3%，按 100.0% 计，权重 1"),
        ("task_completion", "L", None, None, round(80 * 2.71828 / weights, 6), "任务L 完成度 100.0%，权重 2.7183"),
    ]  # fmt: skip


def test_a_weight_of_five_places_in_a_provisional_detail():
    result = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("L", "U1", weight=2.71828)],
        reports=[report("L", "U1", 6, progress=25)],
    )
    assert [line[5] for line in work_lines(result)] == [
        "任务L 完成度 25.0%，截至6月计划 50.0%，按 50.0% 计，权重 2.7183"
    ]
