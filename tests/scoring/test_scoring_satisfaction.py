"""docs/scoring.md 6.3: community satisfaction, per-unit lines, the min_responses and empty fallbacks."""

import datetime as dt
from decimal import Decimal

import pytest
from scoring_builders import D, community, lines_of, report, response, run, score_row, task, unit

AS_OF = D(2021, 7, 5)
LATE = dt.datetime(2021, 7, 6, 9, 0)
RULES = "[survey]\nmin_responses = 2\n"

COMMUNITIES = [community("C1"), community("C2"), community("C3"), community("C4")]
RESPONSES = [
    response("C1", 80.0, answered=5, satisfied=4, row=2),
    response("C1", 90.0, answered=5, satisfied=5, row=3),
    response("C1", None, valid=False, answered=0, satisfied=0, row=4),
    response("C1", 0.0, at=LATE, row=5),  # after as-of: left out
    response("C1", None, valid=False, at=LATE, row=6),  # after as-of: left out
    response("C2", 70.0, answered=4, satisfied=2, row=7),  # only 1 valid: below min_responses
    response("C3", 100.0, answered=5, satisfied=5, row=8),
    response("C3", 100.0, answered=3, satisfied=3, row=9),
    response(None, None, valid=False, row=10),  # names no pilot community
]
UNITS = [
    unit("U1", ["C1", "C2"]),  # counted: C1
    unit("U2", ["C2"]),  # none counted: county fallback
    unit("U3", []),  # no communities: county fallback
    unit("U4", ["C1", "C3", "C4"]),  # counted: C1, C3
]
TASKS = [task(f"T{u[-1]}", u) for u in ("U1", "U2", "U3", "U4")]


def _run(responses=RESPONSES, rules=RULES, as_of=AS_OF, **kwargs):
    return run(
        as_of=as_of,
        units=UNITS,
        tasks=TASKS,
        communities=COMMUNITIES,
        responses=responses,
        **kwargs,
        rules=rules,
    )


def test_community_satisfaction_mart():
    rows = _run()["community_satisfaction"].drop("year").rows()
    assert rows == [
        ("C1", 2, 1, 85.0, 0.9),
        ("C2", 1, 0, 70.0, 0.5),
        ("C3", 2, 0, 100.0, 1.0),
        ("C4", 0, 0, None, None),
    ]


def test_unit_satisfaction_lines():
    result = _run()
    assert [
        (r["rule_id"], r["ref"], r["points"]) for r in lines_of(result, "U1", "satisfaction")
    ] == [("community_satisfaction", "C1", pytest.approx(17.0))]
    assert [
        (r["rule_id"], r["ref"], r["points"]) for r in lines_of(result, "U4", "satisfaction")
    ] == [
        ("community_satisfaction", "C1", pytest.approx(8.5)),
        ("community_satisfaction", "C3", pytest.approx(10.0)),
    ]
    # county mean over the valid responses known at as-of: (80 + 90 + 70 + 100 + 100) / 5 = 88
    u2 = lines_of(result, "U2", "satisfaction")
    u3 = lines_of(result, "U3", "satisfaction")
    assert [(r["rule_id"], r["ref"], r["points"]) for r in u2 + u3] == [
        ("county_satisfaction", None, pytest.approx(17.6)),
        ("county_satisfaction", None, pytest.approx(17.6)),
    ]
    assert u2[0]["detail"] == "联系社区有效答卷均不足2份，按全县有效答卷平均 88分（5份）"
    assert u3[0]["detail"] == "未设联系社区，按全县有效答卷平均 88分（5份）"
    assert (
        lines_of(result, "U4", "satisfaction")[0]["detail"]
        == "社区C1 满意度 85分（有效答卷2份），2个社区取平均"
    )
    assert score_row(result, "U4")["satisfaction"] == Decimal("18.50")


def test_default_min_responses_30_sends_everyone_to_the_county_mean():
    result = _run(rules=None)
    assert {r["rule_id"] for r in lines_of(result, component="satisfaction")} == {
        "county_satisfaction"
    }
    assert score_row(result, "U1")["satisfaction"] == Decimal("17.60")


