"""The warning list and what changed since last month (预警清单, docs/dashboard.md): pure polars.

The leadership asks every morning which tasks are red or yellow now and what changed since last
month. "Since last month" is month over month *inside the run*: each started task's status at
the run's last assessed month M against its status at M-1, both from the run's own
task_month_status. A comparison with the previously published *run* would show nothing on every
night but the one when the month advances, and a rerun could never show what the original
showed; month over month it is the same on every night of the month and on a rerun.

Two things need a publication of last month (the latest published run whose M was M-1): the
units' rank and total beside last month's (`rank_changes`), and corrections, a status of an
earlier month that now differs from what last month's publication said (`corrections`). They
are listed apart, never mixed with the month's changes.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import (
    DOWN,
    GREEN,
    NEWLY_RED,
    NEWLY_YELLOW,
    RECOVERED,
    RED,
    RED_TO_YELLOW,
    SAME,
    STILL_RED,
    STILL_YELLOW,
    UP,
    YELLOW,
    YELLOW_TO_RED,
)
from schemas.tables import RANK_CHANGE, STATUS_CORRECTION, WARNING_LIST

# Sort order of the list: red first, then yellow, then recovered (green).
_STATUS_ORDER = {RED: 0, YELLOW: 1, GREEN: 2}
_WARN = [RED, YELLOW]
C = pl.col


def _change() -> pl.Expr:
    """The change code of a task from its status at M (`status`) and at M-1 (`previous_status`,
    null when the task started at M)."""
    now, before = C("status"), C("previous_status")
    return (
        pl.when((now == RED) & (before == RED))
        .then(pl.lit(STILL_RED))
        .when((now == RED) & (before == YELLOW))
        .then(pl.lit(YELLOW_TO_RED))
        .when(now == RED)
        .then(pl.lit(NEWLY_RED))
        .when((now == YELLOW) & (before == YELLOW))
        .then(pl.lit(STILL_YELLOW))
        .when((now == YELLOW) & (before == RED))
        .then(pl.lit(RED_TO_YELLOW))
        .when(now == YELLOW)
        .then(pl.lit(NEWLY_YELLOW))
        .when(before.is_in(_WARN))
        .then(pl.lit(RECOVERED))
    )


def months_in_row(status: pl.DataFrame) -> pl.DataFrame:
    """Per (year, task): how many consecutive months, ending at the task's latest month, had the
    status of that latest month (e.g. red in April, May and June → 3 at June)."""
    ordered = status.sort("year", "task_id", "month")
    streak = (C("status") != C("status").shift(1)).fill_null(True).cum_sum().over("year", "task_id")
    return (
        ordered.with_columns(streak.alias("streak"))
        .filter(C("streak") == C("streak").max().over("year", "task_id"))
        .group_by("year", "task_id")
        .agg(C("month").count().cast(pl.Int32).alias("months_in_row"))
    )


def _contract(frame: pl.DataFrame, table) -> pl.DataFrame:
    return frame.select(C(c.name).cast(c.dtype) for c in table.columns)


def warning_list(
    status: pl.DataFrame, tasks: pl.DataFrame, run_id: str, month: int
) -> pl.DataFrame:
    """The warning list of a run (columns of mart.warning_list): every task red or yellow at
    `month` (the run's M) and every task recovered at M (red or yellow at M-1, green at M), red
    first, then yellow, then recovered, by unit and task."""
    status = status.with_columns(C("year").cast(pl.Int32), C("month").cast(pl.Int32))
    now = status.filter(C("month") == month)
    before = status.filter(C("month") == month - 1).select(
        "year", "task_id", C("status").alias("previous_status")
    )
    names = tasks.select(C("year").cast(pl.Int32), "task_id", "task_name")
    listed = (
        now.join(before, on=["year", "task_id"], how="left")
        .filter(C("status").is_in(_WARN) | C("previous_status").is_in(_WARN))
        .join(months_in_row(status.filter(C("month") <= month)), on=["year", "task_id"], how="left")
        .join(names, on=["year", "task_id"], how="left")
        .with_columns(_change().alias("change"), pl.lit(run_id, pl.String).alias("run_id"))
    )
    order = C("status").replace_strict(_STATUS_ORDER, default=3, return_dtype=pl.Int8)
    return _contract(listed.sort(order, "unit_id", "task_id", nulls_last=True), WARNING_LIST)


def corrections(
    status: pl.DataFrame,
    reference: pl.DataFrame | None,
    reference_run_id: str | None,
    tasks: pl.DataFrame,
    run_id: str,
) -> pl.DataFrame:
    """Corrections (columns of mart.status_correction): every task-month assessed both in this
    run and in last month's publication (`reference`, its task_month_status) whose status
    differs, e.g. a late report that turned March from red to green. None: no such publication."""
    if reference is None or reference_run_id is None:
        return pl.DataFrame(schema=STATUS_CORRECTION.polars_schema)
    key = ["year", "task_id", "month"]
    then = reference.select(
        C("year").cast(pl.Int32),
        "task_id",
        C("month").cast(pl.Int32),
        C("status").alias("previous_status"),
        C("reason").alias("previous_reason"),
    )
    names = tasks.select(C("year").cast(pl.Int32), "task_id", "task_name")
    found = (
        status.with_columns(C("year").cast(pl.Int32), C("month").cast(pl.Int32))
        .join(then, on=key, how="inner")
        .filter(C("status") != C("previous_status"))
        .join(names, on=["year", "task_id"], how="left")
        .with_columns(
            pl.lit(reference_run_id, pl.String).alias("previous_run_id"),
            pl.lit(run_id, pl.String).alias("run_id"),
        )
        .sort("unit_id", "task_id", "month", nulls_last=True)
    )
    return _contract(found, STATUS_CORRECTION)


def rank_changes(
    scores: pl.DataFrame, reference: pl.DataFrame | None, reference_run_id: str | None, run_id: str
) -> pl.DataFrame:
    """Each unit's rank and total beside last month's published ones (columns of
    mart.rank_change), in this run's rank order. movement is up / down / same by rank; null
    for a unit that last month's publication did not rank, or when there is none."""
    before = (
        reference.select(
            C("year").cast(pl.Int32),
            "unit_id",
            C("rank").alias("previous_rank"),
            C("total").alias("previous_total"),
        )
        if reference is not None
        else pl.DataFrame(
            schema={
                "year": pl.Int32,
                "unit_id": pl.String,
                "previous_rank": pl.Int32,
                "previous_total": pl.Decimal(8, 2),
            }
        )
    )
    moved = (
        scores.with_columns(C("year").cast(pl.Int32))
        .join(before, on=["year", "unit_id"], how="left")
        .with_columns(
            pl.when(C("previous_rank").is_null())
            .then(None)
            .when(C("rank") < C("previous_rank"))
            .then(pl.lit(UP))
            .when(C("rank") > C("previous_rank"))
            .then(pl.lit(DOWN))
            .otherwise(pl.lit(SAME))
            .alias("movement"),
            pl.lit(reference_run_id if reference is not None else None, pl.String).alias(
                "previous_run_id"
            ),
            pl.lit(run_id, pl.String).alias("run_id"),
        )
        .sort("rank", "unit_id", nulls_last=True)
    )
    return _contract(moved, RANK_CHANGE)
