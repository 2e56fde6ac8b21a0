"""The assessment calendar as polars expressions: due dates, planned progress, the lights.

The scalar calendar (M, final or provisional) is decided once, in transforms/assessment.py;
the rules are in docs/scoring.md.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import GREEN, RED, YELLOW
from schemas.rules import Light


def due_date_expr(year: int, month: pl.Expr, due_day: int) -> pl.Expr:
    """The due date of the reports for the months in `month` (an Int expression 1..12)."""
    month = month.cast(pl.Int32)
    return pl.date(year + (month == 12).cast(pl.Int32), month % 12 + 1, pl.lit(due_day))


def planned_expr(month: pl.Expr, start_month: pl.Expr, due_month: pl.Expr) -> pl.Expr:
    """planned(m) = min(100, 100 * (m - start + 1) / (due - start + 1)), in percent points."""
    span = (due_month - start_month + 1).cast(pl.Float64)
    return pl.min_horizontal(
        pl.lit(100.0), 100.0 * (month - start_month + 1).cast(pl.Float64) / span
    )


def light_expr(gap: pl.Expr, light: Light) -> pl.Expr:
    """Monthly status rule 5: green when gap <= yellow_gap, yellow when gap <= red_gap, else red."""
    return (
        pl.when(gap <= light.yellow_gap)
        .then(pl.lit(GREEN))
        .when(gap <= light.red_gap)
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(RED))
    )
