"""Chinese labels for the codes the marts use (statuses, reasons, changes, components, rules)."""

from __future__ import annotations

import polars as pl

STATUS_MARK = {"red": "红", "yellow": "黄", "green": "绿"}
STATUS_TEXT = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
CHANGE_TEXT = {
    "newly_red": "新增红灯",
    "newly_yellow": "新增黄灯",
    "still_red": "持续红灯",
    "still_yellow": "持续黄灯",
    "red_to_yellow": "红转黄",
    "yellow_to_red": "黄转红",
    "recovered": "已恢复",
    "new": "首次",  # written by runs before the list compared month over month
}
MOVEMENT_TEXT = {"up": "↑", "down": "↓", "same": "—"}
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


def label(column: str, mapping: dict[str, str]) -> pl.Expr:
    """The Chinese label of a code column; unknown codes are kept as they are."""
    return pl.col(column).cast(pl.String).replace(mapping)


SOURCE_TEXT = {
    "units": "责任单位",
    "communities": "试点社区",
    "tasks": "目标任务",
    "reports": "进度月报",
    "honors": "荣誉表彰",
    "funding": "资金台账",
    "surveys": "满意度问卷",
    "plan": "年度计划",
}
