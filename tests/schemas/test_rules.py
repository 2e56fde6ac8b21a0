"""The rules model: defaults, overrides, and a Chinese one-line refusal for every bad value."""

from __future__ import annotations

import pytest

from schemas.rules import DEFAULT_RULES, RulesError, parse_rules
from tests.plan_fixture import PLAN_FILES, YEAR
from transforms.plan import PlanError, build_plan


def test_defaults_and_a_partial_override():
    rules = parse_rules("[weights]\nwork = 70\n[survey]\nitems = [2, 3]\n[grade]\npass = 55\n")
    assert rules.weights.work == 70 and rules.weights.satisfaction == 20
    assert rules.survey.items == (2, 3)
    assert rules.grade.pass_ == 55 and rules.grade.excellent == 90
    assert parse_rules(None) == parse_rules("") == DEFAULT_RULES
    assert DEFAULT_RULES.penalty.red_month == 0.5 and DEFAULT_RULES.bonus.all_green == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[weights]\nwork = nan\n",
            "rules.toml：weights.work = nan 无效：必须是有限的数（不能是 nan 或 inf）",
        ),
        ("[weights]\nwork = inf\n", "weights.work = inf 无效：必须是有限的数"),
        ("[weights]\nwork = -inf\n", "weights.work = -inf 无效：必须是有限的数"),
        ("[weights]\nwork = 10000000\n", "weights.work = 10000000 无效：不能大于 100"),
        ("[penalty]\nred_month = -1\n", "penalty.red_month = -1 无效：不能小于 0"),
        ("[penalty]\nmin_execution = 80\n", "penalty.min_execution = 80 无效：不能大于 1"),
        ("[bonus]\ncap = 'five'\n", "bonus.cap = 'five' 无效：必须是数"),
        ("[bonus]\ncap = true\n", "bonus.cap = True 无效：必须是数"),
        ("[reports]\ndue_day = 5.5\n", "reports.due_day = 5.5 无效：必须是整数"),
        ("[reports]\ndue_day = 31\n", "reports.due_day = 31 无效：不能大于 28"),
        ("[bonus]\ncapp = 3\n", "rules.toml：bonus.capp 是未知参数"),
        ("[bonuses]\ncap = 3\n", "rules.toml：bonuses 是未知参数"),
        ("weights = 3\n", "weights = 3 无效：必须是表"),
        ("[survey]\nitems = [2, 'x']\n", "survey.items = 'x' 无效：必须是整数"),
        ("[survey]\nitems = [2, 2]\n", "survey.items 中的题号重复"),
        ("[light]\nyellow_gap = 40\n", "light.yellow_gap 不能大于 light.red_gap"),
        ("[grade]\ngood = 95\n", "pass <= good <= excellent"),
        ("[survey]\nsatisfied = ['还行']\n", "survey.satisfied 中的 还行 不在 survey.options 中"),
        ("[weights\nwork = 1\n", "rules.toml：不是有效的 TOML"),
    ],
)
def test_a_bad_value_is_refused_in_one_chinese_line(text, message):
    with pytest.raises(RulesError) as caught:
        parse_rules(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def _plan_with_rules(data: bytes):
    files = [(n, d) for n, d in PLAN_FILES if n != "plan/rules.toml"]
    return build_plan(YEAR, [*files, ("plan/rules.toml", data)])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_rules_toml_in_the_encodings_notepad_writes(encoding):
    text = '# 年度考核规则\n[survey]\nitems = [2, 3]\noptions = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]\n'
    assert _plan_with_rules(text.encode(encoding)).rules.survey.items == (2, 3)


def test_rules_toml_in_an_unknown_encoding_fails_the_plan():
    with pytest.raises(PlanError, match="rules.toml：编码无法识别"):
        _plan_with_rules("[weights]\nwork = 80\n".encode("utf-16"))
