"""The published year as every office output reads it: one typed, read-only object, built once
per publication (office/files.py) and handed to each writer the registry names
(office/outputs.py), instead of each writer taking its own assortment of frames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polars as pl

from office.edition import DEFAULT_TIMEZONE, Edition
from warehouse.location import Warehouse, published_year


@dataclass(frozen=True)
class PublishedYear:
    """One publication of a year: which one it is (`edition`: year, month assessed, 临时/最终,
    as-of date, run, when published, rules, time zone, sign-off), the run's marts (with its
    warning list, corrections, rank changes and forecast, where it has them) and core frames
    (units, tasks, communities, reports), the rows it quarantined, the county it is of and
    the warehouse it was published in."""

    edition: Edition
    marts: Mapping[str, pl.DataFrame]
    core: Mapping[str, pl.DataFrame]
    quarantine: pl.DataFrame | None = None  # audit.quarantine rows; None: not read
    county: str = ""  # names the county in 看板.html
    warehouse: Warehouse | Path | None = None  # None: frames never published (tests, previews)

    def __post_init__(self) -> None:
        # Read-only views: every writer sees the frames as published, whatever one before it did.
        object.__setattr__(self, "marts", MappingProxyType(dict(self.marts)))
        object.__setattr__(self, "core", MappingProxyType(dict(self.core)))

    @property
    def year(self) -> int:
        return self.edition.year

    @property
    def month(self) -> int:
        """The last month assessed (0 before the first due month)."""
        return self.edition.month


def edition_of(run: dict, timezone: str = DEFAULT_TIMEZONE) -> Edition:
    """The publication an audit.run row is (with `approval_document` when it is the approved
    run, as warehouse.read.published_year gives it)."""
    return Edition(
        int(run["year"]),
        int(run["last_month"] or 0),
        bool(run["is_final"]),
        run["as_of"],
        str(run["run_id"]),
        run.get("finished_at"),
        timezone=timezone,
        document=run.get("approval_document"),
    )


def read_published(
    warehouse: Warehouse | Path, year: int, county: str = "", timezone: str = DEFAULT_TIMEZONE
) -> PublishedYear:
    """The year's published run read back from the warehouse (read-only): its marts and the
    names in core, enough for 看板.html (assess approve writes it again from here); neither its
    reports nor its quarantined rows are read."""
    found = published_year(warehouse, year)
    return PublishedYear(
        edition_of(found.run, timezone), found.marts, found.core, None, county, warehouse
    )
