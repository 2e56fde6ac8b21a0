"""Every way a run can end without publishing: one line, exit 1, a failed audit.run row when the
warehouse can be written, the published year unchanged, a traceback only in logs/<run_id>.log."""

from __future__ import annotations

import datetime as dt
import errno
from pathlib import Path

import duckdb
import pytest

from flows.assess_year import assess_year
from flows.failures import one_line
from tests.flows.conftest import AS_OF, assess_here, copy_published
from warehouse.location import DuckDBFile

FINAL = dt.date.fromisoformat(AS_OF)
EARLIER = dt.date(2021, 7, 20)


def rows(path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def scores(workspace):
    return rows(workspace / "assess.duckdb", "SELECT * FROM mart.unit_score ORDER BY unit_id")


@pytest.fixture
def final(published_demo, workspace):
    return copy_published(published_demo, workspace)


def test_an_earlier_look_does_not_replace_the_final_result(final, workspace):
    before = scores(workspace)
    refused = assess_year(2021, as_of=EARLIER)
    assert not refused.published
    assert final.run_id in refused.message and str(FINAL) in refused.message
    assert "--replace" in refused.message and "--warehouse" in refused.message
    assert scores(workspace) == before
    assert rows(
        workspace / "assess.duckdb",
        f"SELECT status FROM audit.run WHERE run_id = '{refused.run_id}'",
    ) == [("failed",)]
    # the same look into another warehouse file is what the docs show, and it publishes
    other = assess_year(2021, as_of=EARLIER, warehouse=str(workspace / "what-if" / "assess.duckdb"))
    assert other.published, other.message
    assert scores(workspace) == before
    assert (workspace / "what-if" / "out" / "2021" / "看板.html").is_file()


def test_replace_allows_it(final, workspace):
    replaced = assess_year(2021, as_of=EARLIER, replace=True)
    assert replaced.published, replaced.message
    assert rows(workspace / "assess.duckdb", "SELECT DISTINCT is_final FROM mart.unit_score") == [
        (False,)
    ]


def test_a_later_or_equal_final_run_publishes_without_replace(final, workspace):
    again = assess_year(2021, as_of=FINAL + dt.timedelta(days=1))
    assert again.published, again.message


def test_an_unexpected_error_is_one_line_and_a_log_file(final, workspace, monkeypatch):
    before = scores(workspace)
    monkeypatch.setenv("ASSESS_FAIL_AT", "score")
    failed = assess_year(2021, as_of=FINAL)
    assert not failed.published
    log = workspace / "logs" / f"{failed.run_id}.log"
    assert str(log) in failed.message and "\n" not in failed.message
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert "InjectedFault" in log.read_text(encoding="utf-8")
    assert scores(workspace) == before
    assert rows(
        workspace / "assess.duckdb",
        f"SELECT status FROM audit.run WHERE run_id = '{failed.run_id}'",
    ) == [("failed",)]


@pytest.mark.parametrize("kind", ["folder", "text file", "under a file"])
def test_a_bad_warehouse_path_is_refused_before_any_work(prefect_server, workspace, kind):
    text = workspace / "notes.txt"
    text.write_text("不是数据仓库\n", encoding="utf-8")
    target = {
        "folder": workspace / "inbox",
        "text file": text,
        "under a file": text / "assess.duckdb",
    }[kind]
    result = assess_year(2021, as_of=FINAL, warehouse=str(target))
    assert not result.published and "\n" not in result.message
    assert str(target) in result.message or str(text) in result.message
    assert text.read_text(encoding="utf-8") == "不是数据仓库\n"
    assert not (workspace / "archive").exists()  # nothing was taken in


def test_the_command_line_says_one_line_and_exits_1(final, workspace):
    done = assess_here(workspace, "run", "--year", "2021", "--as-of", "2021-07-20")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: 2021 年未发布：")
    assert final.run_id in lines[0] and "--replace" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "where", ["flows.assess_year.pause_point", "warehouse.publish.pause_point"]
)
def test_an_interrupt_is_one_line_with_the_runs_own_as_of_date(
    final, workspace, monkeypatch, where
):
    """Ctrl-C after scoring, or in publication just before the swap: not published, the
    published year unchanged, the failed row dated as of the run (not today)."""
    before = scores(workspace)

    pressed = []

    def ctrl_c(name: str) -> None:
        if not pressed:  # once: the failure recorder publishes its row through the same code
            pressed.append(name)
            raise KeyboardInterrupt

    monkeypatch.setattr(where, ctrl_c)
    stopped = assess_year(2021, as_of=FINAL)
    assert not stopped.published
    assert stopped.message == "运行被中断，未发布，已发布的结果不变"
    assert scores(workspace) == before
    assert rows(
        workspace / "assess.duckdb",
        f"SELECT status, as_of FROM audit.run WHERE run_id = '{stopped.run_id}'",
    ) == [("failed", FINAL)]
    assert not list(workspace.glob(".*building*"))


