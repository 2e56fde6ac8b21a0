"""The domain vocabulary, defined once: every code the inputs, the marts and the office files use.

Schemas validate against these, transforms and scoring compute with them, office/ labels them.
Codes written by people (the plan's and ledgers' Chinese words) are kept as written; codes the
pipeline writes (statuses, reasons, components, rule ids) are short English words that analysts
filter on, with their Chinese labels in office/labels.py. docs/scoring.md explains each.
"""

from __future__ import annotations

import polars as pl

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

# ---------------------------------------------------------------- score line items
WORK, SATISFACTION, BONUS, PENALTY = "work", "satisfaction", "bonus", "penalty"
COMPONENTS = (WORK, SATISFACTION, BONUS, PENALTY)
VETO_RULES = ("overspent", "voucher_conflict")  # a unit with such a line is never 优秀

# ---------------------------------------------------------------- grades (等次)
EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
GRADES = (EXCELLENT, GOOD, PASS, FAIL)

# Chinese labels of the score components and of every rule_id of mart.score_line_item
COMPONENT_TEXT = {
    "work": "工作实绩",
    "satisfaction": "群众满意度",
    "bonus": "加分",
    "penalty": "扣分",
}
COMPONENT_ORDER = {"work": 0, "satisfaction": 1, "bonus": 2, "penalty": 3}
RULE_TEXT = {
    "task_completion": "任务完成度",
    "community_satisfaction": "社区满意度",
    "county_satisfaction": "全县满意度",
    "honor_national": "国家级表彰",
    "honor_provincial": "省级表彰",
    "honor_city": "市级表彰",
    "exceeded_target": "超额完成目标",
    "early_completion": "提前完成",
    "all_green": "全部绿灯",
    "red_month": "红灯月",
    "missing_report": "未报送月报",
    "late_report": "迟报",
    "overspent": "超支",
    "low_execution": "资金执行率低",
    "voucher_conflict": "凭证冲突",
    "bonus_cap": "加分封顶",
    "penalty_cap": "扣分封顶",
    "floor_zero": "总分不低于0",
}