def test_thirty_valid_responses_count_with_the_default_rules():
    responses = [response("C1", 50.0, row=i) for i in range(2, 32)]  # 30 valid at 50
    responses.append(response("C2", 100.0, row=40))
    result = _run(responses=responses, rules=None)
    assert [
        (r["rule_id"], r["ref"], r["points"]) for r in lines_of(result, "U1", "satisfaction")
    ] == [("community_satisfaction", "C1", pytest.approx(10.0))]
    # U2 falls back to all valid responses: (30 * 50 + 100) / 31 = 51.6129..., * 20 / 100
    assert score_row(result, "U2")["satisfaction"] == Decimal("10.32")


def test_no_valid_response_at_all():
    # final: every unit falls back to the county, which has nothing: 0 points
    result = _run(responses=[response("C1", None, valid=False)], as_of=D(2022, 1, 5))
    lines = lines_of(result, "U1", "satisfaction")
    assert [(r["rule_id"], r["points"]) for r in lines] == [("county_satisfaction", 0.0)]
    assert "全县无有效答卷" in lines[0]["detail"]
    assert score_row(result, "U1")["satisfaction"] == Decimal("0.00")
    assert result["community_satisfaction"].drop("year").rows()[0] == ("C1", 0, 1, None, None)


def test_provisional_without_a_valid_response_is_unrated():
    # provisional: nothing to rate yet (未测评): no line, satisfaction null, counted as 0
    result = _run(
        responses=[response("C1", None, valid=False)], reports=[report("T4", "U4", 6, progress=60)]
    )
    assert lines_of(result, None, "satisfaction") == []
    row = score_row(result, "U4")
    assert row["satisfaction"] is None
    # T4 60% at M = 6 against planned 50%: work 80; months 1-5 not reported: 2.5 + 2.5 penalty
    assert (row["work"], row["bonus"], row["penalty"]) == (Decimal(80), 0, Decimal(5))
    assert row["total"] == Decimal("75.00")
    # one valid response anywhere in the county is enough to rate the fallback units
    rated = _run(responses=[response("C2", 70.0)])
    assert score_row(rated, "U3")["satisfaction"] == Decimal("14.00")


def test_before_the_amendment_a_provisional_run_scored_unrated_units_0():
    from schemas.semantics import Semantics

    result = _run(responses=[response("C1", None, valid=False)], semantics=Semantics.of(1))
    assert [(r["rule_id"], r["points"]) for r in lines_of(result, "U1", "satisfaction")] == [
        ("county_satisfaction", 0.0)
    ]


def test_satisfaction_at_its_edges():
    at_midnight = dt.datetime(2021, 7, 5, 23, 59)  # on the as-of date itself: known
    responses = [
        response("C1", 80.0, row=2),
        response("C1", 80.0, at=at_midnight, row=3),
        response("C1", 81.0, answered=1, satisfied=1, row=4),
        {**response("C1", None, row=5), "is_valid": None},  # no verdict: counted as invalid
        response("C2", 30.0, answered=1, satisfied=0, row=6),  # one item answered
        response("C2", 100.0, valid=False, row=7),  # an invalid response's score counts nowhere
    ]
    units = [unit("U1", ["C1"]), {**unit("U2"), "communities": None}]
    result = run(
        as_of=AS_OF,
        units=units,
        tasks=[task("T1", "U1"), task("T2", "U2")],
        communities=COMMUNITIES[:2],
        responses=responses,
        rules="[survey]\nmin_responses = 3\n",
    )
    assert result["community_satisfaction"].drop("year").rows() == [
        ("C1", 3, 1, pytest.approx(241 / 3), 0.8181818181818182),  # (4 + 4 + 1) / (5 + 5 + 1)
        ("C2", 1, 1, 30.0, 0.0),
    ]
    lines = lines_of(result, component="satisfaction")
    assert [(r["unit_id"], r["rule_id"], r["ref"], round(r["points"], 6), r["detail"]) for r in lines] == [
        ("U1", "community_satisfaction", "C1", round(20 * 241 / 300, 6), "社区C1 满意度 80.33分（有效答卷3份），1个社区取平均"),
        # the county mean of the 4 valid responses: (80 + 80 + 81 + 30) / 4 = 67.75
        ("U2", "county_satisfaction", None, 13.55, "未设联系社区，按全县有效答卷平均 67.75分（4份）"),
    ]  # fmt: skip
