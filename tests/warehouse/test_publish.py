"""Publication: aside copy, one transaction, audits, swap; history by run_id; one writer."""

import errno
import os
import signal
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from schemas import tables
from warehouse import archive
from warehouse.ddl import ALL_TABLES, ddl_statements
from warehouse.location import publish
from warehouse.lock import WarehouseBusy, writer_lock
from warehouse.publish import Publication, PublicationCheckFailed


def _units(year: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [year],
            "unit_id": ["U1"],
            "unit_name": ["县民政局"],
            "unit_type": ["部门"],
            "communities": [["C1"]],
        }
    ).cast(tables.UNITS.polars_schema)


def _score(year: int, run_id: str, total: str) -> dict[str, pl.DataFrame]:
    marts = {t.name: pl.DataFrame(schema=t.polars_schema) for t in tables.MART_TABLES}
    marts["unit_score"] = pl.DataFrame(
        [
            {
                "year": year,
                "unit_id": "U1",
                "unit_name": "县民政局",
                "work": float(total),
                "satisfaction": 0.0,
                "bonus": 0.0,
                "penalty": 0.0,
                "total": total,
                "rank": 1,
                "grade": "合格",
                "red_months": 0,
                "yellow_months": 0,
                "is_final": True,
                "run_id": run_id,
            }
        ]
    ).cast(tables.UNIT_SCORE.polars_schema)
    marts["score_line_item"] = pl.DataFrame(
        [
            {
                "year": year,
                "unit_id": "U1",
                "component": "work",
                "rule_id": "task_completion",
                "points": float(total),
                "task_id": "T1",
                "month": None,
                "ref": None,
                "detail": "",
            }
        ]
    ).cast(tables.SCORE_LINE_ITEM.polars_schema)
    return marts


def _pub(run_id: str, total: str, year: int = 2021) -> Publication:
    return Publication(
        run_id, year, audit={}, core={"units": _units(year)}, marts=_score(year, run_id, total)
    )


