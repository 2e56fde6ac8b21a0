"""The data dictionary (数据字典) in Markdown, generated from the warehouse's own COMMENTs.

    uv run python -m office.dictionary WAREHOUSE.duckdb > docs/data-dictionary.md

Without an argument it describes the contract itself (an in-memory warehouse made by
warehouse.ddl.create_all), which is how docs/data-dictionary.md is kept in step with the code.
"""

from __future__ import annotations

import sys

import duckdb

from warehouse.ddl import SCHEMAS, create_all
from warehouse.location import RunNotFound, locate

COMMAND = "uv run python -m office.dictionary WAREHOUSE.duckdb > docs/data-dictionary.md"
HEADER = f"""# 数据字典

仓库（DuckDB）中每个表和列的说明，由仓库自身的 COMMENT 生成（其来源是 `schemas/tables.py`）。
请勿手工编辑：运行 `{COMMAND}` 重新生成；
`tests/office/test_office_dictionary.py` 检查本文件与代码一致。

分析人员以只读方式打开仓库文件查询；`history` 中的表按 `run_id` 保存历次发布运行的结果。
"""


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text or "").split()).replace("|", "\\|")


def data_dictionary(con: duckdb.DuckDBPyConnection) -> str:
    """Markdown: per schema (core, mart, history, audit) a list of its tables, then one section
    per table with its comment and a column | 类型 | 说明 table."""
    schemas = list(SCHEMAS)
    tables = con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE database_name = current_database() AND list_contains(?, schema_name) "
        "ORDER BY schema_name, table_name",
        [schemas],
    ).fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND list_contains(?, schema_name) "
        "ORDER BY schema_name, table_name, column_index",
        [schemas],
    ).fetchall()
    schema_comments = dict(
        con.execute(
            "SELECT schema_name, comment FROM duckdb_schemas() "
            "WHERE database_name = current_database()"
        ).fetchall()
    )
    by_table: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for schema, table, column, dtype, comment in columns:
        by_table.setdefault((schema, table), []).append((column, dtype, comment))

    out = [HEADER]
    for schema in schemas:
        in_schema = [t for t in tables if t[0] == schema]
        if not in_schema:
            continue
        out += [
            f"## {schema}：{schema_comments.get(schema) or SCHEMAS[schema]}",
            "",
            "| 表 | 说明 |",
            "|---|---|",
        ]
        out += [f"| `{schema}.{table}` | {_cell(comment)} |" for _, table, comment in in_schema]
        out.append("")
        for _, table, comment in in_schema:
            out += [
                f"### {schema}.{table}",
                "",
                _cell(comment),
                "",
                "| 列 | 类型 | 说明 |",
                "|---|---|---|",
            ]
            out += [
                f"| `{column}` | {dtype} | {_cell(text)} |"
                for column, dtype, text in by_table.get((schema, table), [])
            ]
            out.append("")
    return "\n".join(out)


def contract_dictionary() -> str:
    """The dictionary of the contract: an in-memory warehouse created by create_all."""
    with duckdb.connect() as con:
        create_all(con)
        return data_dictionary(con)


def main(argv: list[str] | None = None) -> int:
    """Print the dictionary of the warehouse given (or of the contract) as UTF-8."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m office.dictionary [WAREHOUSE.duckdb]", file=sys.stderr)
        return 2
    if args:
        try:
            with locate(args[0]).reading() as con:  # read-only, as the settings would open it
                text = data_dictionary(con)
        except RunNotFound as exc:  # no warehouse there
            print(f"office.dictionary: {exc}", file=sys.stderr)
            return 1
    else:
        text = contract_dictionary()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
