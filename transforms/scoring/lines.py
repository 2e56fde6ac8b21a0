"""Score line items (docs/scoring.md, 6.7): the common shape of every line and small text helpers."""

from __future__ import annotations

import polars as pl

LINE_SCHEMA: dict[str, pl.DataType] = {
    "unit_id": pl.String(),
    "component": pl.String(),
    "rule_id": pl.String(),
    "points": pl.Float64(),
    "task_id": pl.String(),
    "month": pl.Int32(),
    "ref": pl.String(),
    "detail": pl.String(),
}
LINE_KEY = ["unit_id", "component", "rule_id", "task_id", "month", "ref"]


def make_lines(
    frame: pl.DataFrame,
    *,
    component: str,
    rule_id: str,
    points: pl.Expr | float,
    detail: pl.Expr,
    task_id: pl.Expr | None = None,
    month: pl.Expr | None = None,
    ref: pl.Expr | None = None,
) -> pl.DataFrame:
    """One line per row of `frame` (which has a unit_id column)."""
    none = pl.lit(None)
    if not isinstance(points, pl.Expr):
        points = pl.lit(float(points))
    return frame.select(
        pl.col("unit_id").cast(pl.String),
        pl.lit(component).alias("component"),
        pl.lit(rule_id).alias("rule_id"),
        no_negative_zero(points.cast(pl.Float64)).alias("points"),
        (none if task_id is None else task_id).cast(pl.String).alias("task_id"),
        (none if month is None else month).cast(pl.Int32).alias("month"),
        (none if ref is None else ref).cast(pl.String).alias("ref"),
        detail.cast(pl.String).alias("detail"),
    )


def no_negative_zero(expr: pl.Expr) -> pl.Expr:
    """-0.0 (e.g. a penalty parameter set to 0, negated) as 0.0, so marts never show '-0.0'.
    (`x + 0.0` and `0.0 - x` are simplified away by the optimiser, hence the when/then.)"""
    return pl.when(expr == 0).then(pl.lit(0.0)).otherwise(expr)


def empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=LINE_SCHEMA)


def concat_lines(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """All lines in one frame, in the canonical line order (so later float sums are stable)."""
    frames = [f.select(pl.col(c).cast(t) for c, t in LINE_SCHEMA.items()) for f in frames]
    lines = pl.concat([empty_lines(), *frames])
    # where nulls sort changes at most the order of a rule's lines with and without a task
    # (decision lines), so no sum beyond its 9th place; the mart is put in key order by conform
    return lines.sort(LINE_KEY, nulls_last=True)  # pragma: no mutate (same sums to 9 places)


def num_text(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """A number as short text: rounded, without a trailing '.0' (2.0 → '2', 2.50 → '2.5')."""
    return (
        expr.cast(pl.Float64)
        .round(decimals)
        .cast(pl.String)
        .str.replace(r"(\.\d*?)0+$", "$1")
        .str.replace(r"\.$", "")
    )


def pct_text(fraction: pl.Expr) -> pl.Expr:
    """A fraction 0-1 as a percent with one decimal: 0.85 → '85.0%'."""
    return pl.format("{}%", (fraction.cast(pl.Float64) * 100).round(1).cast(pl.String))


def param_text(value: float) -> str:
    """A rule parameter as short text (5 → '5', 0.5 → '0.5')."""
    return f"{value:g}"