def test_a_full_disk_is_said_and_leaves_no_partial_copy(final, workspace, monkeypatch):
    before = scores(workspace)

    def half_then_full(src, dst):
        Path(dst).write_bytes(Path(src).read_bytes()[:4096])
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr("warehouse.publish.shutil.copyfile", half_then_full)
    failed = assess_year(2021, as_of=FINAL)
    assert not failed.published and failed.message.startswith("磁盘空间已满")
    assert "\n" not in failed.message and "已发布的结果不变" in failed.message
    assert scores(workspace) == before
    assert not list(workspace.glob(".*building*"))


def test_a_log_that_cannot_be_written_anywhere_still_gives_the_line(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr("warehouse.runlog.tempfile.gettempdir", lambda: str(blocker))
    full = OSError(errno.ENOSPC, "No space left on device", "/srv/assess/.assess.duckdb.x")
    line = one_line(full, DuckDBFile(blocker / "assess.duckdb"), "2021-x")
    assert line.startswith("磁盘空间已满") and "日志也无法写入" in line


def test_a_warehouse_open_for_writing_elsewhere_is_refused_and_kept(final, workspace):
    """An analyst's notebook holds the warehouse read-write: one line before any work, and the
    notebook's committed table is still there when it closes (nothing was renamed over it)."""
    import subprocess
    import sys

    from tests.warehouse.test_other_writer import ANALYST

    wh = workspace / "assess.duckdb"
    notebook = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(wh)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert notebook.stdout.readline().strip() == "ready"
        archived = sorted((workspace / "archive").rglob("*"))
        refused = assess_year(2021, as_of=FINAL)
        assert not refused.published and "\n" not in refused.message
        assert "正被另一个程序（python" in refused.message and str(notebook.pid) in refused.message
        assert sorted((workspace / "archive").rglob("*")) == archived  # before any work
        out, _ = notebook.communicate("go\n", timeout=60)
        assert "closed" in out
    finally:
        if notebook.poll() is None:
            notebook.kill()
    assert rows(wh, "SELECT note FROM main.analyst_notes ORDER BY note") == [(1,), (2,)]
    assert rows(wh, "SELECT run_id FROM audit.publication") == [(final.run_id,)]


def test_ctrl_c_does_not_wait_for_another_runs_lock(tmp_path, capsys):
    """An interrupted run records its row only if the warehouse is free at once: Ctrl-C while
    another run publishes must not hold the terminal for the recorder's 30 s."""
    import threading
    import time

    from cli.app import _outside_flow
    from tests.warehouse.test_publish import _pub
    from warehouse.location import publish
    from warehouse.lock import writer_lock

    wh = tmp_path / "assess.duckdb"
    publish(wh, _pub("r1", "70.00"))
    held, release = threading.Event(), threading.Event()

    def other_run():
        with writer_lock(wh, 5, holder="2021-other"):
            held.set()
            release.wait(60)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait(5)
    try:
        started = time.monotonic()
        line = _outside_flow(KeyboardInterrupt(), 2021, wh, "2021-x", FINAL, "manual")
        elapsed = time.monotonic() - started
    finally:
        release.set()
        thread.join()
    assert line == "运行被中断，未发布，已发布的结果不变"
    assert elapsed < 10 and capsys.readouterr().err == ""
