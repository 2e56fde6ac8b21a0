"""Reading the published warehouse (read-only): previous results and the runs to replay."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from schemas.tables import MART_TABLES
from warehouse.publish import connect


class RunNotFound(LookupError):
    pass


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
    if not warehouse.exists():
        raise RunNotFound(f"数据仓库不存在：{warehouse}")
    con = connect(warehouse, read_only=True)
    try:
        if run_id is None:
            found = con.execute(
                "SELECT run_id FROM audit.publication WHERE year = ?", [year]
            ).fetchall()
            if not found:
                raise RunNotFound(f"{year} 年尚无已发布的运行")
            run_id = found[0][0]
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
        marts = {
            t.name: con.sql(
                f"SELECT * FROM history.{t.name} WHERE run_id = ?", params=[run_id]
            ).pl()
            for t in MART_TABLES
        }
    finally:
        con.close()
    return run.row(0, named=True), files, marts
