"""docs/scoring.md 6.5: every bonus rule and the bonus cap."""

import pytest
from scoring_builders import D, honor, lines_of, points_of, report, run, score_row, task, unit

from schemas.semantics import Semantics

AS_OF = D(2021, 7, 5)  # M = 6

UNITS = [unit("U1"), unit("U2"), unit("U3"), unit("U4")]
TASKS = [
    task("T1", "U1"),  # no reports: red months, so no all_green
    task("Q1", "U2", metric="数量", target=100),
    task("Q2", "U2", metric="数量", target=100),
    task("Q3", "U2", metric="数量", target=100),
    task("E1", "U3", start=4, due=6),
    task("E2", "U3", start=5, due=6),
    task("E3", "U3", start=7, due=12),
    task("Z1", "U4", start=12),  # no assessed task-month
]
REPORTS = [
    report("Q1", "U2", 5, actual=130),  # >= 1.2 * 100; progress min(100, 130) → completed in 5
    report("Q2", "U2", 5, actual=110),  # < 120: not exceeded, but completed in 5
    report("Q3", "U2", 5, actual=80),
    report("Q3", "U2", 7, actual=150, submitted=D(2021, 7, 1)),  # month 7 > M: not last
    report("E1", "U3", 4, progress=100),  # 4 <= due 6 - 2: early
    report("E2", "U3", 5, progress=100),  # 5 > due 6 - 2: not early
    report("E3", "U3", 7, progress=100, submitted=D(2021, 7, 1)),  # month 7 > M
]
HONORS = [
    honor("U1", "省级", "遂府发〔2021〕12号"),
    honor("U1", "国家级", "遂府发〔2021〕12号", name="全国示范"),  # same document: highest level
    honor("U1", "市级", "遂委办〔2021〕3号"),
    honor("U1", "国家级", None),  # no document number: no points
    honor("U1", "国家级", "  "),  # blank document number: no points
    honor("U1", "国家级", "国发〔2021〕9号", awarded=D(2021, 7, 6)),  # after as-of
    honor("U4", "国家级", "遂府发〔2021〕12号"),  # the same document counts for another unit
    honor("U4", "国家级", "川府发〔2021〕1号"),
    honor("U4", "省级", "川府发〔2021〕2号"),
    honor("UX", "国家级", "川府发〔2021〕5号"),  # not a unit of the plan
]


# function scope: every test that reads the result runs the scoring itself, so mutation
# testing credits each of them (docs/mutation.md)
@pytest.fixture
def result():
    return run(as_of=AS_OF, units=UNITS, tasks=TASKS, reports=REPORTS, honors=HONORS)


def test_honors_once_per_document_at_the_highest_level(result):
    lines = lines_of(result, "U1", "bonus")
    assert [(r["rule_id"], r["ref"], r["points"], r["task_id"], r["month"]) for r in lines] == [
        ("honor_city", "遂委办〔2021〕3号", 1.0, None, None),
        ("honor_national", "遂府发〔2021〕12号", 3.0, None, None),
    ]
    assert lines[1]["detail"] == "文号 遂府发〔2021〕12号 国家级表彰：全国示范"
    assert score_row(result, "U1")["bonus"] == 4.0
    assert lines_of(result, "UX") == []


def test_exceeded_target_and_early_completion(result):
    assert points_of(result, "U2", "exceeded_target") == [("Q1", None, None, 0.5)]
    assert points_of(result, "U2", "early_completion") == [
        ("Q1", 5, None, 0.5),
        ("Q2", 5, None, 0.5),
    ]
    assert points_of(result, "U3", "early_completion") == [("E1", 4, None, 0.5)]
    assert (
        lines_of(result, "U3", rule_id="early_completion")[0]["detail"]
        == "任务E1 4月已完成，完成月份为6月，提前2个月"
    )


def test_all_green(result):
    assert points_of(result, "U3", "all_green") == [(None, None, None, 1.0)]
    assert lines_of(result, "U3", rule_id="all_green")[0]["detail"] == "全部5个任务-月均为绿灯"
    assert points_of(result, "U1", "all_green") == []  # red months
    assert points_of(result, "U2", "all_green") == []  # Q1 months 1-4 missing
    assert points_of(result, "U4", "all_green") == []  # no assessed task-month
    assert score_row(result, "U3")["bonus"] == 1.5


