"""The values 看板.html shows, formatted as polars expressions, whole columns at a time.

They are plain text: the page's templates escape every value (autoescaping), so a unit name
such as `<b>` is shown as written and never becomes markup.
"""

from __future__ import annotations

import polars as pl


def num(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """A number with exactly `decimals` places, rounded half away from zero; null stays null."""
    rounded = expr.cast(pl.Float64).round(decimals, mode="half_away_from_zero")
    if decimals == 0:
        return rounded.cast(pl.Int64).cast(pl.String)
    return rounded.cast(pl.Decimal(38, decimals)).cast(pl.String)


def pct(expr: pl.Expr, decimals: int = 1) -> pl.Expr:
    """A fraction (0-1) as a percentage, e.g. 0.9028 → 90.3%."""
    return pl.concat_str(num(expr * 100, decimals), pl.lit("%"))


def dash(expr: pl.Expr) -> pl.Expr:
    """Null shown as a dash."""
    return expr.fill_null(pl.lit("—"))


def label(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """The Chinese label of a code; unknown codes as they are, null stays null."""
    return expr.cast(pl.String).replace(mapping)


def css_string(value: str) -> str:
    """A CSS string literal (for print headers): every character outside plain letters, digits
    and CJK written as a hex escape, so nothing can end the string or the <style> element."""
    out = []
    for ch in value:
        if ch.isalnum() or ch in " -_.:/（）":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'
