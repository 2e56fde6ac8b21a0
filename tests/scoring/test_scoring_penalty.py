"""docs/scoring.md 6.6: every penalty rule, the penalty cap and the floor at zero."""

from decimal import Decimal

import pytest
from scoring_builders import (
    D,
    conflict,
    entry,
    lines_of,
    points_of,
    report,
    response,
    run,
    score_row,
    task,
    unit,
)

PROVISIONAL = D(2021, 4, 5)  # M = 3
FINAL = D(2022, 1, 5)  # M = 12

UNITS = [unit("U1"), unit("U2"), unit("U3")]
TASKS = [
    task("T1", "U1", start=1, due=6),  # planned 16.67, 33.33, 50
    task("T2", "U1", start=12),
    task("T3", "U1", start=12),
    task("T4", "U1", start=12),
    task("T5", "U1", start=12),
    task("T8", "U3", start=12),
    task("T9", "U2", start=12),
]
REPORTS = [
    report("T1", "U1", 1, progress=10, submitted=D(2021, 2, 10)),  # green, late
    # month 2: missing
    report("T1", "U1", 3, progress=10),  # gap 40: red, behind
    report("T1", "U1", 4, progress=100),  # known at the final run only
    *[
        report(t, u, 12, progress=100)
        for t, u in (
            ("T2", "U1"),
            ("T3", "U1"),
            ("T4", "U1"),
            ("T5", "U1"),
            ("T8", "U3"),
            ("T9", "U2"),
        )
    ],
]
LEDGER = [
    entry("T2", "下达", "100.00"),
    entry("T2", "支出", "150.00"),  # overspent
    entry("T3", "下达", "1000.00"),
    entry("T3", "支出", "500.00"),  # execution 0.5
    entry("T5", "下达", "1000.00"),
    entry("T5", "支出", "800.00"),  # execution 0.8: not low
    entry("T4", "支出", "0.01"),  # allocated 0, spent 0.01: overspent, never low_execution
]
CONFLICTS = [
    conflict("V1", "T3", row=2),
    conflict("V1", "T1", row=3),
    conflict("V1", "T9", row=4),
    conflict("V1", "TX", row=5),  # not a task of the plan
    conflict("V1", "T8", date=D(2021, 4, 6), row=6),  # dated after the provisional as-of
    conflict("V2", "T1", date=D(2021, 4, 6), row=7),  # no row known at the provisional as-of
    conflict("V3", "T3", row=8),
    conflict("V3", "T2", row=9),
]


def _run(as_of, rules=None):
    return run(
        as_of=as_of,
        units=UNITS,
        tasks=TASKS,
        reports=REPORTS,
        ledger=LEDGER,
        conflicts=CONFLICTS,
        rules=rules,
    )


# function scope: every test that reads the result runs the scoring itself, so mutation
# testing credits each of them (docs/mutation.md)
@pytest.fixture
def provisional():
    return _run(PROVISIONAL)


def test_month_penalties(provisional):
    assert points_of(provisional, "U1", "red_month") == [
        ("T1", 2, None, -0.5),
        ("T1", 3, None, -0.5),
    ]
    assert points_of(provisional, "U1", "missing_report") == [("T1", 2, None, -0.5)]
    assert points_of(provisional, "U1", "late_report") == [("T1", 1, None, -0.2)]
    details = [
        r["detail"]
        for r in lines_of(provisional, "U1", "penalty")
        if r["rule_id"] in ("red_month", "late_report")
    ]
    assert details == [
        "任务T1 1月 迟报：首次报送 2021-02-10，截止 2021-02-05",
        "任务T1 2月 红灯（未报送）",
        "任务T1 3月 红灯（进度滞后）",
    ]


def test_overspent(provisional):
    assert points_of(provisional, "U1", "overspent") == [
        ("T2", None, None, -2.0),
        ("T4", None, None, -2.0),
    ]
    assert (
        lines_of(provisional, "U1", rule_id="overspent")[0]["detail"]
        == "任务T2 支出 150.00 元，超过下达 100.00 元"
    )


def test_low_execution_only_when_final(provisional):
    assert points_of(provisional, "U1", "low_execution") == []
    final = _run(FINAL)
    assert points_of(final, "U1", "low_execution") == [("T3", None, None, -1.0)]
    assert (
        lines_of(final, "U1", rule_id="low_execution")[0]["detail"]
        == "任务T3 资金执行率 50.0%，低于 80%"
    )
    assert final["unit_score"]["is_final"].to_list() == [True, True, True]
    assert provisional["unit_score"]["is_final"].to_list() == [False, False, False]


