"""The assessment calendar as polars expressions: due dates, planned progress, the lights.

The scalar calendar (M, final or provisional) is decided once, in transforms/assessment.py;
the rules are in docs/scoring.md.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import GREEN, RED, YELLOW
from schemas.rules import Light
from schemas.semantics import EXACT_EDGES, Semantics


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


def without_noise(value: pl.Expr, semantics: Semantics) -> pl.Expr:
    """`value` rounded to 6 decimals (EXACT_EDGES), for comparing it with a rule's threshold."""
    # inputs carry at most 2 decimals (planned is 100k/n, n <= 12): a true difference from a
    # threshold is >= 1/1200, binary noise (60 - 49.9 = 10.100000000000001) is ~1e-14
    return value.round(6) if semantics.uses(EXACT_EDGES) else value


def light_expr(gap: pl.Expr, light: Light, semantics: Semantics) -> pl.Expr:
    """Monthly status rule 5: green when gap <= yellow_gap, yellow when gap <= red_gap, else red
    (the gap compared without binary noise, EXACT_EDGES)."""
    gap = without_noise(gap, semantics)
    return (
        pl.when(gap <= light.yellow_gap)
        .then(pl.lit(GREEN))
        .when(gap <= light.red_gap)
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(RED))
    )
