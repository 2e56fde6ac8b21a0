"""What is known at the as-of date (docs/scoring.md, "As of a date"): a dated row counts from its
date on, inclusive. Applied once to every dated core table (the date column of each is declared
with its source, schemas/sources.KNOWN_AT) before any rule reads it."""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.sources import KNOWN_AT


def known_at(name: str, frame: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The rows of core table `name` known at `as_of`; a row without a date cannot be placed in
    time and is left out. Tables without a date are returned whole."""
    column = KNOWN_AT.get(name)
    if column is None:
        return frame
    day = pl.col(column)
    if isinstance(frame.schema[column], pl.Datetime):
        day = day.dt.date()
    return frame.filter(day <= as_of)
