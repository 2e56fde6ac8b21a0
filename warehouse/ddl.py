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


def ddl_statements(con: duckdb.DuckDBPyConnection, tables: tuple[Table, ...]) -> list[str]:
    """The statements that bring `con`'s catalog to `tables`, in contract order: every schema and
    table that does not exist yet, every column a newer contract added to an existing table,
    every mart column whose type the contract changed, and every COMMENT that is missing or
    differs. Empty when the file is already at the contract, which is every run but the first
    after a change to the contract (one catalog read instead of ~300 statements).

    A warehouse is kept for years across upgrades, so an older file is brought forward in place.
    history.* keeps the types its rows were published with (a published number is never
    rewritten); readers see every table through its contract (schemas.tables.conform)."""
    where = "WHERE database_name = current_database()"
    schemas = {
        r[0] for r in con.execute(f"SELECT schema_name FROM duckdb_schemas() {where}").fetchall()
    }
    table_comments = {
        (s, t): c
        for s, t, c in con.execute(
            f"SELECT schema_name, table_name, comment FROM duckdb_tables() {where}"
        ).fetchall()
    }
    columns = {
        (s, t, col): (kind, c)
        for s, t, col, kind, c in con.execute(
            "SELECT schema_name, table_name, column_name, data_type, comment "
            f"FROM duckdb_columns() {where}"
        ).fetchall()
    }
    out = [
        f"CREATE SCHEMA IF NOT EXISTS {schema}"
        for schema in sorted({t.schema for t in tables})
        if schema not in schemas
    ]
    for table in tables:
        key = (table.schema, table.name)
        if key not in table_comments:
            spec = ", ".join(f'"{c.name}" {sql_type(c.dtype)}' for c in table.columns)
            out.append(f"CREATE TABLE IF NOT EXISTS {table.qualified} ({spec})")
        else:
            out += _upgrades(
                table, {n: kind for (*k, n), (kind, _) in columns.items() if tuple(k) == key}
            )
        if table_comments.get(key) != table.comment:
            out.append(f"COMMENT ON TABLE {table.qualified} IS {_quote(table.comment)}")
        out += [
            f'COMMENT ON COLUMN {table.qualified}."{c.name}" IS {_quote(c.comment)}'
            for c in table.columns
            if columns.get((*key, c.name), (None, None))[1] != c.comment
        ]
    return out


def _upgrades(table: Table, existing: dict[str, str]) -> list[str]:
    """ALTER statements for a table created by an older contract: added columns (null in the
    rows before), and new types of mart columns (e.g. DOUBLE → DECIMAL(8,2))."""
    out = []
    for c in table.columns:
        wanted = sql_type(c.dtype)
        if c.name not in existing:
            out.append(f'ALTER TABLE {table.qualified} ADD COLUMN "{c.name}" {wanted}')
        elif table.schema == "mart" and _same_type(existing[c.name]) != _same_type(wanted):
            out.append(f'ALTER TABLE {table.qualified} ALTER "{c.name}" TYPE {wanted}')
    return out


def _same_type(sql: str) -> str:
    return sql.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ").replace(" ", "")


def create_tables(con: duckdb.DuckDBPyConnection, tables: tuple[Table, ...]) -> None:
    """Create every schema and table of `tables` that does not exist yet, with COMMENTs
    (idempotent; nothing is issued for what is already in place). Publication calls it inside
    its one transaction, so the DDL commits, or is thrown away, with the run."""
    for statement in ddl_statements(con, tables):
        con.execute(statement)


def create_all(con: duckdb.DuckDBPyConnection) -> None:
    """The county warehouse: every schema and table of the contract."""
    create_tables(con, ALL_TABLES)