def _published(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_publish_replaces_the_year_and_keeps_history(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    publish(wh, _pub("r2", "75.50"))
    publish(wh, _pub("r3", "60.00", year=2022))
    assert _published(
        wh, "SELECT year, run_id, total::VARCHAR FROM mart.unit_score ORDER BY year"
    ) == [(2021, "r2", "75.50"), (2022, "r3", "60.00")]
    assert _published(wh, "SELECT run_id FROM history.unit_score ORDER BY run_id") == [
        ("r1",),
        ("r2",),
        ("r3",),
    ]
    assert _published(wh, "SELECT year, run_id FROM audit.publication ORDER BY year") == [
        (2021, "r2"),
        (2022, "r3"),
    ]
    assert not list(tmp_path.glob(".*building*"))


def test_failed_audit_leaves_published_file_untouched(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    before = wh.read_bytes()
    bad = _pub("r2", "75.50")
    bad.marts["score_line_item"] = bad.marts["score_line_item"].with_columns(points=pl.lit(1.0))
    with pytest.raises(PublicationCheckFailed, match="line_items_make_components"):
        publish(wh, bad)
    assert wh.read_bytes() == before
    assert not list(tmp_path.glob(".*building*"))


def test_components_that_do_not_add_up_to_the_total_are_not_published(tmp_path):
    wh = tmp_path / "w.duckdb"
    bad = _pub("r1", "70.00")
    bad.marts["unit_score"] = bad.marts["unit_score"].with_columns(
        total=pl.lit(Decimal("70.01"), pl.Decimal(8, 2))
    )
    with pytest.raises(PublicationCheckFailed, match="components_add_up_to_totals"):
        publish(wh, bad)
    assert not wh.exists()


def test_open_reader_keeps_its_snapshot_while_a_run_publishes(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    analyst = duckdb.connect(str(wh), read_only=True)
    try:
        publish(wh, _pub("r2", "75.50"))  # does not block on the open reader
        assert analyst.sql("SELECT run_id FROM mart.unit_score").fetchall() == [("r1",)]
    finally:
        analyst.close()
    assert _published(wh, "SELECT run_id FROM mart.unit_score") == [("r2",)]


def test_second_writer_waits_then_fails_clearly(tmp_path):
    wh = tmp_path / "w.duckdb"
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(wh, 5):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(WarehouseBusy, match="另一运行正在写入"):
            publish(wh, _pub("r1", "70.00"), wait_seconds=0.2)
    finally:
        release.set()
        t.join()
    publish(wh, _pub("r1", "70.00"), wait_seconds=1)


def test_a_waiting_run_says_once_whom_it_waits_for(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(wh, 5, holder="2021-20220131T020000Z-abc123"):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(WarehouseBusy) as refused:
            publish(wh, _pub("r1", "70.00"), wait_seconds=0.5)
    finally:
        release.set()
        t.join()
    holder = f"进程 {os.getpid()}，运行 2021-20220131T020000Z-abc123"
    assert holder in str(refused.value)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: 等待写入锁：另一运行正在写入")
    assert holder in lines[0] and "最多等待 0.5 秒" in lines[0]


def test_an_interrupt_at_the_swap_never_hides_a_publication(tmp_path, monkeypatch):
    """Ctrl-C arriving as the new file is renamed in is held until the caller knows."""
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    rename = os.replace
    told = []

    def ctrl_c_then_rename(src, dst):
        signal.raise_signal(signal.SIGINT)
        rename(src, dst)

    monkeypatch.setattr("warehouse.publish.os.replace", ctrl_c_then_rename)
    # Python's own Ctrl-C handler, whatever an earlier test in this worker process left
    # installed (seen once under xdist: no KeyboardInterrupt)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            publish(wh, _pub("r2", "75.50"), on_swapped=lambda: told.append("published"))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert told == ["published"]
    assert _published(wh, "SELECT run_id FROM mart.unit_score") == [("r2",)]
    assert not list(tmp_path.glob(".*building*"))


def test_a_full_disk_during_the_copy_leaves_no_partial_copy(tmp_path, monkeypatch):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    before = wh.read_bytes()

    def half_then_full(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[: len(before) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr("warehouse.publish.shutil.copyfile", half_then_full)
    with pytest.raises(OSError, match="No space left"):
        publish(wh, _pub("r2", "75.50"))
    assert wh.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_every_table_and_column_has_a_comment(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    missing = _published(
        wh,
        """
        SELECT table_name, column_name FROM duckdb_columns()
        WHERE schema_name IN ('core', 'mart', 'history', 'audit')
          AND (comment IS NULL OR comment = '')""",
    )
    assert missing == []


def test_archive_is_content_addressed_and_verified(tmp_path):
    digest = archive.sha256_of(b"hello")
    assert digest == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    archive.store_all(tmp_path, {digest: b"hello"})
    archive.store_all(tmp_path, {digest: b"hello"})  # idempotent
    assert archive.fetch(tmp_path, digest) == (b"hello", digest)
    archive.archive_path(tmp_path, digest).write_bytes(b"HELLO")
    assert archive.fetch(tmp_path, digest)[1] != digest


def test_storage_version_is_readable_by_older_duckdb(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    tags = _published(wh, "SELECT tags FROM duckdb_databases() WHERE database_name = 'w'")
    assert tags[0][0]["storage_version"].startswith("v1.2")


def test_history_holds_the_published_mart_rows_with_run_id(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    publish(wh, _pub("r2", "75.50"))
    con = duckdb.connect(str(wh), read_only=True)
    compared = 0
    try:
        for table in tables.MART_TABLES:
            mart = con.sql(f"SELECT * FROM mart.{table.name}").pl()
            history = con.sql(f"SELECT * FROM history.{table.name} WHERE run_id = 'r2'").pl()
            if "run_id" not in mart.columns:
                mart = mart.with_columns(run_id=pl.lit("r2"))
            assert history.select(mart.columns).equals(mart), table.name
            compared += mart.height
    finally:
        con.close()
    assert compared > 0  # not only empty tables


def test_a_current_warehouse_needs_no_ddl(tmp_path):
    wh = tmp_path / "w.duckdb"
    publish(wh, _pub("r1", "70.00"))
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert ddl_statements(con, ALL_TABLES) == []
    finally:
        con.close()
    with duckdb.connect() as fresh:
        assert len(ddl_statements(fresh, ALL_TABLES)) > len(ALL_TABLES)


def test_a_warehouse_of_an_older_contract_gets_the_new_columns(tmp_path):
    """mart.warning_list as published before it compared month over month: the columns added
    since are added (null in the old rows), and the old rows stay."""
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE SCHEMA mart")
    con.execute(
        "CREATE TABLE mart.warning_list (year INTEGER, task_id VARCHAR, unit_id VARCHAR, "
        "task_name VARCHAR, month INTEGER, status VARCHAR, reason VARCHAR, "
        "previous_status VARCHAR, change VARCHAR, run_id VARCHAR)"
    )
    con.execute("INSERT INTO mart.warning_list (year, task_id) VALUES (2021, 'T1')")
    for statement in ddl_statements(con, ALL_TABLES):
        con.execute(statement)
    columns = [r[0] for r in con.execute("DESCRIBE mart.warning_list").fetchall()]
    assert {"planned", "progress", "months_in_row"} <= set(columns)
    assert con.execute("SELECT task_id, months_in_row FROM mart.warning_list").fetchall() == [
        ("T1", None)
    ]
    assert ddl_statements(con, ALL_TABLES) == []  # at the contract now
    con.close()
