"""DDL from the contract in schemas/tables.py: schemas, tables, history tables and COMMENTs."""

from __future__ import annotations

import duckdb
import polars as pl

from schemas.tables import AUDIT_TABLES, CORE_TABLES, MART_TABLES, OFFICE_TABLES, Col, Table

# DuckDB cannot comment on a schema; these texts go into the data dictionary instead.
SCHEMAS = {
    "core": "清洗后的事实与维度（当前发布运行）",
    "mart": "考核结果（各年度当前发布运行）",
    "history": "历次发布运行的全部结果，按 run_id 查询",
    "audit": "运行、输入文件、隔离行与复算差异",
}
RUN_ID = Col("run_id", pl.String(), "产生该结果的运行编号")


def sql_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.List):
        return sql_type(dtype.inner) + "[]"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    return {
        pl.String: "VARCHAR",
        pl.Int32: "INTEGER",
        pl.Int64: "BIGINT",
        pl.Float64: "DOUBLE",
        pl.Date: "DATE",
        pl.Boolean: "BOOLEAN",
    }[dtype.base_type()]


def history_table(table: Table) -> Table:
    """history.<mart>: the mart's columns plus run_id, one copy per published run."""
    extra = () if any(c.name == "run_id" for c in table.columns) else (RUN_ID,)
    return Table(
        "history",
        table.name,
        f"{table.comment}（历次发布）",
        (*table.columns, *extra),
        ("run_id", *table.key),
    )


def core_table(table: Table) -> Table:
    """core tables carry the run_id that loaded them."""
    return Table(table.schema, table.name, table.comment, (*table.columns, RUN_ID), table.key)


ALL_TABLES: tuple[Table, ...] = (
    *(core_table(t) for t in CORE_TABLES),
    *MART_TABLES,
    *OFFICE_TABLES,
    *(history_table(t) for t in MART_TABLES),
    *AUDIT_TABLES,
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_tables(con: duckdb.DuckDBPyConnection, tables: tuple[Table, ...]) -> None:
    """Create every schema and table of `tables` that does not exist yet, with COMMENTs
    (idempotent)."""
    for schema in sorted({t.schema for t in tables}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table in tables:
        columns = ", ".join(f'"{c.name}" {sql_type(c.dtype)}' for c in table.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {table.qualified} ({columns})")
        con.execute(f"COMMENT ON TABLE {table.qualified} IS {_quote(table.comment)}")
        for c in table.columns:
            con.execute(f'COMMENT ON COLUMN {table.qualified}."{c.name}" IS {_quote(c.comment)}')


def create_all(con: duckdb.DuckDBPyConnection) -> None:
    """The county warehouse: every schema and table of the contract."""
    create_tables(con, ALL_TABLES)
