"""Reading the published warehouse (read-only): the records of published runs and approvals,
previous results, the runs to replay, and what the office's pages and templates are made from.

The queries run on a session a Warehouse opens (warehouse/location.py): one read-only session
per call of its methods, so each call sees one consistent state even if a run publishes a new
one meanwhile. Every backend answers them the same way: they are plain SQL on its catalog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, Self

import duckdb
import polars as pl

from schemas.tables import MART_TABLES, OFFICE_TABLES, TASK_MONTH_STATUS, UNIT_SCORE, conform
from warehouse.ddl import history_table
from warehouse.target import RunNotFound

NAME_TABLES = ("units", "tasks", "communities")


def _record(cls: type, row: Mapping[str, Any]) -> Any:
    """A record from a row; a column the warehouse does not have yet (one written by an older
    version: no semantics_version, no rules_resolved) is None."""
    return cls(**{f.name: row.get(f.name) for f in fields(cls)})


@dataclass(frozen=True)
class PublishedRun:
    """A published run as audit.run records it: what refusals compare with, what reruns and
    simulations replay, what sign-off approves."""

    run_id: str
    year: int
    as_of: dt.date
    last_month: int
    is_final: bool
    rules_sha256: str | None = None  # the archived rules.toml
    semantics_version: int | None = None  # None: recorded before versions were (version 1)
    rules_resolved: str | None = None  # every rule as JSON; None: recorded before it was
    finished_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Self:
        return _record(cls, row)


@dataclass(frozen=True)
class Approval:
    """The year's sign-off (定稿) in force: the run approved and the document approving it."""

    run_id: str
    document: str
    approved_by: str
    approved_at: dt.datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Self:
        return _record(cls, row)


class RunRecord(NamedTuple):
    """A published run with what replaying it needs: its input files (source, file, sha256)
    and its marts from history.*."""

    run: PublishedRun
    files: pl.DataFrame
    marts: dict[str, pl.DataFrame]


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


def current_publication(con: duckdb.DuckDBPyConnection, year: int) -> PublishedRun | None:
    """The published run of `year`, or None."""
    row = _first_row(
        con,
        "SELECT r.* FROM audit.publication p JOIN audit.run r USING (run_id) WHERE p.year = ?",
        year,
    )
    return PublishedRun.of(row) if row else None


def current_approval(con: duckdb.DuckDBPyConnection, year: int) -> Approval | None:
    """The year's approval in force (the latest audit.approval row), or None."""
    row = _first_row(
        con,
        "SELECT run_id, document, approved_by, approved_at FROM audit.approval "
        "WHERE year = ? ORDER BY approved_at DESC LIMIT 1",
        year,
    )
    return Approval.of(row) if row else None


def _published(con: duckdb.DuckDBPyConnection, year: int) -> PublishedRun:
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


@dataclass(frozen=True)
class LastMonth:
    """Last month's publication of a year: the latest published run whose last assessed month
    was M-1, its as-of date, and its task_month_status and unit_score (from history.*)."""

    run_id: str
    as_of: dt.date
    task_month_status: pl.DataFrame
    unit_score: pl.DataFrame


def last_month_of(
    con: duckdb.DuckDBPyConnection, year: int, month: int, as_of: dt.date
) -> LastMonth | None:
    """The latest run of `year` published with last_month = `month` - 1 and an as-of date before
    `as_of` (by as-of date, then finish time), or None: what "last month" means for the warning
    list's ranks and corrections, the same on every night of the month (docs/dashboard.md)."""
    try:
        found = con.execute(
            "SELECT run_id, as_of FROM audit.run WHERE year = ? AND status = 'published' "
            "AND last_month = ? AND as_of < ? ORDER BY as_of DESC, finished_at DESC LIMIT 1",
            [year, month - 1, as_of],
        ).fetchall()
        if not found:
            return None
        run_id, run_as_of = found[0]
        status, scores = (
            conform(
                con.sql(f"SELECT * FROM history.{t.name} WHERE run_id = ?", params=[run_id]).pl(),
                history_table(t),
            )
            for t in (TASK_MONTH_STATUS, UNIT_SCORE)
        )
    except duckdb.CatalogException:  # a warehouse that never published anything
        return None
    return LastMonth(run_id, run_as_of, status, scores)


def run_record(con: duckdb.DuckDBPyConnection, year: int, run_id: str | None) -> RunRecord:
    """A published run (the year's current one by default): its audit.run row, its input files
    (source, file, sha256) and its marts from history.*."""
    run_id = run_id or _published(con, year).run_id
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
    return RunRecord(PublishedRun.of(run.row(0, named=True)), files, _history(con, run_id))


@dataclass(frozen=True)
class PublishedPlan:
    """The plan of a year's published run: its units and tasks (core.units, core.tasks) and
    its last assessed month."""

    run_id: str
    as_of: dt.date
    last_month: int
    units: pl.DataFrame
    tasks: pl.DataFrame
    reports: pl.DataFrame | None = None  # core.reports: the values each unit reported last
    rules_sha256: str | None = None  # the archived rules.toml of the run (its due day)


def plan_of(con: duckdb.DuckDBPyConnection, year: int) -> PublishedPlan:
    """The units and tasks of the year's published run, read-only (what the fill-in templates
    are made from, see docs/templates.md); RunNotFound when the year has none."""
    run = _published(con, year)
    units, tasks, reports = (
        con.sql(f"SELECT * FROM core.{name} WHERE year = ? ORDER BY {key}", params=[year]).pl()
        for name, key in (
            ("units", "unit_id"),
            ("tasks", "task_id"),
            ("reports", "task_id, month, submitted_on"),
        )
    )
    return PublishedPlan(
        run.run_id, run.as_of, run.last_month or 0, units, tasks, reports, run.rules_sha256
    )


@dataclass(frozen=True)
class PublishedYear:
    """What the year's published run left for people to read (docs/data-dictionary.md): its
    audit.run row, the row of the run published before it (None for the year's first), its
    marts (history.* by run_id, plus mart.warning_list, mart.status_correction and
    mart.rank_change) and the names in core."""

    run: dict
    previous: dict | None
    marts: dict[str, pl.DataFrame]
    core: dict[str, pl.DataFrame]


def year_of(con: duckdb.DuckDBPyConnection, year: int) -> PublishedYear:
    """The year's currently published run with the run published before it (看板.html)."""
    run_id = _published(con, year).run_id
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
    approval = current_approval(con, year)
    if approval is not None and approval.run_id == run_id:  # 定稿 with its document
        runs[0] = {**runs[0], "approval_document": approval.document}
    for table in OFFICE_TABLES:  # what changed since last month, written with the run
        marts[table.name] = con.sql(
            f"SELECT {', '.join(c.name for c in table.columns)} FROM {table.qualified} "
            "WHERE year = ? AND run_id = ?",
            params=[year, run_id],
        ).pl()
    core = {
        name: con.sql(f"SELECT * FROM core.{name} WHERE year = ?", params=[year]).pl()
        for name in NAME_TABLES
    }
    return PublishedYear(runs[0], runs[1] if len(runs) > 1 else None, marts, core)
