"""The year's plan (docs/inputs.md, "The plan"): units, communities, tasks. Any failure here
fails the run."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.codes import CATEGORIES, METRICS, PILOT_TYPES, PROGRESS, UNIT_TYPES, one_of
from schemas.fields import Field, SourceSpec, isin, optional, required, row_check

UNIT_FIELDS = (
    Field("unit_id", "单位编码", "id"),
    Field("unit_name", "单位名称"),
    Field("unit_type", "单位类型"),
    Field("communities", "联系社区", "text", required_column=False),
)
COMMUNITY_FIELDS = (
    Field("community_id", "社区编码", "id"),
    Field("community_name", "社区名称"),
    Field("town", "所属镇街"),
    Field("pilot_type", "试点类型"),
)
TASK_FIELDS = (
    Field("task_id", "任务编号", "id"),
    Field("unit_id", "责任单位编码", "id", aliases=("单位编码",)),
    Field("task_name", "任务内容", aliases=("任务名称",)),
    Field("category", "任务类别"),
    Field("metric", "指标类型"),
    Field("target", "目标值", "number"),
    Field("weight", "权重", "number"),
    Field("start_month", "开始月份", "month"),
    Field("due_month", "完成月份", "month"),
    Field("budget", "预算资金(元)", "money", required_column=False, aliases=("预算资金",)),
)

# The plan's three tables, read in this order (tasks are checked against units); the file stem
# is the English or the Chinese name (units.csv or 责任单位.xlsx).
UNITS = SourceSpec("units", UNIT_FIELDS, label="责任单位", tables=("units",))
COMMUNITIES = SourceSpec("communities", COMMUNITY_FIELDS, label="试点社区", tables=("communities",))
TASKS = SourceSpec("tasks", TASK_FIELDS, label="目标任务", tables=("tasks",))
PLAN_TABLES = (UNITS, COMMUNITIES, TASKS)
PLAN_FILES = {stem: t.source for t in PLAN_TABLES for stem in (t.source, t.label)}

units_schema = pa.DataFrameSchema(
    {
        "unit_id": required(UNIT_FIELDS[0], unique=True),
        "unit_name": required(UNIT_FIELDS[1], unique=True),
        "unit_type": required(UNIT_FIELDS[2], checks=isin(UNIT_TYPES, one_of(UNIT_TYPES))),
        "communities": optional(UNIT_FIELDS[3]),
    },
    strict=False,
)

communities_schema = pa.DataFrameSchema(
    {
        "community_id": required(COMMUNITY_FIELDS[0], unique=True),
        "community_name": required(COMMUNITY_FIELDS[1], unique=True),
        "town": required(COMMUNITY_FIELDS[2]),
        "pilot_type": required(COMMUNITY_FIELDS[3], checks=isin(PILOT_TYPES, one_of(PILOT_TYPES))),
    },
    strict=False,
)


def tasks_schema(unit_ids: list[str]) -> pa.DataFrameSchema:
    f = {x.name: x for x in TASK_FIELDS}
    return pa.DataFrameSchema(
        {
            "task_id": required(f["task_id"], unique=True),
            "unit_id": required(f["unit_id"], checks=isin(unit_ids, "不是责任单位表中的单位")),
            "task_name": required(f["task_name"]),
            "category": required(f["category"], checks=isin(CATEGORIES, one_of(CATEGORIES))),
            "metric": required(f["metric"], checks=isin(METRICS, one_of(METRICS))),
            "target": required(
                f["target"],
                checks=[
                    pa.Check.gt(0, error="目标值必须大于0"),
                    row_check(
                        (pl.col("metric") != PROGRESS) | (pl.col("target") == 100),
                        "进度类任务的目标值应为100",
                    ),
                ],
            ),
            "weight": required(f["weight"], checks=pa.Check.gt(0, error="权重必须大于0")),
            "start_month": required(f["start_month"]),
            "due_month": required(
                f["due_month"],
                checks=row_check(
                    pl.col("due_month") >= pl.col("start_month"), "完成月份不能早于开始月份"
                ),
            ),
            "budget": optional(f["budget"], checks=pa.Check.ge(0, error="预算资金不能为负")),
        },
        strict=False,
    )
