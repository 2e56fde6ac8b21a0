"""Chinese labels for the codes the marts use (statuses, reasons, changes, components, rules)."""

from __future__ import annotations

import polars as pl

from schemas.codes import (  # noqa: F401  (the office's labels, defined with their codes)
    CHANGE_TEXT,
    COMPONENT_ORDER,
    COMPONENT_TEXT,
    DOWN,
    GREEN,
    RED,
    RULE_TEXT,
    SAME,
    STATUS_TEXT,
    UP,
    YELLOW,
)
from schemas.sources import SOURCE_TEXT  # noqa: F401  (office labels)

STATUS_MARK = {RED: "红", YELLOW: "黄", GREEN: "绿"}
MOVEMENT_TEXT = {UP: "↑", DOWN: "↓", SAME: "—"}


def label(column: str, mapping: dict[str, str]) -> pl.Expr:
    """The Chinese label of a code column; unknown codes are kept as they are."""
    return pl.col(column).cast(pl.String).replace(mapping)


def movement_text(rank: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """A unit's rank against last month's: `↑2` (up two places), `↓1`, `—` (same); null
    without last month's rank."""
    steps = (previous - rank).abs().cast(pl.String)
    return (
        pl.when(previous.is_null())
        .then(None)
        .when(rank < previous)
        .then(pl.concat_str(pl.lit(MOVEMENT_TEXT[UP]), steps))
        .when(rank > previous)
        .then(pl.concat_str(pl.lit(MOVEMENT_TEXT[DOWN]), steps))
        .otherwise(pl.lit(MOVEMENT_TEXT[SAME]))
    )
