"""Review decisions and appeals in the score (SPEC 6.10, docs/appeals.md), as tables of input
rows and expected rows: each action on each kind of line, the veto lifted by voiding, the caps
after decisions, the latest decision on a line, a decision after the as-of date, appeals
matched to exactly one line. The scenario without decisions is shown in BEFORE."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.scoring.scoring_builders import (
    community,
    entry,
    honor,
    report,
    response,
    run,
    task,
    unit,
)
from transforms.scoring import UNMATCHED

D = dt.date
FINAL = D(2022, 1, 31)  # M = 12
DECIDED, SUBMITTED = D(2022, 1, 20), D(2022, 1, 15)
UNITS = [unit("U1"), unit("U2", ["C1"]), unit("U3"), unit("U4"), unit("U5")]
TASKS = [
    task("T1", "U1"),
    task("T2", "U1"),
    task("T3", "U2"),
    task("T4", "U3"),
    task("T5", "U4"),
    task("T6", "U5"),
]


def _monthly(task_id: str, unit_id: str, progress: float) -> list[dict]:
    return [report(task_id, unit_id, m, progress=progress, row=m) for m in range(1, 13)]


SCENARIO = dict(
    units=UNITS,
    tasks=TASKS,
    reports=_monthly("T1", "U1", 100.0)
    + _monthly("T2", "U1", 100.0)
    + _monthly("T3", "U2", 100.0)
    + _monthly("T4", "U3", 100.0)
    + _monthly("T5", "U4", 50.0)
    + _monthly("T6", "U5", 40.0),
    communities=[community("C1")],
    honors=[honor("U1", "市级", "W1")],
    ledger=[entry("T3", "下达", "1000.00"), entry("T3", "支出", "2000.00")],
    responses=[response("C1", 90.0, row=i) for i in range(2, 40)],
)
# Without decisions (hand-checked once, pinned here as the starting point of every table below):
# unit  work   satisfaction bonus  penalty total   rank grade
BEFORE = [
    ("U1", "80.00", "18.00", "3.00", "0.00", "101.00", 1, "优秀"),  # bonus: all_green, 2 early, W1
    ("U2", "80.00", "18.00", "1.50", "2.00", "97.50", 3, "良好"),  # overspent T3: vetoed
    ("U3", "80.00", "18.00", "1.50", "0.00", "99.50", 2, "良好"),  # quota floor(0.2 * 5) = 1
    ("U4", "40.00", "18.00", "0.00", "1.50", "56.50", 4, "不合格"),  # red T5 10, 11, 12
    ("U5", "32.00", "18.00", "0.00", "2.00", "48.00", 5, "不合格"),  # red T6 9-12
]


def decision(no: str, unit_id: str, action: str, *, on: D = DECIDED, row: int = 2, **line):
    return {
        "year": 2021,
        "decision_no": no,
        "decided_on": on,
        "appeal_no": line.pop("appeal_no", None),
        "unit_id": unit_id,
        "action": action,
        "rule_id": line.pop("rule_id", None),
        "task_id": line.pop("task_id", None),
        "month": line.pop("month", None),
        "ref": line.pop("ref", None),
        "points": line.pop("points", None),
        "reason": f"理由{no}",
        "file": "decisions/d.xlsx",
        "sheet": None,
        "row_number": row,
    }


def appeal(no: str, unit_id: str, rule_id: str, *, on: D = SUBMITTED, row: int = 2, **line):
    return {
        "year": 2021,
        "appeal_no": no,
        "unit_id": unit_id,
        "rule_id": rule_id,
        "task_id": line.get("task_id"),
        "month": line.get("month"),
        "ref": line.get("ref"),
        "reason": "申诉理由",
        "submitted_on": on,
        "file": "appeals/a.xlsx",
        "sheet": None,
        "row_number": row,
    }


def scores(result) -> list[tuple]:
    shown = (
        result["unit_score"]
        .sort("unit_id")
        .select(
            "unit_id",
            *(
                pl.col(c).cast(pl.String)
                for c in ("work", "satisfaction", "bonus", "penalty", "total")
            ),
            "rank",
            "grade",
        )
    )
    return shown.rows()


def added(result) -> list[tuple]:
    lines = result["score_line_item"].filter(
        pl.col("rule_id").str.starts_with("decision") | pl.col("rule_id").str.ends_with("_cap")
    )
    return lines.select(
        "unit_id", "component", "rule_id", "points", "task_id", "month", "ref"
    ).rows()


def test_the_scenario_before_any_decision():
    assert scores(run(as_of=FINAL, **SCENARIO)) == BEFORE


def test_each_action_on_each_kind_of_line():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        decisions=[
            decision("D1", "U1", "撤销", rule_id="task_completion", task_id="T2"),  # work
            decision("D2", "U1", "改分", rule_id="honor_city", points=0.5),  # bonus 1 → 0.5
            decision("D3", "U3", "撤销", rule_id="county_satisfaction"),  # satisfaction
            decision("D4", "U4", "改分", rule_id="red_month", task_id="T5", month=10, points=0.2),
            decision("D5", "U4", "维持", rule_id="red_month", task_id="T5", month=11),
            decision("D6", "U3", "加分", task_id="T4", points=2),
            decision("D7", "U5", "扣分", points=1.5),
        ],
    )
    assert added(got) == [
        ("U1", "bonus", "decision_change", -0.5, None, None, "D2"),  # new +0.5 - old 1
        ("U1", "work", "decision_void", -40.0, "T2", None, "D1"),
        ("U3", "bonus", "decision_bonus", 2.0, "T4", None, "D6"),
        ("U3", "satisfaction", "decision_void", -18.0, None, None, "D3"),
        ("U4", "penalty", "decision_change", 0.3, "T5", 10, "D4"),  # new -0.2 - old -0.5
        ("U5", "penalty", "decision_penalty", -1.5, None, None, "D7"),
    ]
    assert scores(got) == [
        ("U1", "40.00", "18.00", "2.50", "0.00", "60.50", 3, "合格"),
        ("U2", "80.00", "18.00", "1.50", "2.00", "97.50", 1, "良好"),  # still vetoed
        ("U3", "80.00", "0.00", "3.50", "0.00", "83.50", 2, "良好"),
        ("U4", "40.00", "18.00", "0.00", "1.20", "56.80", 4, "不合格"),
        ("U5", "32.00", "18.00", "0.00", "3.50", "46.50", 5, "不合格"),
    ]
    # the lines acted on stay as they were; the decision's line names it and says why
    lines = got["score_line_item"]
    assert lines.filter(pl.col("rule_id") == "honor_city")["points"].to_list() == [1.0]
    assert lines.filter(pl.col("ref") == "D2")["detail"].to_list() == ["理由D2"]
    decided = got["review_decision"].sort("decision_no")
    assert decided.select(
        "year", "decision_no", "component", "rule_id", "task_id", "month", "ref", "line_points"
    ).rows() == [  # the parts of the line acted on, as the line has them
        (2021, "D1", "work", "task_completion", "T2", None, None, -40.0),
        (2021, "D2", "bonus", "honor_city", None, None, "W1", -0.5),
        (2021, "D3", "satisfaction", "county_satisfaction", None, None, None, -18.0),
        (2021, "D4", "penalty", "red_month", "T5", 10, None, 0.3),
        (2021, "D5", "penalty", "red_month", "T5", 11, None, None),
        (2021, "D6", "bonus", "decision_bonus", "T4", None, None, 2.0),
        (2021, "D7", "penalty", "decision_penalty", None, None, None, -1.5),
    ]
    assert decided["applied"].all()


@pytest.mark.parametrize(
    ("action", "points", "expected"),
    [
        # voided: no overspent line of U2 left, the veto is lifted; U2 is ahead of U3 on 99.50
        # (fewer red months: none each; then unit_id) and takes the second 优秀
        ("撤销", None, [("U2", "99.50", 2, "优秀"), ("U3", "99.50", 3, "良好")]),
        # halved: the line is still there, and so is the veto
        ("改分", 1.0, [("U2", "98.50", 3, "良好"), ("U3", "99.50", 2, "优秀")]),
    ],
)
def test_the_veto_is_lifted_only_by_voiding(action, points, expected):
    got = run(
        as_of=FINAL,
        **SCENARIO,
        rules="[grade]\nexcellent_quota = 0.4\n",  # two 优秀 of five
        decisions=[decision("D1", "U2", action, rule_id="overspent", points=points)],
    )
    shown = {r[0]: (r[0], r[5], r[6], r[7]) for r in scores(got)}
    assert shown["U1"] == ("U1", "101.00", 1, "优秀")
    assert [shown["U2"], shown["U3"]] == expected


def test_decision_lines_count_before_the_caps():
    got = run(as_of=FINAL, **SCENARIO, decisions=[decision("D1", "U1", "加分", points=4)])
    assert added(got) == [
        ("U1", "bonus", "bonus_cap", -2.0, None, None, None),  # 3 + 4 = 7 > cap 5
        ("U1", "bonus", "decision_bonus", 4.0, None, None, "D1"),
    ]
    assert scores(got)[0][3] == "5.00"


def test_the_latest_decision_on_a_line_applies():
    line = dict(rule_id="red_month", task_id="T5", month=12)
    got = run(
        as_of=FINAL,
        **SCENARIO,
        decisions=[
            decision("D1", "U4", "改分", on=D(2022, 1, 10), points=0.1, **line),
            decision("D3", "U4", "撤销", on=D(2022, 1, 20), **line),
            decision("D2", "U4", "维持", on=D(2022, 1, 20), row=3, **line),  # same day: D3 later
        ],
    )
    assert added(got) == [("U4", "penalty", "decision_void", 0.5, "T5", 12, "D3")]
    listed = got["review_decision"].sort("decision_no")
    assert listed.select("decision_no", "applied", "not_applied").rows() == [
        ("D1", False, "已被同一明细更晚的决定取代"),
        ("D2", False, "已被同一明细更晚的决定取代"),
        ("D3", True, None),
    ]


def test_a_decision_after_the_as_of_date_is_listed_not_applied():
    later = decision("D9", "U2", "撤销", on=D(2022, 2, 1), rule_id="overspent")
    got = run(as_of=FINAL, **SCENARIO, decisions=[later])
    assert added(got) == [] and scores(got) == BEFORE
    assert got["review_decision"].select("decision_no", "applied", "not_applied").rows() == [
        ("D9", False, "决定日期晚于基准日")
    ]
    # a day later it applies
    assert scores(run(as_of=D(2022, 2, 1), **SCENARIO, decisions=[later]))[1][5] == "99.50"


def test_appeals_name_exactly_one_line_and_show_their_outcome():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[
            appeal("A1", "U4", "red_month", task_id="T5", row=2),  # three months: several
            appeal("A2", "U4", "red_month", task_id="T5", month=11, row=3),
            appeal("A3", "U1", "honor_city", row=4),  # the one honor line, ref left out
            appeal("A4", "U5", "red_month", task_id="T6", month=9, on=D(2022, 1, 21), row=5),
            appeal("A5", "U5", "late_report", row=6),  # U5 has no late report: none
            appeal("A6", "U5", "red_month", task_id="T6", month=10, on=D(2022, 2, 3), row=7),
        ],
        decisions=[
            decision("D1", "U4", "维持", appeal_no="A2", on=D(2022, 1, 25)),  # line from A2
            decision("D2", "U1", "改分", appeal_no="A3", points=0.5, row=3),
            decision("D3", "U4", "撤销", appeal_no="A1", row=4),  # A1 is quarantined
            decision("D4", "U5", "撤销", appeal_no="A2", row=5),  # A2 is U4's
        ],
    )
    shown = got["appeal"].sort("appeal_no")
    assert shown["year"].to_list() == [2021, 2021, 2021]
    assert shown.select(
        "appeal_no",
        "rule_id",
        "task_id",
        "month",
        "ref",
        "points",
        "status",
        "decision_no",
        "points_after",
        "days_waiting",
    ).rows() == [
        ("A2", "red_month", "T5", 11, None, -0.5, "维持", "D1", -0.5, 10),
        ("A3", "honor_city", None, None, "W1", 1.0, "改分", "D2", 0.5, 5),
        ("A4", "red_month", "T6", 9, None, -0.5, "待复核", None, -0.5, 10),  # to as-of
    ]  # A6 is dated after the as-of date: not known yet
    quarantined = got[UNMATCHED].sort("source", "row_number")
    assert quarantined.select("source", "row_number", "reason").rows() == [
        ("appeals", 2, "第2行 申诉对应多条得分明细（U4 红灯月 任务T5）"),
        ("appeals", 6, "第6行 申诉找不到对应的得分明细（U5 迟报）"),
        ("decisions", 4, '第4行 申诉编号 "A1" 不是已登记的申诉（申诉编号有误，或该申诉已被隔离）'),
        ("decisions", 5, '第5行 申诉编号 "A2" 是单位 U4 的申诉，不是本单位的'),
    ]
    assert added(got) == [("U1", "bonus", "decision_change", -0.5, None, None, "D2")]


def test_unmatched_requests_name_the_whole_line_they_asked_for():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[
            appeal("A1", "U5", "red_month", task_id="T6", month=3, row=2),  # T6 was green in March
            appeal("A2", "U1", "honor_city", ref="W9", row=3),  # U1's honor is W1
        ],
        decisions=[
            decision("D1", "U4", "撤销", rule_id="red_month", task_id="T5", month=4, ref="X"),
            decision("D2", "U1", "撤销", appeal_no="A9", row=3),
        ],
    )
    quarantined = got[UNMATCHED].sort("source", "row_number")
    assert quarantined.select("source", "row_number", "column", "value", "reason").rows() == [
        (
            "appeals",
            2,
            "规则",
            "red_month",
            "第2行 申诉找不到对应的得分明细（U5 红灯月 任务T6 3月）",
        ),
        ("appeals", 3, "规则", "honor_city", "第3行 申诉找不到对应的得分明细（U1 市级表彰 W9）"),
        (
            "decisions",
            2,
            "规则",
            "red_month",
            "第2行 复核决定找不到对应的得分明细（U4 红灯月 任务T5 4月 X）",
        ),
        (
            "decisions",
            3,
            "申诉编号",
            "A9",
            '第3行 申诉编号 "A9" 不是已登记的申诉（申诉编号有误，或该申诉已被隔离）',
        ),
    ]


def test_a_decision_naming_its_own_line_acts_on_it_not_on_its_appeals():
    # A1 contests T5's November red month; D1 answers A1 but names December itself
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[appeal("A1", "U4", "red_month", task_id="T5", month=11)],
        decisions=[
            decision(
                "D1", "U4", "撤销", appeal_no="A1", rule_id="red_month", task_id="T5", month=12
            ),
            decision("D2", "U3", "加分", appeal_no=None, task_id="T4", month=6, points=1, row=3),
        ],
    )
    assert added(got) == [
        ("U3", "bonus", "decision_bonus", 1.0, "T4", 6, "D2"),
        ("U4", "penalty", "decision_void", 0.5, "T5", 12, "D1"),
    ]


def test_an_added_line_answering_an_appeal_keeps_its_own_parts():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[appeal("A1", "U4", "red_month", task_id="T5", month=11)],
        decisions=[decision("D1", "U4", "加分", appeal_no="A1", points=1)],
    )
    assert added(got) == [("U4", "bonus", "decision_bonus", 1.0, None, None, "D1")]
    listed = got["review_decision"].select("rule_id", "task_id", "month", "line_points")
    assert listed.rows() == [("decision_bonus", None, None, 1.0)]


def test_an_appeal_dated_on_the_as_of_date_is_known():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[appeal("A1", "U4", "red_month", task_id="T5", month=11, on=FINAL)],
    )
    assert got["appeal"].select("appeal_no", "status", "days_waiting").rows() == [
        ("A1", "待复核", 0)
    ]


def test_the_latest_decision_answering_an_appeal_gives_its_status():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        appeals=[appeal("A1", "U4", "red_month", task_id="T5", month=11)],
        decisions=[
            decision("D2", "U4", "维持", appeal_no="A1", on=D(2022, 1, 20), row=3),
            decision("D1", "U4", "改分", appeal_no="A1", on=D(2022, 1, 10), points=0.1),
        ],
    )
    assert got["appeal"].select("appeal_no", "status", "decision_no", "points_after").rows() == [
        ("A1", "维持", "D2", -0.5)
    ]


def test_a_void_superseded_by_a_later_decision_keeps_the_veto():
    got = run(
        as_of=FINAL,
        **SCENARIO,
        rules="[grade]\nexcellent_quota = 0.6\n",  # three 优秀 of five: U2's if not vetoed
        decisions=[
            decision("D1", "U2", "撤销", rule_id="overspent", on=D(2022, 1, 10)),
            decision("D2", "U2", "维持", rule_id="overspent", on=D(2022, 1, 20), row=3),
        ],
    )
    shown = {r[0]: (r[5], r[7]) for r in scores(got)}
    assert (shown["U2"], shown["U3"]) == (("97.50", "良好"), ("99.50", "优秀"))
    # voided and not superseded, the same line lifts it
    voided = run(
        as_of=FINAL,
        **SCENARIO,
        rules="[grade]\nexcellent_quota = 0.6\n",
        decisions=[decision("D1", "U2", "撤销", rule_id="overspent", on=D(2022, 1, 10))],
    )
    assert {r[0]: (r[5], r[7]) for r in scores(voided)}["U2"] == ("99.50", "优秀")
