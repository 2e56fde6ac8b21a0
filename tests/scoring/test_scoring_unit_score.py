"""docs/scoring.md 6.7: totals, rank tie-breaks, the excellent quota and its veto."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from schemas.codes import COMPONENTS
from schemas.rules import parse_rules
from schemas.semantics import LATEST, Semantics
from transforms.assessment import Assessment
from transforms.scoring.lines import LINE_SCHEMA
from transforms.scoring.unit_score import adjustment_lines, unit_score

FINAL_AS_OF = dt.date(2022, 1, 31)

# unit: (work points, extra line (rule_id, points) or None)
CASES = {
    "U01": (94.996, None),  # 95.00, one red month
    "U02": (95.004, None),  # 95.00
    "U03": (95.0, None),  # 95.00, ties with U02: unit_id decides
    "U04": (99.0, ("overspent", -2.0)),  # 97.00 but vetoed
    "U05": (91.0, None),
    "U06": (85.0, None),
    "U07": (70.0, None),
    "U08": (59.995, None),  # half away from zero: 60.00
    "U09": (59.994, None),  # 59.99
    "U10": (0.0, None),
}


def _frames():
    units = pl.DataFrame({"unit_id": list(CASES), "unit_name": [f"单位{u}" for u in CASES]})
    rows = []
    for unit_id, (work, extra) in CASES.items():
        rows.append(
            {
                "unit_id": unit_id,
                "component": "work",
                "rule_id": "task_completion",
                "points": work,
                "task_id": "T",
                "month": None,
                "ref": None,
                "detail": "",
            }
        )
        if extra:
            rows.append(
                {
                    "unit_id": unit_id,
                    "component": "penalty",
                    "rule_id": extra[0],
                    "points": extra[1],
                    "task_id": "T",
                    "month": None,
                    "ref": None,
                    "detail": "",
                }
            )
    lines = pl.DataFrame(rows, schema=LINE_SCHEMA)
    months = pl.DataFrame({"unit_id": ["U01", "U02", "U03"], "status": ["red", "yellow", "green"]})
    return units, lines, months


def _score(rules_text=None):
    units, lines, months = _frames()
    ctx = Assessment(2021, FINAL_AS_OF, parse_rules(rules_text))
    return unit_score(
        ctx,
        units=units,
        lines=lines,
        months=months,
    )


def test_total_rank_and_grade():
    scores = _score()
    rows = (
        scores.sort("rank")
        .select("unit_id", "total", "rank", "grade", "red_months", "yellow_months")
        .rows()
    )
    assert rows == [
        ("U04", Decimal("97.00"), 1, "良好", 0, 0),  # veto: no 优秀, takes no quota place
        ("U02", Decimal("95.00"), 2, "优秀", 0, 1),  # quota floor(0.2 * 10) = 2
        ("U03", Decimal("95.00"), 3, "优秀", 0, 0),
        ("U01", Decimal("95.00"), 4, "良好", 1, 0),  # quota full
        ("U05", Decimal("91.00"), 5, "良好", 0, 0),
        ("U06", Decimal("85.00"), 6, "良好", 0, 0),
        ("U07", Decimal("70.00"), 7, "合格", 0, 0),
        ("U08", Decimal("60.00"), 8, "合格", 0, 0),
        ("U09", Decimal("59.99"), 9, "不合格", 0, 0),
        ("U10", Decimal("0.00"), 10, "不合格", 0, 0),
    ]
    u04 = scores.filter(pl.col("unit_id") == "U04").to_dicts()[0]
    assert (u04["work"], u04["penalty"], u04["bonus"], u04["is_final"], u04["run_id"]) == (
        99.0,
        2.0,
        0.0,
        True,
        None,  # stamped by publication
    )


def test_quota_and_thresholds_from_rules():
    rows = _score("[grade]\nexcellent_quota = 0.3\n").sort("rank")["grade"].to_list()
    assert rows[:5] == ["良好", "优秀", "优秀", "优秀", "良好"]  # floor(0.3 * 10) = 3
    rows = _score("[grade]\nexcellent = 96\ngood = 60\npass = 50\n").sort("rank")
    assert rows["grade"].to_list() == [
        "良好",
        "良好",
        "良好",
        "良好",
        "良好",
        "良好",
        "良好",
        "良好",
        "合格",
        "不合格",
    ]
    assert _score("[grade]\nexcellent_quota = 0\n")["grade"].to_list().count("优秀") == 0


def test_voucher_conflict_is_a_veto_too():
    units, lines, months = _frames()
    extra = pl.DataFrame(
        [
            {
                "unit_id": "U02",
                "component": "penalty",
                "rule_id": "voucher_conflict",
                "points": -0.004,
                "task_id": "T",
                "month": None,
                "ref": "V1",
                "detail": "",
            }
        ],
        schema=LINE_SCHEMA,
    )
    scores = unit_score(
        Assessment(2021, FINAL_AS_OF),
        units=units,
        lines=pl.concat([lines, extra]),
        months=months,
    )
    graded = dict(scores.select("unit_id", "grade").rows())
    # U02 (95.00 after the 0.004 penalty) is vetoed; U03 and U01 take the two places
    assert (graded["U02"], graded["U03"], graded["U01"]) == ("良好", "优秀", "优秀")


def test_adjustment_lines():
    units = pl.DataFrame({"unit_id": list("ABCDE"), "unit_name": list("abcde")})
    rows = [
        ("A", "work", "task_completion", 10.0),
        ("A", "bonus", "honor_national", 3.0),
        ("A", "bonus", "honor_national", 3.0),
        ("A", "penalty", "red_month", -12.0),
        ("A", "penalty", "missing_report", -12.0),
        ("B", "work", "task_completion", 50.0),
        ("B", "bonus", "all_green", 1.0),
        ("C", "work", "task_completion", 1.5),
        ("C", "penalty", "red_month", -2.0),
        ("D", "work", "task_completion", 2.0),  # exactly 0: no floor line
        ("D", "penalty", "red_month", -2.0),
        ("E", "work", "task_completion", 2.5),  # 0.5, under 1: no floor line either
        ("E", "penalty", "red_month", -2.0),
    ]
    lines = pl.DataFrame(
        [
            {
                "unit_id": u,
                "component": c,
                "rule_id": r,
                "points": p,
                "task_id": None,
                "month": None,
                "ref": str(i),
                "detail": "",
            }
            for i, (u, c, r, p) in enumerate(rows)
        ],
        schema=LINE_SCHEMA,
    )
    adjustments = adjustment_lines(lines, units, parse_rules(None), LATEST)
    assert adjustments.select("unit_id", "component", "rule_id", "points").rows() == [
        ("A", "bonus", "bonus_cap", -1.0),  # 6 → 5
        ("A", "penalty", "floor_zero", 5.0),  # 10 + 5 - 20 = -5
        ("A", "penalty", "penalty_cap", 4.0),  # -24 → -20
        ("C", "penalty", "floor_zero", pytest.approx(0.5)),  # 1.5 - 2
    ]


def _lines(rows):
    """Line items from (unit_id, component, rule_id, points) rows."""
    return pl.DataFrame(
        [
            {
                "unit_id": u,
                "component": c,
                "rule_id": r,
                "points": p,
                "task_id": None,
                "month": None,
                "ref": str(i),
                "detail": "",
            }
            for i, (u, c, r, p) in enumerate(rows)
        ],
        schema=LINE_SCHEMA,
    )


def _score_lines(unit_ids, rows, rules_text=None, semantics=None):
    units = pl.DataFrame({"unit_id": unit_ids, "unit_name": unit_ids})
    months = pl.DataFrame(schema={"unit_id": pl.String, "status": pl.String})
    ctx = Assessment(2021, FINAL_AS_OF, parse_rules(rules_text), semantics or Semantics.of(2))
    return unit_score(ctx, units=units, lines=_lines(rows), months=months)


def test_totals_and_grades_at_their_edges():
    scores = _score_lines(
        ["R1", "R2", "R3", "R4", "R5"],
        [
            ("R1", "work", "task_completion", 90.0),  # exactly 90.00: 优秀
            ("R2", "work", "task_completion", 59.985),  # half away from zero: 59.99, not 59.98
            ("R3", "work", "task_completion", 89.99499999946),  # 9 places: 89.994999999 → 89.99
            ("R4", "work", "task_completion", 0.5),  # a total below 1 stays
        ],  # R5: no line at all
    )
    rows = scores.select("unit_id", *COMPONENTS, "total", "rank", "grade").rows()
    assert rows == [
        (
            "R1",
            Decimal("90.00"),
            None,
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("90.00"),
            1,
            "优秀",
        ),
        (
            "R2",
            Decimal("59.99"),
            None,
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("59.99"),
            3,
            "不合格",
        ),
        (
            "R3",
            Decimal("89.99"),
            None,
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("89.99"),
            2,
            "良好",
        ),
        (
            "R4",
            Decimal("0.50"),
            None,
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.50"),
            4,
            "不合格",
        ),
        ("R5", None, None, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 5, "不合格"),
    ]


@pytest.mark.parametrize(
    ("quota", "excellent"),
    [
        ("0.29", 2),  # 2.9 rounded down
        ("0.29999999996", 3),  # 2.9999999996: 3.0 at 9 places, then down
    ],
)
def test_the_excellent_quota_is_rounded_down(quota, excellent):
    unit_ids = [f"Q{i:02d}" for i in range(10)]
    rows = [(u, "work", "task_completion", 95.0) for u in unit_ids]
    scores = _score_lines(unit_ids, rows, f"[grade]\nexcellent_quota = {quota}\n")
    assert scores["grade"].to_list().count("优秀") == excellent


def test_a_unit_without_lines_is_not_vetoed():
    rules = "[grade]\nexcellent = 0\ngood = 0\npass = 0\nexcellent_quota = 1\n"
    scores = _score_lines(["N1"], [], rules)
    assert scores.select("total", "grade").rows() == [(Decimal("0.00"), "优秀")]


def test_before_the_amendment_the_total_was_the_rounded_sum_of_unrounded_parts():
    rows = [
        ("V1", "work", "task_completion", 77.874),
        ("V1", "satisfaction", "county_satisfaction", 15.594),
        ("V1", "bonus", "honor_city", 2.0),
        ("V1", "penalty", "red_month", -2.5),
    ]  # V2: no line at all
    v1 = _score_lines(["V1", "V2"], rows, semantics=Semantics.of(1))
    assert v1.select("unit_id", *COMPONENTS, "total").rows() == [
        ("V1", 77.874, 15.594, 2.0, 2.5, Decimal("92.97")),  # 92.968
        ("V2", None, None, 0.0, 0.0, Decimal("0.00")),
    ]
    v2 = _score_lines(["V1", "V2"], rows)
    assert v2["total"].to_list() == [Decimal("92.96"), Decimal("0.00")]  # 77.87 + 15.59 - 0.5


@pytest.mark.parametrize(
    ("rows", "adjusted"),
    [
        # 0.1 + 0.2 is 0.30000000000000004 in binary floating point: on the edge, no line
        ([("bonus", "honor_city", 0.1), ("bonus", "honor_city", 0.2)], []),
        ([("bonus", "honor_city", 0.1), ("bonus", "honor_city", 0.21)], ["bonus_cap"]),
        (
            [
                ("work", "task_completion", 1.0),
                ("penalty", "red_month", -0.1),
                ("penalty", "red_month", -0.2),
            ],
            [],
        ),
        (
            [
                ("work", "task_completion", 1.0),
                ("penalty", "red_month", -0.1),
                ("penalty", "red_month", -0.21),
            ],
            ["penalty_cap"],
        ),
        (
            [("work", "task_completion", 0.3)]
            + [("penalty", "red_month", -0.1), ("penalty", "red_month", -0.2)],
            [],
        ),
        (
            [("work", "task_completion", 0.29)]
            + [("penalty", "red_month", -0.1), ("penalty", "red_month", -0.2)],
            ["floor_zero"],
        ),
    ],
)
def test_the_caps_and_the_floor_are_compared_in_decimals(rows, adjusted):
    units = pl.DataFrame({"unit_id": ["A"], "unit_name": ["a"]})
    rules = parse_rules("[bonus]\ncap = 0.3\n[penalty]\ncap = 0.3\n")
    lines = _lines([("A", c, r, p) for c, r, p in rows])
    assert adjustment_lines(lines, units, rules, LATEST)["rule_id"].to_list() == adjusted
    if not adjusted:  # semantics version 3 compared the raw sums
        old = adjustment_lines(lines, units, rules, Semantics.of(3))
        assert old.height == 1
