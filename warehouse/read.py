"""Reading the published warehouse (read-only): previous results, the runs to replay, and what
the office's pages and templates are made from. One read-only session per call, so each call
sees one consistent file even if a run swaps a new one in meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from schemas.tables import MART_TABLES, conform
from warehouse.ddl import history_table
from warehouse.publish import connect

NAME_TABLES = ("units", "tasks", "communities")


class RunNotFound(LookupError):
    pass


@contextmanager
def reading(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only session on the warehouse file; RunNotFound when there is no such file."""
    if warehouse.is_dir():
        raise RunNotFound(f"数据仓库应为 DuckDB 文件，这是一个文件夹：{warehouse}")
    if not warehouse.is_file():
        raise RunNotFound(f"数据仓库不存在：{warehouse}")
    con = connect(warehouse, read_only=True)
    try:
        yield con
    except duckdb.CatalogException:  # a warehouse that never published anything
        raise RunNotFound("数据仓库中尚无已发布的运行") from None
    finally:
        con.close()


def _first_row(con: duckdb.DuckDBPyConnection, sql: str, year: int) -> dict | None:
    """The first row of an audit query for `year` as a dict, or None (also for a warehouse made
    before the audit table existed)."""
    try:
        found = con.execute(sql, [year])
        rows = found.fetchall()  # to the end: an unfinished result blocks the connection (duckdb 2)
    except duckdb.CatalogException:  # a new warehouse, or one from before the table existed
        return None
    names = [d[0] for d in found.description]
    return dict(zip(names, rows[0], strict=True)) if rows else None


def current_publication(con: duckdb.DuckDBPyConnection, year: int) -> dict | None:
    """The published run of `year` (run_id, as_of, last_month, is_final), or None."""
    return _first_row(
        con,
        "SELECT r.run_id, r.as_of, r.last_month, r.is_final FROM audit.publication p "
        "JOIN audit.run r USING (run_id) WHERE p.year = ?",
        year,
    )


def current_approval(con: duckdb.DuckDBPyConnection, year: int) -> dict | None:
    """The year's approval in force (the latest audit.approval row), or None."""
    return _first_row(
        con,
        "SELECT run_id, document, approved_by, approved_at FROM audit.approval "
        "WHERE year = ? ORDER BY approved_at DESC LIMIT 1",
        year,
    )


def approval_of(warehouse: Path, year: int) -> dict | None:
    """current_approval, read from the warehouse file (None when there is no file)."""
    if not warehouse.exists():
        return None
    with reading(warehouse) as con:
        return current_approval(con, year)


def _published(con: duckdb.DuckDBPyConnection, year: int) -> dict:
    found = current_publication(con, year)
    if found is None:
        raise RunNotFound(f"{year} 年尚无已发布的运行")
    return found


def _history(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, pl.DataFrame]:
    """The marts of a published run, from history.*, in today's contract types (a run published
    by an older version may be stored as, e.g., DOUBLE where the contract now says DECIMAL)."""
    return {
        t.name: conform(
            con.sql(f"SELECT * FROM history.{t.name} WHERE run_id = ?", params=[run_id]).pl(),
            history_table(t),
        )
        for t in MART_TABLES
    }


def published_run_of(warehouse: Path, year: int) -> dict | None:
    """current_publication, read from the warehouse file (None when there is no file)."""
    if not warehouse.exists():
        return None
    with reading(warehouse) as con:
        return current_publication(con, year)


def published_frame(warehouse: Path, table: str, year: int) -> pl.DataFrame | None:
    """The published rows of `table` for `year`, or None before the first publication."""
    if not warehouse.exists():
        return None
    con = connect(warehouse, read_only=True)
    try:
        return con.sql(f"SELECT * FROM {table} WHERE year = ?", params=[year]).pl()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def published_run(
    warehouse: Path, year: int, run_id: str | None
) -> tuple[dict, pl.DataFrame, dict[str, pl.DataFrame]]:
    """A published run (the year's current one by default): its audit.run row, its input files
    (source, file, sha256) and its marts from history.*."""
    with reading(warehouse) as con:
        run_id = run_id or _published(con, year)["run_id"]
        run = con.sql(
            "SELECT * FROM audit.run WHERE run_id = ? AND year = ? AND status = 'published'",
            params=[run_id, year],
        ).pl()
        if run.height == 0:
            raise RunNotFound(f"找不到 {year} 年已发布的运行 {run_id}")
        files = con.sql(
            "SELECT DISTINCT source, file, sha256 FROM audit.input_file WHERE run_id = ? "
            "AND sha256 IS NOT NULL ORDER BY file",  # paths listed but not read have no hash
            params=[run_id],
        ).pl()
        return run.row(0, named=True), files, _history(con, run_id)


@dataclass(frozen=True)
class PublishedPlan:
    """The plan of a year's published run: its units and tasks (core.units, core.tasks) and
    its last assessed month."""

    run_id: str
    as_of: dt.date
    last_month: int
    units: pl.DataFrame
    tasks: pl.DataFrame


def published_plan(warehouse: Path, year: int) -> PublishedPlan:
    """The units and tasks of the year's published run, read-only (what the fill-in templates
    are made from, see docs/templates.md); RunNotFound when the year has none."""
    with reading(warehouse) as con:
        run = _published(con, year)
        units, tasks = (
            con.sql(f"SELECT * FROM core.{name} WHERE year = ? ORDER BY {key}", params=[year]).pl()
            for name, key in (("units", "unit_id"), ("tasks", "task_id"))
        )
    return PublishedPlan(run["run_id"], run["as_of"], run["last_month"] or 0, units, tasks)


@dataclass(frozen=True)
class PublishedYear:
    """What the year's published run left for people to read (docs/data-dictionary.md): its
    audit.run row, the row of the run published before it (None for the year's first), its
    marts (history.* by run_id, plus mart.warning_list) and the names in core."""

    run: dict
    previous: dict | None
    marts: dict[str, pl.DataFrame]
    core: dict[str, pl.DataFrame]


def published_year(warehouse: Path, year: int) -> PublishedYear:
    """The year's currently published run with the run published before it (看板.html)."""
    with reading(warehouse) as con:
        run_id = _published(con, year)["run_id"]
        runs = (
            con.sql(
                "SELECT * FROM audit.run WHERE year = ? AND status = 'published' "
                "AND finished_at <= (SELECT finished_at FROM audit.run WHERE run_id = ?) "
                "ORDER BY finished_at DESC LIMIT 2",
                params=[year, run_id],
            )
            .pl()
            .to_dicts()
        )
        marts = _history(con, run_id)
        marts["warning_list"] = con.sql(
            "SELECT * FROM mart.warning_list WHERE year = ? AND run_id = ?", params=[year, run_id]
        ).pl()
        core = {
            name: con.sql(f"SELECT * FROM core.{name} WHERE year = ?", params=[year]).pl()
            for name in NAME_TABLES
        }
    return PublishedYear(runs[0], runs[1] if len(runs) > 1 else None, marts, core)