def test_bonus_cap(result):
    # 3 + 3 + 2 = 8 > 5
    assert points_of(result, "U4", "bonus_cap") == [(None, None, None, -3.0)]
    assert (
        lines_of(result, "U4", rule_id="bonus_cap")[0]["detail"] == "加分合计 8 超过上限 5，按 5 计"
    )
    assert score_row(result, "U4")["bonus"] == 5.0
    assert points_of(result, "U1", "bonus_cap") == []


def test_bonus_parameters_from_rules():
    rules = "[bonus]\ncap = 10\nhonor_national = 4\n"
    changed = run(
        as_of=AS_OF, units=UNITS, tasks=TASKS, reports=REPORTS, honors=HONORS, rules=rules
    )
    assert points_of(changed, "U4", "bonus_cap") == []
    assert score_row(changed, "U4")["bonus"] == 10.0  # 4 + 4 + 2


def test_bonus_at_its_edges():
    # M = 6, as of 5 July. U5: honors awarded on the as-of date count; a one-character document
    # number counts; of two honors of one level on one document the first name is shown, a
    # missing name last (and shown empty when it is the only one). U6: a last actual of exactly
    # 1.2 × target exceeds; a single assessed task-month, green, is all green.
    honors = [
        honor("U5", "国家级", "D3", awarded=AS_OF, name="E奖"),
        honor("U5", "省级", "D1", name="B奖"),
        honor("U5", "省级", "D1", name="A奖"),
        honor("U5", "市级", "7", name=None),
        honor("U5", "市级", "D2", name=None),
        honor("U5", "市级", "D2", name="C奖"),
    ]
    tasks = [task("X1", "U6", metric="数量", target=100, start=6)]
    reports = [report("X1", "U6", 6, actual=120)]
    result = run(
        as_of=AS_OF, units=[unit("U5"), unit("U6")], tasks=tasks, reports=reports, honors=honors
    )
    assert [(r["rule_id"], r["ref"], r["points"], r["detail"]) for r in lines_of(result, "U5")] == [
        ("bonus_cap", None, -2.0, "加分合计 7 超过上限 5，按 5 计"),
        ("honor_city", "7", 1.0, "文号 7 市级表彰："),
        ("honor_city", "D2", 1.0, "文号 D2 市级表彰：C奖"),
        ("honor_national", "D3", 3.0, "文号 D3 国家级表彰：E奖"),
        ("honor_provincial", "D1", 2.0, "文号 D1 省级表彰：A奖"),
    ]
    assert [
        (r["rule_id"], r["task_id"], r["month"], r["points"], r["detail"])
        for r in lines_of(result, "U6", "bonus")
    ] == [
        ("all_green", None, None, 1.0, "全部1个任务-月均为绿灯"),
        ("early_completion", "X1", 6, 0.5, "任务X1 6月已完成，完成月份为12月，提前6个月"),
        ("exceeded_target", "X1", None, 0.5, "任务X1 实际完成 120，目标 100，达到1.2倍"),
    ]


@pytest.mark.parametrize(
    ("ratio", "target", "actual", "exceeded"),
    [
        (1.1, 100, 110, True),  # on the edge: 1.1 × 100 is 110.00000000000001 (EXACT_EDGES)
        (1.1, 100, 110.01, True),  # just inside
        (1.1, 100, 109.99, False),  # just outside
        (1.1, 12.5, 13.75, True),  # 1.1 × 12.5 is 13.750000000000002
        (1.1, 12.5, 13.74, False),
        (1.15, 33.33, 38.33, True),  # 38.3295
        (1.15, 33.33, 38.32, False),
    ],
)
def test_the_exceed_ratio_edge_is_compared_in_decimals(ratio, target, actual, exceeded):
    result = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("Q", "U1", metric="数量", target=target, start=6)],
        reports=[report("Q", "U1", 6, actual=actual)],
        rules=f"[bonus]\nexceed_ratio = {ratio}\n",
    )
    assert bool(points_of(result, "U1", "exceeded_target")) is exceeded


def test_runs_of_version_3_keep_the_binary_noise_at_the_exceed_ratio_edge():
    result = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("Q", "U1", metric="数量", target=100, start=6)],
        reports=[report("Q", "U1", 6, actual=110)],
        rules="[bonus]\nexceed_ratio = 1.1\n",
        semantics=Semantics.of(3),
    )
    assert points_of(result, "U1", "exceeded_target") == []
