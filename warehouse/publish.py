"""Atomic publication: build the next warehouse file aside, check it, swap it in (docs/reliability.md).

`publish` writes a Publication through any Warehouse (warehouse/location.py) in one step;
`swapped_in` is that step for a DuckDB file (DuckDBFile.writing), as follows.

Analysts hold read-only connections to the published file. DuckDB lets a read-only session
in another process block a writer on the same file, so a run never writes to the published
file: under the writer lock it copies it aside, writes the run in one transaction, runs the
audits, checkpoints, and renames the copy over the published path. An open analyst session
keeps reading the old file (its inode) consistently; a new session sees the new result. A run
killed at any point leaves the published file as it was; its aside copy is removed by the
next run. A run that fails (a full disk during the copy) removes its aside copy itself.

A session opened read-write by another program (DBeaver, a notebook) is the one thing the
rename must never meet: what it commits would go to a file nobody opens again. So publication
refuses while one is open, and from the copy to the rename holds a read-only session of its
own, which keeps any other program from opening the file for writing (warehouse/lock.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from schemas.tables import MART_TABLES, Table
from warehouse.ddl import ALL_TABLES, create_tables
from warehouse.disk import fsync
from warehouse.faults import pause_point
from warehouse.lock import WarehouseInUse, no_other_writer, say_on_stderr, writer_lock
from warehouse.signals import held

# Written in a storage format older DuckDB command-line tools open too (1.2 and later).
STORAGE_VERSION = "v1.2.0"
AUDITS = Path(__file__).with_name("audits.sql")
HISTORY = {t.name for t in MART_TABLES}  # marts kept for every published run


class PublicationCheckFailed(Exception):
    pass


@dataclass
class Publication:
    """Everything a run writes. Without `core`/`marts` only the audit rows are appended."""

    run_id: str
    year: int
    audit: dict[str, pl.DataFrame]  # "run", "input_file", "quarantine", "rerun_diff"
    core: dict[str, pl.DataFrame] = field(default_factory=dict)
    marts: dict[str, pl.DataFrame] = field(default_factory=dict)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    return duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})


def _aside(warehouse: Path, run_id: str) -> Path:
    return warehouse.with_name(f".{warehouse.name}.{run_id}.building")


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, run_id: str | None = None
) -> int:
    """Insert `frame` into `table` by column name; with `run_id`, every row's run_id is set to it
    (added in DuckDB as a constant, not as a column built in Python). Returns the rows inserted."""
    select = "*"
    if run_id is not None:
        select = (
            "* REPLACE ($run_id AS run_id)" if "run_id" in frame.columns else "*, $run_id AS run_id"
        )
    con.register("_frame", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        params = {"run_id": run_id} if run_id is not None else {}
        (rows,) = con.execute(
            f"INSERT INTO {table} BY NAME SELECT {select} FROM _frame", params
        ).fetchone()
    finally:
        con.unregister("_frame")
    return rows


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return {r[0] for r in rows}


def audits() -> list[tuple[str, str]]:
    """(name, query) pairs from audits.sql."""
    text = AUDITS.read_text(encoding="utf-8")
    return re.findall(r"-- name: (\w+).*?\n(.*?;)", text, flags=re.S)


def _write(con: duckdb.DuckDBPyConnection, pub: Publication) -> None:
    for name, frame in pub.core.items():
        con.execute(f"DELETE FROM core.{name} WHERE year = ?", [pub.year])
        _insert(con, f"core.{name}", frame, pub.run_id)
    for name, frame in pub.marts.items():
        con.execute(f"DELETE FROM mart.{name} WHERE year = ?", [pub.year])
        stamped = "run_id" in _columns(con, "mart", name)
        rows = _insert(con, f"mart.{name}", frame, pub.run_id if stamped else None)
        if name in HISTORY:
            # The same rows again, copied inside DuckDB from what was just inserted.
            select, params = (
                ("*", [pub.year]) if stamped else ("*, ? AS run_id", [pub.run_id, pub.year])
            )
            (copied,) = con.execute(
                f"INSERT INTO history.{name} BY NAME SELECT {select} FROM mart.{name} WHERE year = ?",
                params,
            ).fetchone()
            if copied != rows:  # a mart frame holding rows of another year
                raise ValueError(f"mart.{name}: {rows} rows inserted, {copied} of {pub.year}")
    for name, frame in pub.audit.items():
        if frame.height:
            _insert(con, f"audit.{name}", frame)
    if pub.marts:
        con.execute("DELETE FROM audit.publication WHERE year = ?", [pub.year])
        con.execute("INSERT INTO audit.publication VALUES (?, ?, now())", [pub.year, pub.run_id])
        values = {"run_id": pub.run_id, "year": pub.year}
        for name, query in audits():
            params = {k: v for k, v in values.items() if f"${k}" in query}
            bad = con.execute(query, params).fetchall()
            if bad:
                raise PublicationCheckFailed(f"发布前检查 {name} 未通过：{bad[:3]}")


@contextmanager
def swapped_in(
    target: Path,
    run_id: str,
    wait_seconds: float,
    tables: tuple[Table, ...],
    on_wait: Callable[[str], None] | None = say_on_stderr,
    on_swapped: Callable[[], None] = lambda: None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Under the writer lock, a connection to a copy of `target` (with `tables` created) inside
    one transaction. On success the copy is committed, checkpointed, fsynced and renamed over
    `target`; on any failure (a full disk during the copy included) it is thrown away and
    `target` is untouched. Refused (WarehouseInUse) while another program has `target` open
    for writing: from the copy to the rename, no other program can open it so. `on_swapped`
    runs right after the rename, with Ctrl-C and SIGTERM held from before the rename until it
    has run: the caller always learns that the file was swapped in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(target, wait_seconds, run_id, on_wait), no_other_writer(target) as existed:
        for stale in target.parent.glob(f".{target.name}.*.building*"):
            stale.unlink()  # left by a killed run; only the lock holder writes asides
        aside = _aside(target, run_id)
        try:
            if existed:
                shutil.copyfile(target, aside)
            con = connect(aside)
            try:
                con.execute("BEGIN TRANSACTION")
                create_tables(con, tables)  # usually nothing to do: the copy has them already
                yield con
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            fsync(aside)
            pause_point("swap")
            if not existed and target.exists():  # created meanwhile by another program
                raise WarehouseInUse(
                    f"数据仓库 {target} 在本次运行期间被另一个程序创建，未做任何改动"
                )
            with held():
                os.replace(aside, target)
                fsync(target.parent)
                on_swapped()
        finally:
            for leftover in target.parent.glob(f"{aside.name}*"):
                leftover.unlink()


class Writable(Protocol):
    """What publication needs of a warehouse (warehouse/location.Warehouse has it)."""

    def writing(
        self,
        run_id: str,
        wait_seconds: float,
        tables: tuple[Table, ...],
        on_wait: Callable[[str], None] | None,
        on_swapped: Callable[[], None],
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...


def write_publication(
    target: Writable,
    pub: Publication,
    wait_seconds: float = 600,
    guard: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    on_wait: Callable[[str], None] | None = say_on_stderr,
    on_swapped: Callable[[], None] = lambda: None,
) -> None:
    """Make `pub` part of the published warehouse in one step, or leave it untouched; the same
    for every backend (Warehouse.writing does the one step; a path is a DuckDB file).

    `guard` runs first under the writer lock, on the state about to be replaced: by raising,
    it refuses the publication (e.g. a result that says less than the one published).
    `on_wait` is told once when the writer lock is held by another run (None: say nothing);
    `on_swapped` is called once `pub` is published, even if an interrupt arrives then."""
    with target.writing(pub.run_id, wait_seconds, ALL_TABLES, on_wait, on_swapped) as con:
        if guard is not None:
            guard(con)
        _write(con, pub)
