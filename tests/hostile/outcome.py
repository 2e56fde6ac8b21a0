"""What a hostile case's run left behind, and the questions every case asks of it."""

from __future__ import annotations

import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

MARTS = (
    "unit_score",
    "score_line_item",
    "task_month_status",
    "funding_execution",
    "community_satisfaction",
)


def is_duckdb(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size < 12:
        return False
    with path.open("rb") as fh:
        return fh.read(12)[8:12] == b"DUCK"


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def published_state(warehouse: Path) -> tuple[list[tuple], list[tuple]]:
    """The year's publication and its mart.unit_score, whole (run_id included)."""
    return (
        query(warehouse, "SELECT year, run_id FROM audit.publication ORDER BY year"),
        query(warehouse, "SELECT * FROM mart.unit_score ORDER BY year, unit_id"),
    )


def results(warehouse: Path) -> dict[str, list[tuple]]:
    """The published marts without their run_id: what a run computed."""
    found = {}
    for mart in MARTS:
        columns = [
            c
            for (c,) in query(
                warehouse,
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'mart' "
                "AND table_name = ? AND column_name <> 'run_id' ORDER BY column_index",
                [mart],
            )
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        found[mart] = sorted(query(warehouse, f"SELECT {listed} FROM mart.{mart}"), key=repr)
    return found


def warehouse_contains(warehouse: Path, needle: str) -> list[str]:
    """Every table of the warehouse holding `needle` in some text value (one query per table)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for schema, table, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE data_type = 'VARCHAR' AND NOT internal"
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", []).append(f'contains("{column}", $1)')
        return [
            table
            for table, tests in columns.items()
            if con.execute(
                f"SELECT count(*) FROM {table} WHERE {' OR '.join(tests)}", [needle]
            ).fetchone()[0]
        ]
    finally:
        con.close()


def files_containing(root: Path, needle: str, skip: tuple[Path, ...]) -> list[Path]:
    """Files under `root` (not under `skip`) whose bytes, or whose zip members' bytes, hold
    `needle`; DuckDB files are searched value by value."""
    raw = needle.encode()
    found = []
    for path in sorted(root.rglob("*")):
        if any(path.is_relative_to(s) for s in skip) or path.is_symlink() or not path.is_file():
            continue
        if is_duckdb(path):
            hit = bool(warehouse_contains(path, needle))
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                hit = any(raw in z.read(name) for name in z.namelist())
        else:
            hit = raw in path.read_bytes()
        if hit:
            found.append(path)
    return found


@dataclass
class Outcome:
    """A case's finished command and the workspace it ran in."""

    root: Path
    warehouse: Path  # the one the run was told to use
    done: subprocess.CompletedProcess
    baseline: dict[str, list[tuple]]  # results() of the published demo

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.warehouse, sql, params)

    def last_run(self) -> dict[str, Any]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            cur = con.execute("SELECT * FROM audit.run ORDER BY started_at DESC LIMIT 1")
            names = [d[0] for d in cur.description]
            return dict(zip(names, cur.fetchone(), strict=True))
        finally:
            con.close()

    def files(self) -> dict[str, dict[str, Any]]:
        """audit.input_file rows of the last run, by `file` (first sheet when several)."""
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            cur = con.execute(
                "SELECT * FROM audit.input_file WHERE run_id = ? ORDER BY file, sheet DESC",
                [self.last_run()["run_id"]],
            )
            names = [d[0] for d in cur.description]
            return {
                row[names.index("file")]: dict(zip(names, row, strict=True))
                for row in cur.fetchall()
            }
        finally:
            con.close()

    def quarantine(self, file: str) -> list[tuple[int | None, str, str | None, str]]:
        """(row_number, column, value, reason) quarantined from a file by the last run."""
        return self.query(
            'SELECT row_number, "column", value, reason FROM audit.quarantine '
            "WHERE run_id = ? AND file = ? ORDER BY row_number",
            [self.last_run()["run_id"], file],
        )

    def results(self) -> dict[str, list[tuple]]:
        return results(self.warehouse)

    def same_results_as_baseline(self, *except_marts: str) -> None:
        now = self.results()
        for mart in MARTS:
            if mart not in except_marts:
                assert now[mart] == self.baseline[mart], f"mart.{mart} changed"
