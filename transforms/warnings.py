"""The early-warning list (预警清单, issue 5): pure polars, no I/O.

Each task is judged by its status at its latest assessed month in a run. The list holds every
task that is red or yellow now, plus the tasks that were red or yellow in the previously
published run of the year and are green now (`recovered`).
"""

from __future__ import annotations

import polars as pl

from schemas.tables import WARNING_LIST

# Sort order of the list: red first, then yellow, then recovered (green).
_STATUS_ORDER = {"red": 0, "yellow": 1, "green": 2}
_WARN = ["red", "yellow"]


def latest_status(status: pl.DataFrame) -> pl.DataFrame:
    """One row per (year, task): the task_month_status row of the task's latest assessed month."""
    return status.filter(pl.col("month") == pl.col("month").max().over("year", "task_id")).unique(
        ["year", "task_id"], keep="last", maintain_order=True
    )


def _change(has_previous: bool) -> pl.Expr:
    now, before = pl.col("status"), pl.col("previous_status")
    if not has_previous:
        return pl.lit("new", pl.String)
    return (
        pl.when((now == "red") & (before == "red"))
        .then(pl.lit("still_red"))
        .when((now == "red") & (before == "yellow"))
        .then(pl.lit("yellow_to_red"))
        .when(now == "red")
        .then(pl.lit("newly_red"))
        .when((now == "yellow") & (before == "yellow"))
        .then(pl.lit("still_yellow"))
        .when((now == "yellow") & (before == "red"))
        .then(pl.lit("red_to_yellow"))
        .when(now == "yellow")
        .then(pl.lit("newly_yellow"))
        .otherwise(pl.lit("recovered"))
    )


def warning_list(
    current: pl.DataFrame, previous: pl.DataFrame | None, tasks: pl.DataFrame, run_id: str
) -> pl.DataFrame:
    """The warning list of a run (columns of mart.warning_list), red, yellow, recovered first.

    `current` and `previous` are task_month_status frames of this run and of the previously
    published run of the same year (None for the year's first run: every change is `new`).
    """
    now = latest_status(current).select("year", "task_id", "unit_id", "month", "status", "reason")
    if previous is None:
        before = pl.DataFrame(
            schema={"year": pl.Int32(), "task_id": pl.String(), "previous_status": pl.String()}
        )
    else:
        before = latest_status(previous).select(
            pl.col("year").cast(pl.Int32), "task_id", pl.col("status").alias("previous_status")
        )
    names = tasks.select(pl.col("year").cast(pl.Int32), "task_id", "task_name")
    listed = (
        now.with_columns(pl.col("year").cast(pl.Int32))
        .join(before, on=["year", "task_id"], how="left")
        .filter(pl.col("status").is_in(_WARN) | pl.col("previous_status").is_in(_WARN))
        .join(names, on=["year", "task_id"], how="left")
        .with_columns(
            _change(previous is not None).alias("change"), pl.lit(run_id, pl.String).alias("run_id")
        )
    )
    order = pl.col("status").replace_strict(_STATUS_ORDER, default=3, return_dtype=pl.Int8)
    return listed.sort(order, "unit_id", "task_id", nulls_last=True).select(
        pl.col(c.name).cast(c.dtype) for c in WARNING_LIST.columns
    )
