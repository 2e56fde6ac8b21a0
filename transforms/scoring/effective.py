"""Effective reports (docs/scoring.md, "As of a date"): which submission counts for each task-month at as-of.

Only submissions with submitted_on <= as_of are known (known.py). Among the known submissions for a
(task_id, month), the effective one has the latest submitted_on; ties go to the later `file`
(string order), then the larger row_number. The stored `is_effective` flag is ignored: it was
computed over every loaded submission, not over those known at as-of.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import QUANTITY


def known_reports(reports: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """Submissions (known at as-of: known.py) for months 1-12 of tasks of the plan (unit_id and
    metric taken from the plan)."""
    plan = tasks.select("task_id", "unit_id", "metric", "target")
    return (
        reports.filter(pl.col("month").is_between(1, 12))
        .drop("unit_id")
        .join(plan, on="task_id", how="inner")
    )


def progress_expr() -> pl.Expr:
    """progress(m): the report's progress; for a 数量 task without progress, 100*actual/target."""
    derived = pl.min_horizontal(pl.lit(100.0), 100.0 * pl.col("actual") / pl.col("target"))
    return (
        pl.when(pl.col("progress").is_not_null())
        .then(pl.col("progress"))
        .when(pl.col("metric") == QUANTITY)
        .then(derived)
        .otherwise(pl.lit(None, pl.Float64))
    )


def effective_flag() -> pl.Expr:
    """True for the effective submission of its (task_id, month): the latest submitted_on, ties
    going to the later file in name order, then the later row. Also sets core.reports.is_effective.
    """
    order = pl.struct("submitted_on", "file", "row_number")
    return (order.rank("ordinal", descending=True).over("task_id", "month") == 1).alias(
        "is_effective"
    )


def effective_reports(known: pl.DataFrame) -> pl.DataFrame:
    """One row per (task_id, month) with a known submission.

    Columns: task_id, unit_id, month, progress (the report's own), actual, value (progress(m)
    as in 6.1), submitted_on (of the effective report), first_submitted_on (earliest known).
    """
    first = known.group_by("task_id", "month").agg(
        pl.col("submitted_on").min().alias("first_submitted_on")
    )
    return (
        known.filter(effective_flag())
        .join(first, on=["task_id", "month"], how="left")
        .select(
            "task_id",
            "unit_id",
            pl.col("month").cast(pl.Int32),
            "progress",
            "actual",
            progress_expr().alias("value"),
            "submitted_on",
            "first_submitted_on",
        )
        .sort("task_id", "month")
    )


def task_report_summary(
    tasks: pl.DataFrame, effective: pl.DataFrame, last_month: int
) -> pl.DataFrame:
    """Per task of the plan: the first month whose effective progress(m) >= 100 (any known month),
    and the effective report of the latest month <= M (last_report_month, last_progress,
    last_actual; null when there is none)."""
    first_complete = (
        effective.filter(pl.col("value") >= 100)
        .group_by("task_id")
        .agg(pl.col("month").min().alias("first_complete_month"))
    )
    last = (
        effective.filter(pl.col("month") <= last_month)
        .sort("task_id", "month")
        .unique(subset=["task_id"], keep="last", maintain_order=True)
        .select(
            "task_id",
            pl.col("month").alias("last_report_month"),
            pl.col("progress").alias("last_progress"),
            pl.col("actual").alias("last_actual"),
        )
    )
    return (
        tasks.select("task_id")
        .join(first_complete, on="task_id", how="left")
        .join(last, on="task_id", how="left")
        .sort("task_id")
    )
