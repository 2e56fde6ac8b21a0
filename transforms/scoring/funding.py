"""Funding execution per task → mart.funding_execution (docs/scoring.md, 6.4)."""

from __future__ import annotations

import polars as pl

from schemas.codes import ALLOCATION, EXPENDITURE, RED, REFUND
from schemas.tables import MONEY
from transforms.assessment import Assessment

from .months import light_expr, planned_expr


def _cents(money: pl.Expr) -> pl.Expr:
    return (money * 100).cast(pl.Int64).cast(pl.Float64)


def funding_execution(
    ctx: Assessment, *, tasks: pl.DataFrame, ledger: pl.DataFrame
) -> pl.DataFrame:
    """One row per task of the plan: allocated, spent (exact money), execution, status at M."""

    def total(kind: str) -> pl.Expr:
        return pl.col("amount").filter(pl.col("kind") == kind).sum().cast(MONEY)

    sums = ledger.group_by("task_id").agg(
        total(ALLOCATION).alias("allocated"),
        total(EXPENDITURE).alias("_expenditure"),
        total(REFUND).alias("_refund"),
    )
    frame = (
        tasks.select("task_id", "unit_id", "start_month", "due_month")
        .join(sums, on="task_id", how="left")
        .with_columns(
            pl.col("allocated").fill_null(0),
            (pl.col("_expenditure").fill_null(0) - pl.col("_refund").fill_null(0))
            .cast(MONEY)
            .alias("spent"),
        )
        .with_columns(
            # a quotient of whole cents (exact in Float64) is correctly rounded: 0.30 / 0.40
            # gives 0.75, where 0.3 / 0.4 in binary floating point gives 0.7499999999999999
            pl.when(pl.col("allocated") > 0)
            .then(_cents(pl.col("spent")) / _cents(pl.col("allocated")))
            .alias("execution"),
        )
    )
    return frame.select(
        pl.lit(ctx.year).alias("year"),
        "task_id",
        "unit_id",
        "allocated",
        "spent",
        "execution",
        funding_status(ctx).alias("status"),
    ).sort("task_id")


def funding_status(ctx: Assessment) -> pl.Expr:
    """The status at M: null before start_month; once started, red when overspent (spent >
    allocated, whatever the gap, even with nothing allocated), else 6.1's lights with 100 ×
    execution in place of progress; null when nothing is allocated."""
    month = pl.lit(ctx.last_month)
    gap = planned_expr(month, pl.col("start_month"), pl.col("due_month")) - 100.0 * pl.col(
        "execution"
    )
    started = pl.col("start_month") <= ctx.last_month
    return (
        pl.when(started & (pl.col("spent") > pl.col("allocated")))
        .then(pl.lit(RED))
        .when(started & (pl.col("allocated") > 0))
        .then(light_expr(gap, ctx.rules.light, ctx.semantics))
    )
