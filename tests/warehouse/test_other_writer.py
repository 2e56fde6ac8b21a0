"""Another program holds the warehouse open for writing (an analyst's DBeaver, a notebook): a
run refuses in one line before any work, and neither publication nor the failure recorder ever
renames a file over it, so what that program committed survives. The other program is a real
second process with a real read-write DuckDB connection."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.assess_year import RunResult, record_failure
from tests.warehouse.test_publish import _pub, _published
from warehouse.location import DuckDBFile, publish
from warehouse.lock import WarehouseInUse
from warehouse.target import WarehouseUnusable, check_target

# The analyst's session: commits a table, says so, commits one more row when told, closes.
ANALYST = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CREATE TABLE main.analyst_notes AS SELECT 1 AS note")
    print("ready", flush=True)
    sys.stdin.readline()
    con.execute("INSERT INTO main.analyst_notes VALUES (2)")
    con.close()
    print("closed", flush=True)
    """
)


class Analyst:
    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def finish(self) -> None:
        """Commit one more row and close the session normally."""
        out, err = self.process.communicate("go\n", timeout=60)
        assert "closed" in out, err


@pytest.fixture
def published(tmp_path: Path) -> Path:
    wh = tmp_path / "assess.duckdb"
    publish(wh, _pub("r1", "70.00"))
    return wh


@pytest.fixture
def analyst(published: Path) -> Iterator[Analyst]:
    process = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    held = Analyst(process)
    try:
        yield held
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def notes(wh: Path) -> list[tuple]:
    return _published(wh, "SELECT note FROM main.analyst_notes ORDER BY note")


def test_publication_refuses_and_the_analysts_table_survives(published, analyst, tmp_path):
    with pytest.raises(WarehouseInUse, match=rf"正被另一个程序.*进程 {analyst.process.pid}"):
        publish(published, _pub("r2", "75.50"))
    assert not list(tmp_path.glob(".*building*"))
    analyst.finish()
    assert notes(published) == [(1,), (2,)]  # both of the analyst's commits are in the file
    assert _published(published, "SELECT run_id FROM mart.unit_score") == [("r1",)]


def test_the_failure_recorder_never_renames_over_it(published, analyst):
    failed = RunResult("2021-x", 2021, dt.date(2022, 1, 31), "failed", "某个原因")
    # best effort: says nothing, loses nothing
    record_failure(DuckDBFile(published), failed, "manual", {})
    analyst.finish()
    assert notes(published) == [(1,), (2,)]
    assert _published(published, "SELECT count(*) FROM audit.run") == [(0,)]


def test_the_warehouse_check_refuses_before_any_work(published, analyst):
    with pytest.raises(WarehouseInUse) as refused:
        check_target(published)
    line = str(refused.value)
    assert "\n" not in line and str(published) in line and "以读写方式打开" in line
    analyst.finish()
    check_target(published)  # closed: usable again


def test_changes_left_in_a_write_ahead_log_are_not_thrown_away(published, analyst):
    """A notebook killed with its session open leaves its commits in <file>.wal: a copy of the
    file alone would lose them, and the old log replayed onto a new file could damage it."""
    analyst.process.kill()
    analyst.process.wait()
    assert published.with_name(published.name + ".wal").exists()
    with pytest.raises(WarehouseInUse, match="写入日志"):
        publish(published, _pub("r2", "75.50"))
    assert notes(published) == [(1,)]  # DuckDB replays the log when the file is opened


def test_assess_sql_says_who_holds_it(published, analyst, capsys):
    from cli import analyst as shell

    assert shell.main(published, "SELECT 1") == 1
    err = capsys.readouterr().err
    assert err.startswith("assess: 数据仓库") and f"进程 {analyst.process.pid}" in err
    assert err.count("\n") == 1


def test_a_damaged_warehouse_is_refused_in_one_line(published):
    """Opening the file to look for another writer also finds a file DuckDB cannot open."""
    data = bytearray(published.read_bytes())
    data[5000:9000] = b"x" * 4000
    published.write_bytes(bytes(data))
    with pytest.raises(WarehouseUnusable, match="无法作为 DuckDB 数据仓库打开") as refused:
        check_target(published)
    assert "\n" not in str(refused.value)


def test_assess_run_refuses_before_starting_anything(
    published, analyst, prefect_server, tmp_path, monkeypatch
):
    """In-process `assess run`: one line naming the other program, exit 1, no Prefect server
    asked for, and the analyst's table kept."""
    from typer.testing import CliRunner

    from cli.app import app

    monkeypatch.setenv("PREFECT_API_URL", prefect_server)
    monkeypatch.setenv("ASSESS_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("ASSESS_WAREHOUSE", str(published))
    done = CliRunner().invoke(app, ["run", "--year", "2021", "--as-of", "2022-01-31"])
    assert done.exit_code == 1
    assert (
        done.stderr.startswith("assess: 2021 年未发布：数据仓库") and done.stderr.count("\n") == 1
    )
    assert f"进程 {analyst.process.pid}" in done.stderr and "Prefect" not in done.stdout
    analyst.finish()
    assert notes(published) == [(1,), (2,)]
