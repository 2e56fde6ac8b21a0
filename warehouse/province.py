"""Province consolidation in SQL: read what a county published, write the province warehouse
(both through warehouse/location.py's Warehouse)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from schemas.province import CONSOLIDATED, COUNTY_PUBLICATION, PROVINCE_TABLES
from warehouse.location import Warehouse


@dataclass
class CountyMarts:
    """What one county has published for a year (empty when it has not published)."""

    county: str
    warehouse: Warehouse
    run_id: str | None = None
    published_at: dt.datetime | None = None
    tables: dict = field(default_factory=dict)  # qualified name → pyarrow Table


def read_county(county: str, warehouse: Warehouse, year: int) -> CountyMarts:
    """What the county has published for `year`, read from its warehouse read-only."""
    out = CountyMarts(county, warehouse)
    if not warehouse.exists():
        return out
    with warehouse.reading() as con:
        published = con.execute(
            "SELECT run_id, published_at FROM audit.publication WHERE year = ?", [year]
        ).fetchall()
        if not published:
            return out
        out.run_id, out.published_at = published[0]
        for table in CONSOLIDATED:
            columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name != "county")
            out.tables[table.qualified] = con.sql(
                f"SELECT {columns} FROM {table.qualified} WHERE year = ?", params=[year]
            ).to_arrow_table()
    return out


def publish_province(
    target: Warehouse,
    run_id: str,
    wait_seconds: float,
    year: int,
    marts: list[CountyMarts],
    audit: pl.DataFrame,
) -> None:
    """Replace the province warehouse's rows of `year` by the counties' marts and their audit rows,
    in one step (Warehouse.writing: for a file, a copy swapped in)."""
    with target.writing(run_id, wait_seconds, PROVINCE_TABLES) as con:
        _write(con, year, marts, audit)


def _write(con, year: int, marts: list[CountyMarts], audit: pl.DataFrame) -> None:
    for table in PROVINCE_TABLES:
        con.execute(f"DELETE FROM {table.qualified} WHERE year = ?", [year])
    for county in marts:
        for name, frame in county.tables.items():
            con.register("_frame", frame)
            con.execute(
                f"INSERT INTO {name} BY NAME SELECT $county AS county, * FROM _frame",
                {"county": county.county},
            )
            con.unregister("_frame")
    con.register("_frame", audit.to_arrow())
    con.execute(f"INSERT INTO {COUNTY_PUBLICATION.qualified} BY NAME SELECT * FROM _frame")
    con.unregister("_frame")
