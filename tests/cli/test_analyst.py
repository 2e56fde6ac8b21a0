"""`assess sql` is a sandbox: it reads the warehouse and nothing else, writes nothing, loads
nothing, and no statement can switch that off (docs/reliability.md)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cli import analyst

HOST_FILE = "host-secret.csv"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A small warehouse, a file beside it that the analyst must not read, an office file that
    must not be overwritten."""
    path = tmp_path / "assess.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA mart; CREATE TABLE mart.unit_score AS SELECT 'DY01' AS unit_id")
    finally:
        con.close()
    (tmp_path / HOST_FILE).write_text("name,secret\nroot,hunter2\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "看板.html").write_text("published", encoding="utf-8")
    return path


def attacks(folder: Path) -> dict[str, str]:
    host, out = folder / HOST_FILE, folder / "out"
    return {
        "copy_to": f"COPY mart.unit_score TO '{out / '看板.html'}'",
        "copy_to_new_file": f"COPY (SELECT 1) TO '{folder / 'leak.csv'}'",
        "export_database": f"EXPORT DATABASE '{folder / 'exported'}'",
        "read_csv_host_file": f"SELECT * FROM read_csv('{host}')",
        "read_csv_passwd": "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
        "read_text": f"SELECT content FROM read_text('{host}')",
        "read_blob": f"SELECT content FROM read_blob('{host}')",
        "glob": f"SELECT * FROM glob('{folder}/*')",
        "install": "INSTALL httpfs",
        "load": "LOAD httpfs",
        "load_file": f"LOAD '{folder / 'evil.duckdb_extension'}'",
        "attach": f"ATTACH '{folder / 'other.duckdb'}' AS other",
        "enable_external_access": "SET enable_external_access = true",
        "reset_external_access": "RESET enable_external_access",
        "unlock_configuration": "SET lock_configuration = false",
        "two_statements": "SET enable_external_access = true; SELECT * FROM glob('/*')",
    }


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", list(attacks(Path("/x"))))
def test_every_way_out_is_refused_in_one_chinese_line(warehouse, name, capsys):
    folder = warehouse.parent
    before = files_under(folder)
    assert analyst.main(warehouse, attacks(folder)[name]) == 1
    out, err = capsys.readouterr()
    assert (
        err.startswith("assess: 不允许：assess sql 只能只读查询数据仓库本身")
        and err.count("\n") == 1
    )
    assert "hunter2" not in out + err and "root:" not in out
    assert files_under(folder) == before  # nothing written, nothing overwritten


def test_the_warehouse_itself_is_still_queryable(warehouse, capsys):
    assert analyst.main(warehouse, "SELECT unit_id FROM mart.unit_score") == 0
    assert capsys.readouterr().out.splitlines() == ["unit_id", "DY01"]
    con = analyst.connect(warehouse)
    try:
        (value,) = con.execute(
            "SELECT value FROM duckdb_settings() WHERE name = 'enable_external_access'"
        ).fetchone()
    finally:
        con.close()
    assert value == "false"


def test_an_ordinary_sql_error_is_still_an_sql_error(warehouse, capsys):
    assert analyst.main(warehouse, "DELETE FROM mart.unit_score") == 1
    assert capsys.readouterr().err.startswith("assess: SQL 错误：")
