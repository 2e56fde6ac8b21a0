"""Work results (工作实绩), one `task_completion` line per started task (docs/scoring.md, 6.2)."""

from __future__ import annotations

import polars as pl

from schemas.codes import QUANTITY, WORK
from schemas.rules import Rules
from schemas.semantics import WORK_TO_DATE
from transforms.assessment import Assessment

from .lines import make_lines, num_text, pct_text
from .months import planned_expr


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


def task_completion(ctx: Assessment, tasks: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """Per task that counts: unit_id, weight, completion (0-1), expected (0-1), share (0-1) and
    the unit's total weight over the tasks that count.

    Measured against the plan to date (WORK_TO_DATE): only tasks started by M count, and each is
    expected to be planned(M) done, so in July a task due in December that is 60% done while the
    plan says 58% scores in full. In a final run every task counts with expected = 1. Before that
    change every task counted against its whole target, whatever M was.
    """
    frame = tasks.select(
        "task_id", "unit_id", "metric", "target", "weight", "start_month", "due_month"
    ).join(summary, on="task_id")  # the summary has a row for every task
    expected = pl.lit(1.0)
    if ctx.semantics.uses(WORK_TO_DATE):
        frame = frame.filter(pl.col("start_month") <= ctx.last_month)
        month = pl.lit(ctx.last_month)
        expected = planned_expr(month, pl.col("start_month"), pl.col("due_month")) / 100.0
    return (
        # the weights' float sum needs a fixed order, and any fixed order will do
        frame.sort("unit_id", "task_id")  # pragma: no mutate (any fixed order)
        .with_columns(
            completion_expr().alias("completion"),
            expected.alias("expected"),
            pl.lit(ctx.last_month).alias("plan_month"),
        )
        .with_columns(
            pl.min_horizontal(pl.lit(1.0), pl.col("completion") / pl.col("expected")).alias(
                "share"
            ),
            pl.col("weight").sum().over("unit_id").alias("unit_weight"),
        )
    )


def work_lines(completion: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    w = rules.weights.work
    return make_lines(
        completion,
        component=WORK,
        rule_id="task_completion",
        points=w * pl.col("weight") * pl.col("share") / pl.col("unit_weight"),
        task_id=pl.col("task_id"),
        detail=pl.when(pl.col("expected") < 1)
        .then(
            pl.format(
                "任务{} 完成度 {}，截至{}月计划 {}，按 {} 计，权重 {}",
                pl.col("task_id"),
                pct_text(pl.col("completion")),
                pl.col("plan_month"),
                pct_text(pl.col("expected")),
                pct_text(pl.col("share")),
                num_text(pl.col("weight"), 4),
            )
        )
        .otherwise(
            pl.format(
                "任务{} 完成度 {}，权重 {}",
                pl.col("task_id"),
                pct_text(pl.col("completion")),
                num_text(pl.col("weight"), 4),
            )
        ),
    )
