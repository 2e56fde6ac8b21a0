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
    """Submissions (known at as-of: known.py) for months 1-12 of tasks of the plan (with the
    task's metric and target)."""
    plan = tasks.select("task_id", "metric", "target")
    # no month past 12 is assessed or used anywhere, so 12 or 13 here is the same
    up_to_12 = pl.col("month") <= 12  # pragma: no mutate (12 or 13: the same)
    return reports.filter(up_to_12 & (pl.col("month") >= 1)).join(plan, on="task_id")


def progress_expr() -> pl.Expr:
    """progress(m): the report's progress; for a 数量 task without progress, 100*actual/target."""
    derived = pl.min_horizontal(pl.lit(100.0), 100.0 * pl.col("actual") / pl.col("target"))
    return (
        pl.when(pl.col("progress").is_not_null())
        .then(pl.col("progress"))
        .when(pl.col("metric") == QUANTITY)
        .then(derived)
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

    Columns: task_id, month, progress (the report's own), actual, value (progress(m) as in 6.1),
    first_submitted_on (the earliest known submission of the task-month).
    """
    first = pl.col("submitted_on").min().over("task_id", "month")
    return (
        known.with_columns(first.alias("first_submitted_on"))
        .filter(effective_flag())
        .select(
            "task_id",
            pl.col("month").cast(pl.Int32),
            "progress",
            "actual",
            progress_expr().alias("value"),
            "first_submitted_on",
        )
    )


def task_report_summary(
    tasks: pl.DataFrame, effective: pl.DataFrame, last_month: int
) -> pl.DataFrame:
    """Per task of the plan: the first month whose effective progress(m) >= 100 (any known month),
    and the effective report of the latest month <= M (last_progress, last_actual; null when
    there is none)."""
    first_complete = (
        effective.filter(pl.col("value") >= 100)
        .group_by("task_id")
        .agg(pl.col("month").min().alias("first_complete_month"))
    )
    assessed = effective.filter(pl.col("month") <= last_month)
    last = assessed.filter(pl.col("month") == pl.col("month").max().over("task_id")).select(
        "task_id",
        pl.col("progress").alias("last_progress"),
        pl.col("actual").alias("last_actual"),
    )
    return (
        tasks.select("task_id")
        .join(first_complete, on="task_id", how="left")
        .join(last, on="task_id", how="left")
    )
