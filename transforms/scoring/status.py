"""SPEC 6.1: the monthly red-yellow-green status of every task-month start_month..M."""

from __future__ import annotations

import polars as pl

from .months import due_date_expr, light_expr, planned_expr

COMPLETED, MISSING, OVERDUE = "completed", "missing", "overdue"
ON_TRACK, BEHIND = "on_track", "behind"


def task_months(
    *,
    year: int,
    last_month: int,
    rules: dict,
    tasks: pl.DataFrame,
    effective: pl.DataFrame,
    summary: pl.DataFrame,
) -> pl.DataFrame:
    """Every assessed task-month with its status (the mart's columns, plus working columns:
    has_report, completed_earlier, first_submitted_on, due_date, due_month, start_month)."""
    frame = (
        tasks.select("task_id", "unit_id", "start_month", "due_month")
        .with_columns(
            pl.int_ranges(
                pl.col("start_month").cast(pl.Int32),
                pl.lit(last_month + 1, pl.Int32),
                dtype=pl.Int32,
            ).alias("month")
        )
        .explode("month")
        .filter(pl.col("month").is_not_null())
        .join(summary.select("task_id", "first_complete_month"), on="task_id", how="left")
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
            due_date_expr(year, pl.col("month"), rules["reports"]["due_day"]).alias("due_date"),
        )
        .with_columns(
            pl.col("value").alias("progress"),
            (pl.col("planned") - pl.col("value")).alias("gap"),
        )
    )
    # First match wins, in the order of SPEC 6.1. A report without any value (it cannot pass
    # validation) has a null gap and falls through to red, behind.
    light = light_expr(pl.col("gap"), rules)
    status = (
        pl.when(pl.col("completed_earlier"))
        .then(pl.lit("green"))
        .when(~pl.col("has_report"))
        .then(pl.lit("red"))
        .when(pl.col("progress") >= 100)
        .then(pl.lit("green"))
        .when(pl.col("month") > pl.col("due_month"))
        .then(pl.lit("red"))
        .otherwise(light)
    )
    reason = (
        pl.when(pl.col("completed_earlier"))
        .then(pl.lit(COMPLETED))
        .when(~pl.col("has_report"))
        .then(pl.lit(MISSING))
        .when(pl.col("progress") >= 100)
        .then(pl.lit(COMPLETED))
        .when(pl.col("month") > pl.col("due_month"))
        .then(pl.lit(OVERDUE))
        .when(light == "green")
        .then(pl.lit(ON_TRACK))
        .otherwise(pl.lit(BEHIND))
    )
    return (
        frame.with_columns(status.alias("status"), reason.alias("reason"))
        .with_columns(
            (
                pl.col("has_report")
                & ~pl.col("completed_earlier")
                & (pl.col("first_submitted_on") > pl.col("due_date"))
            )
            .fill_null(False)
            .alias("late")
        )
        .select(
            pl.lit(year, pl.Int32).alias("year"),
            "task_id",
            "unit_id",
            "month",
            "planned",
            "progress",
            "gap",
            "status",
            "reason",
            "late",
            "has_report",
            "completed_earlier",
            "first_submitted_on",
            "due_date",
            "start_month",
            "due_month",
        )
        .sort("task_id", "month")
    )
