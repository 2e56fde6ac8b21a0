"""A tiny plan as in-memory CSV files: 3 units, 2 communities, 5 tasks (year 2021)."""

from __future__ import annotations

import csv as csvlib
import io

import polars as pl

from transforms.plan import Plan, build_plan

YEAR = 2021


def csv(header: list[str], rows: list[list], encoding: str = "utf-8") -> bytes:
    """CSV bytes as Excel writes them (quoted where needed)."""
    out = io.StringIO()
    writer = csvlib.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    return out.getvalue().encode(encoding)


UNITS = csv(
    ["单位编码", "单位名称", "单位类型", "联系社区"],
    [
        ["U1", "县民政局", "部门", "全部"],
        ["U2", "盐井街道", "镇街", "C1"],
        ["U3", "县妇联", "部门", None],
    ],
)
COMMUNITIES = csv(
    ["社区编码", "社区名称", "所属镇街", "试点类型"],
    [
        ["C1", "水晶城社区", "盐井街道", "便民服务型"],
        ["C2", "玉峰社区", "蓬莱镇", "社会组织参与型"],
    ],
)
TASKS = csv(
    [
        "任务编号",
        "责任单位编码",
        "任务内容",
        "任务类别",
        "指标类型",
        "目标值",
        "权重",
        "开始月份",
        "完成月份",
        "预算资金（元）",
    ],
    [
        ["T1", "U1", "党群服务中心改造", "硬件改造", "进度", 100, 2, 1, 6, "30万"],
        ["T2", "U1", "培育社会组织", "软件提升", "数量", 15, 1, 1, 12, None],
        ["T3", "U2", "红色物业改造", "硬件改造", "进度", 100, 1, 3, 9, "1000000"],
        ["T4", "U3", "关爱留守儿童", "服务亮点", "进度", 100, 1, 1, 12, 0],
        ["T5", "U3", "卓筒之星评选", "场景呈现", "数量", 10, 1, 6, 11, None],
    ],
)

PLAN_FILES = [
    ("plan/units.csv", UNITS),
    ("plan/communities.csv", COMMUNITIES),
    ("plan/tasks.csv", TASKS),
    ("plan/rules.toml", b"[survey]\nitems = [2, 3]\ncommunity_question = 1\n"),
]


def plan() -> Plan:
    return build_plan(YEAR, PLAN_FILES)


def row(frame: pl.DataFrame, **where) -> dict:
    """The one row of `frame` matching `where`."""
    found = frame.filter(**where)
    assert found.height == 1, f"{where}: {found.height} rows"
    return found.row(0, named=True)
