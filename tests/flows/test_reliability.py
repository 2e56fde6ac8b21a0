"""Real processes, real kills: the published year survives anything a run goes through."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time

import duckdb
import pytest

from flows.assess_year import assess_year
from tests.flows.conftest import AS_OF, assess, start_assess

RUN = ("run", "--year", "2021", "--as-of", AS_OF, "--quiet")


def published_state(workspace):
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        return (
            con.execute("SELECT run_id FROM audit.publication WHERE year = 2021").fetchall(),
            con.execute(
                "SELECT unit_id, total, rank, grade FROM mart.unit_score ORDER BY unit_id"
            ).fetchall(),
        )
    finally:
        con.close()


def office_files_of(workspace, writing: tuple[str, ...] = ()) -> str:
    """The run whose office files out/2021/ holds (看板.html names it); nothing hidden beside
    but the folders still being written (`writing`)."""
    out = workspace / "out"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == sorted(writing)
    page = (out / "2021" / "看板.html").read_text(encoding="utf-8")
    return re.search(r"运行 (2021-[0-9A-Za-z-]+)", page).group(1)


def wait_for(path, timeout=300):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"run never reached {path.name}"
        time.sleep(0.1)


@pytest.fixture
def baseline(workspace):
    """A published year to protect (in-process: the runs under test are the subprocesses)."""
    assert assess_year(2021, as_of=dt.date.fromisoformat(AS_OF)).published
    return published_state(workspace)


@pytest.mark.parametrize("point", ["take_in", "score", "swap"])
def test_run_killed_at_any_point_leaves_the_published_year_intact(workspace, baseline, point):
    marker = workspace / "paused"
    run = start_assess(workspace, *RUN, ASSESS_PAUSE_AT=point, ASSESS_PAUSE_FILE=str(marker))
    wait_for(marker)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(30)
    assert published_state(workspace) == baseline
    done = assess(workspace, *RUN)  # the next run succeeds and cleans up after the dead one
    assert done.returncode == 0, done.stderr
    after = published_state(workspace)
    assert after[0] != baseline[0] and after[1] == baseline[1]
    assert not list(workspace.glob(".*building*"))
    assert office_files_of(workspace) == after[0][0][0]  # a killed writer's folder is gone


def test_analyst_session_open_during_a_run_neither_blocks_nor_breaks(workspace, baseline):
    analyst = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        done = assess(workspace, *RUN)
        assert done.returncode == 0, done.stderr
        # The open session still reads the result it opened, whole and consistent.
        assert analyst.execute("SELECT run_id FROM audit.publication").fetchall() == baseline[0]
        assert analyst.execute("SELECT count(DISTINCT run_id) FROM mart.unit_score").fetchall() == [
            (1,)
        ]
    finally:
        analyst.close()
    assert published_state(workspace)[0] != baseline[0]


def test_two_runs_at_once_one_waits_or_fails_clearly(workspace, baseline):
    marker = workspace / "paused"
    first = start_assess(workspace, *RUN, ASSESS_PAUSE_AT="swap", ASSESS_PAUSE_FILE=str(marker))
    wait_for(marker)  # the first run holds the writer lock, just before its swap
    started = time.monotonic()
    second = assess(workspace, *RUN, ASSESS_LOCK_WAIT="1")
    assert second.returncode == 1
    # told to wait 1 s for the lock, it does not then wait 30 s more to record its failed row
    assert time.monotonic() - started < 25
    assert "另一运行正在写入" in second.stderr and "Traceback" not in second.stderr
    # Both wrote office files while publishing, each in a folder of its own: the second's are
    # gone with its failure, the first's wait beside out/2021/ for its publication.
    first_writing = f".2021.building-{first.pid}"
    assert office_files_of(workspace, writing=(first_writing,)) == baseline[0][0][0]
    marker.unlink()  # let the first run finish
    assert first.wait(120) == 0, first.stderr.read()
    state = published_state(workspace)
    assert state[0] != baseline[0] and state[1] == baseline[1]
    assert office_files_of(workspace) == state[0][0][0]


@pytest.mark.parametrize(
    ("point", "sig"),
    [("swap", signal.SIGINT), ("swap", signal.SIGTERM), ("take_in", signal.SIGINT)],
    ids=["ctrl_c_in_publish", "sigterm_in_publish", "ctrl_c_reading"],
)
def test_an_interrupt_is_one_line_and_changes_nothing(workspace, baseline, point, sig):
    marker = workspace / "paused"
    run = start_assess(workspace, *RUN, ASSESS_PAUSE_AT=point, ASSESS_PAUSE_FILE=str(marker))
    wait_for(marker)
    os.kill(run.pid, sig)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1, err
    assert err == "assess: 2021 年未发布：运行被中断，未发布，已发布的结果不变\n", err
    assert "Traceback" not in out + err and "Crash" not in out + err
    assert published_state(workspace) == baseline
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        last = con.execute(
            "SELECT status, as_of FROM audit.run ORDER BY started_at DESC LIMIT 1"
        ).fetchall()
    finally:
        con.close()
    assert last == [("failed", dt.date.fromisoformat(AS_OF))]  # the run's date, not today's
    assert not list(workspace.glob(".*building*"))
    assert office_files_of(workspace) == baseline[0][0][0]  # written meanwhile, withdrawn
