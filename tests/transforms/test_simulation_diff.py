"""transforms/simulate.py: units and line items before and after a draft, as rows and sentences."""

from decimal import Decimal

import polars as pl

from schemas.rules import parse_rules
from transforms.simulate import line_changes, parameter_changes, simulate, summary_line

D = Decimal


def scores(rows):
    return pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.String,
            "unit_name": pl.String,
            "total": pl.Decimal(8, 2),
            "rank": pl.Int32,
            "grade": pl.String,
        },
        orient="row",
    )


def lines(rows):
    return pl.DataFrame(
        rows,
        schema={"unit_id": pl.String, "component": pl.String, "rule_id": pl.String, "points": pl.Float64,
                "task_id": pl.String, "month": pl.Int32, "ref": pl.String},
        orient="row",
    )  # fmt: skip


BEFORE = {
    "unit_score": scores([("U1", "县民政局", D("91.00"), 1, "优秀"), ("U2", "县妇联", D("80.00"), 2, None)]),
    "score_line_item": lines([
        ("U1", "penalty", "red_month", -0.5, "T1", 3, None),
        ("U2", "bonus", "honor_city", 1.0, None, None, "遂委〔2021〕3号"),
    ]),
}  # fmt: skip
AFTER = {
    "unit_score": scores([("U1", "县民政局", D("79.50"), 2, "良好"), ("U2", "县妇联", D("80.00"), 1, None)]),
    "score_line_item": lines([
        ("U1", "penalty", "red_month", -1.0, "T1", 3, None),
        ("U1", "penalty", "late_report", -0.2, "T1", 3, None),
        ("U2", "bonus", "honor_city", 1.0, None, None, "遂委〔2021〕3号"),
    ]),
}  # fmt: skip


def test_units_before_and_after_with_their_sentences():
    sim = simulate(BEFORE, AFTER, parse_rules(None), parse_rules("[penalty]\nred_month = 1.0\n"))
    assert sim.units.select("unit_id", "rank_move", "moved", "sentence").rows() == [
        ("U2", -1, True, "县妇联：排名 2 → 1"),
        ("U1", 1, True, "县民政局：总分 91.00 → 79.50，排名 1 → 2，等次 优秀 → 良好"),
    ]
    assert (
        summary_line(sim)
        == "2 个单位中 1 个总分变化、1 个等次变化，排名变动最大：县民政局 1 → 2、县妇联 2 → 1"
    )


def test_moved_and_new_lines_only_each_as_one_sentence():
    names = BEFORE["unit_score"].select("unit_id", "unit_name")
    moved = line_changes(BEFORE["score_line_item"], AFTER["score_line_item"], names)
    assert moved.select("rule_id", "points", "points_after", "sentence").rows() == [
        ("red_month", -0.5, -1.0, "县民政局 扣分·红灯月（T1，3月）：−0.5 → −1.0 分（−0.5）"),
        ("late_report", None, -0.2, "县民政局 扣分·迟报（T1，3月）：无此项 → −0.2 分（−0.2）"),
    ]


def test_parameters_the_draft_changes():
    draft = parse_rules("[weights]\nwork = 70\nsatisfaction = 30\n", "d.toml", parse_rules(None))
    assert parameter_changes(parse_rules(None), draft).rows() == [
        ("weights.satisfaction", "20", "30"),
        ("weights.work", "80", "70"),
    ]
    assert parameter_changes(draft, draft).height == 0
