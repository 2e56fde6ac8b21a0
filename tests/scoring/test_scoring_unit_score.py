"""docs/scoring.md 6.7: totals, rank tie-breaks, the excellent quota and its veto."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from schemas.rules import parse_rules
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
    units = pl.DataFrame({"unit_id": ["A", "B", "C"], "unit_name": ["a", "b", "c"]})
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
    adjustments = adjustment_lines(lines, units, parse_rules(None))
    assert adjustments.select("unit_id", "component", "rule_id", "points").rows() == [
        ("A", "bonus", "bonus_cap", -1.0),  # 6 → 5
        ("A", "penalty", "floor_zero", 5.0),  # 10 + 5 - 20 = -5
        ("A", "penalty", "penalty_cap", 4.0),  # -24 → -20
        ("C", "penalty", "floor_zero", pytest.approx(0.5)),  # 1.5 - 2
    ]
