"""The data dictionary: generated from the warehouse COMMENTs, committed, and complete."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from office.dictionary import contract_dictionary, data_dictionary, main
from warehouse.ddl import ALL_TABLES, create_all

DOCS = Path(__file__).parents[2] / "docs" / "data-dictionary.md"
SCHEMAS = ["core", "mart", "history", "audit"]


@pytest.fixture
def con():
    with duckdb.connect() as con:
        create_all(con)
        yield con


def test_committed_dictionary_is_current():
    """Regenerate with: uv run python -m office.dictionary > docs/data-dictionary.md"""
    assert DOCS.read_text(encoding="utf-8") == contract_dictionary()


def test_every_table_and_column_has_a_comment(con):
    tables = con.execute(
        "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() "
        "WHERE list_contains(?, schema_name)",
        [SCHEMAS],
    ).fetchall()
    assert len(tables) == len(ALL_TABLES)
    assert [name for name, comment in tables if not (comment or "").strip()] == []
    columns = con.execute(
        "SELECT schema_name || '.' || table_name || '.' || column_name, comment "
        "FROM duckdb_columns() WHERE list_contains(?, schema_name)",
        [SCHEMAS],
    ).fetchall()
    assert len(columns) > 100
    assert [name for name, comment in columns if not (comment or "").strip()] == []


def test_one_section_per_table(con):
    text = data_dictionary(con)
    for table in ALL_TABLES:
        assert f"\n### {table.qualified}\n\n{table.comment}\n" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text
    assert "| `change` | VARCHAR | 变化：newly_red 新增红灯" in text
    assert "| `total` | DECIMAL(8,2) | 总分" in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## core：清洗后的事实与维度（当前发布运行）",
        "## mart：考核结果（各年度当前发布运行）",
        "## history：历次发布运行的全部结果，按 run_id 查询",
        "## audit：运行、输入文件、隔离行与复算差异",
    ]


def test_markdown_cells_are_escaped():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA mart")
        con.execute("CREATE TABLE mart.t (a INTEGER)")
        con.execute("COMMENT ON TABLE mart.t IS '表 | 说明'")
        con.execute("COMMENT ON COLUMN mart.t.a IS '第一行\n第二行 | 续'")
        text = data_dictionary(con)
    assert "| `a` | INTEGER | 第一行 第二行 \\| 续 |" in text
    assert "| `mart.t` | 表 \\| 说明 |" in text


def test_main_reads_a_warehouse_file(tmp_path, capsysbinary):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_all(con)
    assert main([str(path)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == contract_dictionary()
    assert main([]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == contract_dictionary()
    assert main(["a", "b"]) == 2
