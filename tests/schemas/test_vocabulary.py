"""The rule table (schemas/codes.RULES) holds rules, parameters and labels together: every rule
the scoring writes is in it, with a label, a component, a rules.toml parameter that exists,
documented in docs/scoring.md; and the rules' tables cannot be changed in place."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from schemas.codes import COMPONENT_TEXT, COMPONENTS, RULE_TEXT, RULES, VETO_RULES
from schemas.rules import DEFAULT_RULES, Rules, parse_rules
from schemas.tables import SCORE_LINE_ITEM

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


def test_every_rule_has_a_label_a_component_and_a_parameter_that_exists():
    assert len({r.rule_id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.label and RULE_TEXT[rule.rule_id] == rule.label
        assert rule.component is None or rule.component in COMPONENTS
        if rule.parameter is not None:
            section, name = rule.parameter.split(".")
            assert name in type(getattr(DEFAULT_RULES, section)).model_fields, rule.parameter
    assert set(COMPONENT_TEXT) == set(COMPONENTS)


def test_the_veto_is_declared_on_the_rules_that_bar_excellent():
    assert VETO_RULES == ("overspent", "voucher_conflict")


@pytest.mark.parametrize("as_of", ["2022-01-31", "2021-07-20"])
def test_every_rule_the_demo_scores_is_in_the_table(as_of):
    lines = pl.read_csv(GOLDEN / f"{as_of}.score_line_item.csv")
    assert set(lines["rule_id"]) <= set(RULE_TEXT)
    components = lines.select("rule_id", "component").unique().iter_rows()
    by_rule = {r.rule_id: r.component for r in RULES}
    assert all(by_rule[rule] in (None, component) for rule, component in components)


def test_every_rule_is_documented_and_named_in_the_column_comment():
    scoring = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    comment = next(c.comment for c in SCORE_LINE_ITEM.columns if c.name == "rule_id")
    for rule in RULES:
        assert f"`{rule.rule_id}`" in scoring, rule.rule_id
        assert f"{rule.rule_id} {rule.label}" in comment


def test_answer_scores_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        DEFAULT_RULES.survey.answer_scores["满意"] = 0
    assert parse_rules(None).survey.answer_scores["满意"] == 80
    again = Rules.model_validate_json(DEFAULT_RULES.model_dump_json())
    assert again == DEFAULT_RULES
    with pytest.raises(TypeError):
        again.survey.answer_scores.update({"满意": 0})
