"""Work results (工作实绩), one `task_completion` line per task (docs/scoring.md, 6.2)."""

from __future__ import annotations

import polars as pl

from schemas.codes import QUANTITY, WORK
from schemas.rules import Rules

from .lines import make_lines, num_text, pct_text


def completion_expr() -> pl.Expr:
    """min(1, last / target) from the task's last effective report (month <= M); 0 without one.

    进度: last = progress (target 100). 数量: last = actual; a 数量 report with no actual but a
    progress (it cannot pass validation) counts as progress / 100.
    """
    quantity = (
        pl.when(pl.col("last_actual").is_not_null())
        .then(pl.col("last_actual") / pl.col("target"))
        .otherwise(pl.col("last_progress") / 100.0)
    )
    raw = (
        pl.when(pl.col("metric") == QUANTITY)
        .then(quantity)
        .otherwise(pl.col("last_progress") / 100.0)
    )
    return raw.fill_null(0.0).clip(0.0, 1.0)


def task_completion(tasks: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """Per task: unit_id, weight, completion (0-1) and the unit's total weight."""
    return (
        tasks.select("task_id", "unit_id", "metric", "target", "weight")
        .join(summary, on="task_id", how="left")
        .sort("unit_id", "task_id")
        .with_columns(
            completion_expr().alias("completion"),
            pl.col("weight").sum().over("unit_id").alias("unit_weight"),
        )
    )


def work_lines(completion: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    w = rules.weights.work
    return make_lines(
        completion,
        component=WORK,
        rule_id="task_completion",
        points=w * pl.col("weight") * pl.col("completion") / pl.col("unit_weight"),
        task_id=pl.col("task_id"),
        detail=pl.format(
            "任务{} 完成度 {}，权重 {}",
            pl.col("task_id"),
            pct_text(pl.col("completion")),
            num_text(pl.col("weight"), 4),
        ),
    )
