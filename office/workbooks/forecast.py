"""预计逾期: the tasks green or yellow today that their own pace will not finish by their due
month (mart.task_forecast, transforms/forecast.py), as the office's warning list and each unit's
findings show them."""

from __future__ import annotations

import polars as pl

from office.labels import STATUS_TEXT, label
from office.workbooks.sheets import Column

FORECAST_SHEET = "预计逾期"
TASK_COLUMNS = [
    Column("任务编号", "task_id"),
    Column("任务内容", "task_name"),
    Column("今天", "status_text", "mark"),
    Column("完成月份", "due_month", "int"),
    Column("最近进度", "last_progress", "int"),
    Column("每月进度", "pace", "score"),
    Column("预计到完成月份", "projected", "int"),
    Column("按期完成每月还需", "needed_pace", "score"),
    Column("按当前进度完成于（月）", "finish_month", "int"),
]
UNIT_COLUMNS = [Column("单位编码", "unit_id"), Column("单位名称", "unit_name"), *TASK_COLUMNS]
OFFICE_NOTE = (
    "今天是绿灯或黄灯、但按自身进度推算到完成月份仍不足100%的任务（预计逾期），宜提前督办。"
    "每月进度 = 最近进度 ÷ 已过月数；预计到完成月份 = 最近进度 + 每月进度 × 剩余月数"
)
UNIT_NOTE = (
    "{name}（{id}）：以下任务今天是绿灯或黄灯，但按目前的进度到完成月份仍完不成（预计逾期）；"
    "请按“按期完成每月还需”的进度推进。{edition}"
)


def flagged_frame(forecast: pl.DataFrame | None, units: pl.DataFrame) -> pl.DataFrame:
    """The flagged tasks, most behind first, with the unit's name and today's light in words."""
    if forecast is None:
        return pl.DataFrame(schema={c.source: pl.String for c in UNIT_COLUMNS})
    names = units.select("unit_id", "unit_name").unique("unit_id", keep="first")
    return (
        forecast.filter(pl.col("flagged"))
        .join(names, on="unit_id", how="left")
        .with_columns(label("status", STATUS_TEXT).alias("status_text"))
        .sort("projected", "unit_id", "task_id")
    )
