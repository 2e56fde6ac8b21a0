"""The assessment calendar (SPEC §6): last assessed month M, due dates, planned progress, lights.

Reports for month m are due on day `reports.due_day` of month m+1 (December's in January of the
next year). M is the latest month whose due date is on or before the as-of date (0 if none).
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def due_date(year: int, month: int, due_day: int) -> dt.date:
    """The due date of the reports for `month` of `year`."""
    if month == 12:
        return dt.date(year + 1, 1, due_day)
    return dt.date(year, month + 1, due_day)


def last_assessed_month(year: int, as_of: dt.date, due_day: int) -> int:
    """M: the largest month 1..12 whose due date is <= as_of, or 0 when none is."""
    due = [m for m in range(1, 13) if due_date(year, m, due_day) <= as_of]
    return max(due, default=0)


def due_date_expr(year: int, month: pl.Expr, due_day: int) -> pl.Expr:
    """The due date of the reports for the months in `month` (an Int expression 1..12)."""
    month = month.cast(pl.Int32)
    return pl.date(
        pl.lit(year, pl.Int32) + (month == 12).cast(pl.Int32), month % 12 + 1, pl.lit(due_day)
    )


def planned_expr(month: pl.Expr, start_month: pl.Expr, due_month: pl.Expr) -> pl.Expr:
    """planned(m) = min(100, 100 * (m - start + 1) / (due - start + 1)), in percent points."""
    span = (due_month - start_month + 1).cast(pl.Float64)
    return pl.min_horizontal(
        pl.lit(100.0), 100.0 * (month - start_month + 1).cast(pl.Float64) / span
    )


def light_expr(gap: pl.Expr, rules: dict) -> pl.Expr:
    """SPEC 6.1 rule 5: green when gap <= yellow_gap, yellow when gap <= red_gap, else red."""
    light = rules["light"]
    return (
        pl.when(gap <= light["yellow_gap"])
        .then(pl.lit("green"))
        .when(gap <= light["red_gap"])
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("red"))
    )
