"""The monthly red-yellow-green status of every task-month start_month..M (docs/scoring.md, 6.1)."""

from __future__ import annotations

import polars as pl

from schemas.codes import BEHIND, COMPLETED, GREEN, MISSING, ON_TRACK, OVERDUE, RED
from transforms.assessment import Assessment

from .months import due_date_expr, light_expr, planned_expr


def task_months(
    ctx: Assessment,
    *,
    tasks: pl.DataFrame,
    effective: pl.DataFrame,
    summary: pl.DataFrame,
) -> pl.DataFrame:
    """Every assessed task-month with its status (the mart's columns, plus working columns:
    has_report, completed_earlier, first_submitted_on, due_date, due_month, start_month)."""
    light = light_expr(pl.col("gap"), ctx.rules.light, ctx.semantics)
    return (
        assessed_months(ctx, tasks, effective, summary)
        .with_columns(status_expr(light).alias("status"), reason_expr(light).alias("reason"))
        .with_columns(late_expr().alias("late"))
        .select(pl.lit(ctx.year).alias("year"), *COLUMNS)
    )


COLUMNS = (
    *("task_id", "unit_id", "month", "planned", "progress", "gap", "status", "reason", "late"),
    *("has_report", "completed_earlier", "first_submitted_on", "due_date"),
    *("start_month", "due_month"),
)


def assessed_months(
    ctx: Assessment, tasks: pl.DataFrame, effective: pl.DataFrame, summary: pl.DataFrame
) -> pl.DataFrame:
    """One row per task and month start_month..M with its effective report (if any), planned
    progress, gap and due date."""
    months = pl.int_ranges("start_month", ctx.last_month + 1)
    due_day = ctx.rules.reports.due_day
    return (
        tasks.select("task_id", "unit_id", "start_month", "due_month")
        .with_columns(months.alias("month"))
        .explode("month")
        .filter(pl.col("month").is_not_null())
        .join(summary.select("task_id", "first_complete_month"), on="task_id")  # every task
        .join(
            effective.select("task_id", "month", "value", "first_submitted_on"),
            on=["task_id", "month"],
            how="left",
        )
        .with_columns(
            pl.col("first_submitted_on").is_not_null().alias("has_report"),
            pl.col("first_complete_month")
            .lt(pl.col("month"))
            .fill_null(False)
            .alias("completed_earlier"),
            planned_expr(pl.col("month"), pl.col("start_month"), pl.col("due_month")).alias(
                "planned"
            ),
            due_date_expr(ctx.year, pl.col("month"), due_day).alias("due_date"),
        )
        .with_columns(
            pl.col("value").alias("progress"),
            (pl.col("planned") - pl.col("value")).alias("gap"),
        )
    )


# First match wins, in the order of the rules. A report without any value (it cannot pass
# validation) has a null gap and falls through to red, behind.
def status_expr(light: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("completed_earlier"))
        .then(pl.lit(GREEN))
        .when(~pl.col("has_report"))
        .then(pl.lit(RED))
        .when(pl.col("progress") >= 100)
        .then(pl.lit(GREEN))
        .when(pl.col("month") > pl.col("due_month"))
        .then(pl.lit(RED))
        .otherwise(light)
    )


def reason_expr(light: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("completed_earlier"))
        .then(pl.lit(COMPLETED))
        .when(~pl.col("has_report"))
        .then(pl.lit(MISSING))
        .when(pl.col("progress") >= 100)
        .then(pl.lit(COMPLETED))
        .when(pl.col("month") > pl.col("due_month"))
        .then(pl.lit(OVERDUE))
        .when(light == GREEN)
        .then(pl.lit(ON_TRACK))
        .otherwise(pl.lit(BEHIND))
    )


def late_expr() -> pl.Expr:
    """First submitted after its due day; a month already completed earlier is never late."""
    late = (
        pl.col("has_report")
        & ~pl.col("completed_earlier")
        & (pl.col("first_submitted_on") > pl.col("due_date"))
    )
    return late  # never null: a month without a report has has_report false
