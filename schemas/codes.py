"""The domain vocabulary, defined once: every code the inputs, the marts and the office files use.

Schemas validate against these, transforms and scoring compute with them, office/ labels them.
Codes written by people (the plan's and ledgers' Chinese words) are kept as written; codes the
pipeline writes (statuses, reasons, components, rule ids) are short English words that analysts
filter on, with their Chinese labels in office/labels.py. docs/scoring.md explains each.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


def one_of(values: tuple[str, ...] | list[str]) -> str:
    """ "应为 a、b 或 c": a validation message naming the allowed values."""
    shown = list(values)
    return "应为 " + (shown[0] if len(shown) == 1 else "、".join(shown[:-1]) + " 或 " + shown[-1])


def listed(labels: dict[str, str]) -> str:
    """ "green 绿灯、yellow 黄灯、red 红灯": codes with their labels, for COMMENTs."""
    return "、".join(f"{code} {text}" for code, text in labels.items())


# ---------------------------------------------------------------- the plan (docs/inputs.md)
UNIT_TYPES = ("部门", "镇街")
PILOT_TYPES = ("便民服务型", "社会组织参与型", "社会服务项目化")
CATEGORIES = ("硬件改造", "软件提升", "服务亮点", "场景呈现")
PROGRESS, QUANTITY = "进度", "数量"  # metric kinds: progress (target 100) or a count/amount
METRICS = (PROGRESS, QUANTITY)
ALL_COMMUNITIES = "全部"  # 联系社区: every pilot community

# ---------------------------------------------------------------- funding ledgers
ALLOCATION, EXPENDITURE, REFUND = "下达", "支出", "退回"
LEDGER_KINDS = (ALLOCATION, EXPENDITURE, REFUND)

# ---------------------------------------------------------------- commendations
# level → (rank: the higher level wins for one document, bonus rule_id)
HONOR_LEVELS = {
    "国家级": (3, "honor_national"),
    "省级": (2, "honor_provincial"),
    "市级": (1, "honor_city"),
}

# ---------------------------------------------------------------- surveys
OPTIONS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")  # default option order
SATISFIED = ("非常满意", "满意", "基本满意")  # counted in the satisfaction rate
ANSWER_SCORES = {"非常满意": 100, "满意": 80, "基本满意": 60, "不满意": 30, "非常不满意": 0}
SKIPPED_TEXT = ("(跳过)", "（跳过）", "跳过")  # a skipped question, answers by text
SKIPPED_NUMBERS = (-2, -3)  # 跳过 / 未显示, answers by option number

# ---------------------------------------------------------------- monthly status (红黄绿)
GREEN, YELLOW, RED = "green", "yellow", "red"
STATUS = pl.Enum([GREEN, YELLOW, RED])
STATUS_TEXT = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}
COMPLETED, MISSING, OVERDUE, ON_TRACK, BEHIND = (
    "completed",
    "missing",
    "overdue",
    "on_track",
    "behind",
)
REASON_TEXT = {
    COMPLETED: "已完成",
    MISSING: "未报送",
    OVERDUE: "逾期未完成",
    ON_TRACK: "按计划",
    BEHIND: "进度滞后",
}

# ---------------------------------------------------------------- month over month (预警清单)
NEWLY_RED, NEWLY_YELLOW, STILL_RED, STILL_YELLOW = (
    "newly_red",
    "newly_yellow",
    "still_red",
    "still_yellow",
)
RED_TO_YELLOW, YELLOW_TO_RED, RECOVERED = "red_to_yellow", "yellow_to_red", "recovered"
CHANGE_TEXT = {
    NEWLY_RED: "新增红灯",
    NEWLY_YELLOW: "新增黄灯",
    STILL_RED: "持续红灯",
    STILL_YELLOW: "持续黄灯",
    RED_TO_YELLOW: "红转黄",
    YELLOW_TO_RED: "黄转红",
    RECOVERED: "已恢复",
    "new": "首次",  # written by runs before the list compared month over month
}
UP, DOWN, SAME = "up", "down", "same"  # a unit's rank against last month's publication

# ---------------------------------------------------------------- score line items
WORK, SATISFACTION, BONUS, PENALTY = "work", "satisfaction", "bonus", "penalty"
COMPONENTS = (WORK, SATISFACTION, BONUS, PENALTY)

# ---------------------------------------------------------------- grades (等次)
EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
GRADES = (EXCELLENT, GOOD, PASS, FAIL)

# Chinese labels of the score components
COMPONENT_TEXT = {
    "work": "工作实绩",
    "satisfaction": "群众满意度",
    "bonus": "加分",
    "penalty": "扣分",
}
COMPONENT_ORDER = {"work": 0, "satisfaction": 1, "bonus": 2, "penalty": 3}


@dataclass(frozen=True)
class Rule:
    """A rule_id of mart.score_line_item: its component, label, the rules.toml parameter that
    sets its points (None: computed, e.g. the adjustments), and whether it vetoes 优秀."""

    rule_id: str
    component: str | None  # None: the component of the line it acts on (decisions)
    label: str
    parameter: str | None
    veto: bool = False


RULES = (
    Rule("task_completion", WORK, "任务完成度", "weights.work"),
    Rule("community_satisfaction", SATISFACTION, "社区满意度", "weights.satisfaction"),
    Rule("county_satisfaction", SATISFACTION, "全县满意度", "weights.satisfaction"),
    Rule("honor_national", BONUS, "国家级表彰", "bonus.honor_national"),
    Rule("honor_provincial", BONUS, "省级表彰", "bonus.honor_provincial"),
    Rule("honor_city", BONUS, "市级表彰", "bonus.honor_city"),
    Rule("exceeded_target", BONUS, "超额完成目标", "bonus.exceeded_target"),
    Rule("early_completion", BONUS, "提前完成", "bonus.early_completion"),
    Rule("all_green", BONUS, "全部绿灯", "bonus.all_green"),
    Rule("red_month", PENALTY, "红灯月", "penalty.red_month"),
    Rule("missing_report", PENALTY, "未报送月报", "penalty.missing_report"),
    Rule("late_report", PENALTY, "迟报", "penalty.late_report"),
    Rule("overspent", PENALTY, "超支", "penalty.overspent", veto=True),
    Rule("low_execution", PENALTY, "资金执行率低", "penalty.low_execution"),
    Rule("voucher_conflict", PENALTY, "凭证冲突", "penalty.voucher_conflict", veto=True),
    Rule("bonus_cap", BONUS, "加分封顶", "bonus.cap"),
    Rule("penalty_cap", PENALTY, "扣分封顶", "penalty.cap"),
    Rule("floor_zero", PENALTY, "总分不低于0", None),
    # review decisions (复核决定, docs/appeals.md): the line acted on stays, these are added
    Rule("decision_void", None, "复核撤销", None),
    Rule("decision_change", None, "复核改分", None),
    Rule("decision_bonus", BONUS, "复核加分", None),
    Rule("decision_penalty", PENALTY, "复核扣分", None),
)
RULE_TEXT = {r.rule_id: r.label for r in RULES}
VETO_RULES = tuple(r.rule_id for r in RULES if r.veto)  # a unit with such a line is never 优秀
ADJUSTMENTS = ("bonus_cap", "penalty_cap", "floor_zero")
# the lines a unit can appeal and a decision can act on: those a scoring rule gave
CONTESTABLE = tuple(
    r.rule_id
    for r in RULES
    if r.rule_id not in ADJUSTMENTS and not r.rule_id.startswith("decision")
)
RULE_OF_LABEL = {r.label: r.rule_id for r in RULES}  # a rule named as the office files show it

# ---------------------------------------------------------------- appeals and decisions
KEEP, VOID, CHANGE, ADD_BONUS, ADD_PENALTY = "维持", "撤销", "改分", "加分", "扣分"
ACTIONS = (KEEP, VOID, CHANGE, ADD_BONUS, ADD_PENALTY)
PENDING = "待复核"  # an appeal no decision (known at the as-of date) has answered yet