def test_voucher_conflict_once_per_unit(provisional):
    assert points_of(provisional, "U1", "voucher_conflict") == [
        ("T1", None, "V1", -1.0),
        ("T2", None, "V3", -1.0),
    ]
    assert points_of(provisional, "U2", "voucher_conflict") == [("T9", None, "V1", -1.0)]
    assert points_of(provisional, "U3", "voucher_conflict") == []
    assert (
        lines_of(provisional, "U1", rule_id="voucher_conflict")[0]["detail"]
        == "凭证 V1 存在冲突记录（涉及任务T1、T3）"
    )
    # at the final run every row is known: V1 names T8 of U3, V2 names T1 of U1
    final = _run(FINAL)
    assert points_of(final, "U3", "voucher_conflict") == [("T8", None, "V1", -1.0)]
    assert [r[2] for r in points_of(final, "U1", "voucher_conflict")] == ["V1", "V2", "V3"]


def test_penalty_total_in_unit_score(provisional):
    # red 2 * 0.5 + missing 0.5 + late 0.2 + overspent 2 * 2 + voucher 2 * 1 = 7.7
    assert score_row(provisional, "U1")["penalty"] == Decimal("7.70")
    assert score_row(provisional, "U2")["penalty"] == 1.0


def test_penalty_cap_then_floor_zero():
    tasks = [task("A", "U9"), task("B", "U9"), task("C", "U9")]
    result = run(as_of=FINAL, units=[unit("U9")], tasks=tasks)
    # 36 missing months: 36 * (0.5 + 0.5) = 36 > 20
    assert points_of(result, "U9", "penalty_cap") == [(None, None, None, 16.0)]
    assert (
        lines_of(result, "U9", rule_id="penalty_cap")[0]["detail"]
        == "扣分合计 36 超过上限 20，按 20 计"
    )
    # work 0 + satisfaction 0 (no responses) - 20 < 0
    assert points_of(result, "U9", "floor_zero") == [(None, None, None, 20.0)]
    assert [r["component"] for r in lines_of(result, "U9", rule_id="floor_zero")] == ["penalty"]
    row = score_row(result, "U9")
    assert (row["work"], row["satisfaction"], row["bonus"], row["penalty"]) == (0.0, 0.0, 0.0, 20.0)
    assert str(row["total"]) == "0.00"
    assert row["grade"] == "不合格"


def test_penalty_parameters_from_rules():
    result = _run(PROVISIONAL, rules="[penalty]\nred_month = 1\nlate_report = 0.3\n")
    assert points_of(result, "U1", "red_month") == [("T1", 2, None, -1.0), ("T1", 3, None, -1.0)]
    assert points_of(result, "U1", "late_report") == [("T1", 1, None, -0.3)]


def test_penalty_at_its_edges():
    # final. U7: A (12 months) and B (8 months) never report: 20 × (0.5 + 0.5) = exactly the cap,
    # so no penalty_cap; with 10 satisfaction points the floor brings 0 + 10 - 20 up to 0.
    # U8: less than 1.00 allocated and executed 20%: low_execution; a conflict row dated on the
    # as-of date is known.
    units = [unit("U7"), unit("U8")]
    tasks = [task("A", "U7"), task("B", "U7", start=5), task("C", "U8", start=12)]
    result = run(
        as_of=FINAL,
        units=units,
        tasks=tasks,
        reports=[report("C", "U8", 12, progress=100)],
        ledger=[entry("C", "下达", "0.50"), entry("C", "支出", "0.10")],
        conflicts=[conflict("V7", "C", date=FINAL)],
        responses=[response(None, 50.0)],
    )
    u7 = lines_of(result, "U7", "penalty")
    assert sum(r["points"] for r in u7 if r["rule_id"] != "floor_zero") == -20.0
    assert [r["detail"] for r in u7 if r["rule_id"] == "missing_report"][:2] == [
        "任务A 1月 未报送",
        "任务A 2月 未报送",
    ]
    assert [(r["rule_id"], r["points"], r["detail"]) for r in u7 if r["task_id"] is None] == [
        ("floor_zero", 10.0, "得分合计 -10 低于0，按0计")
    ]
    row = score_row(result, "U7")
    assert (row["satisfaction"], row["penalty"], row["total"]) == (10, 20, 0)
    assert points_of(result, "U8", "low_execution") == [("C", None, None, -1.0)]
    assert points_of(result, "U8", "voucher_conflict") == [("C", None, "V7", -1.0)]
