"""The hostile-input corpus run through the real command line (cases: tests/hostile/corpus.py).

The demo is published once; each case runs on its own copy of that published workspace. Every
case asserts its exit status, that no traceback reaches the console (and that a refusal is one
`assess: ` line on stderr), that every file of every run reconciles, that nothing from outside
the inbox is read or archived, and that a refused run leaves the published year as it was.

Each case runs the command-line app in the test's own process (tests/flows/conftest.py,
`assess_here`: the environment a subprocess would get, its exit status and streams), on the
test session's Prefect server; a case marked `whole_process` runs as a real `assess`
subprocess. One case: `-k link_to_passwd`.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.flows.conftest import AS_OF, DEMO_INBOX, assess, assess_here, copy_published
from tests.hostile import mutate
from tests.hostile.corpus import CASES, PUBLISHED, Case, Space
from tests.hostile.outcome import (
    Outcome,
    files_containing,
    is_duckdb,
    published_state,
    query,
    results,
)

RUN = ("run", "--year", "2021", "--as-of", AS_OF)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, published_demo) -> Path:
    """The published demo (the session's, as RUN publishes it), with files outside the inbox
    that hold the sentinel."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(DEMO_INBOX, root / "inbox")
    copy_published(published_demo, root)
    mutate.make_outside(root / "inbox" / "2021", root / "outside")
    return root


@pytest.fixture(scope="module")
def baseline_results(baseline: Path) -> dict[str, list[tuple]]:
    """What the published demo's marts hold (no case changes the workspace's own warehouse)."""
    return results(baseline / "assess.duckdb")


def _copy(baseline: Path, root: Path) -> Space:
    shutil.copytree(baseline, root, symlinks=True, ignore=shutil.ignore_patterns("prefect-home-*"))
    return Space(root=root, inbox=root / "inbox", warehouse=root / "assess.duckdb")


def _run(space: Space, whole_process: bool, before: dict[str, list[tuple]]) -> Outcome:
    stop = threading.Event()
    thread = threading.Thread(target=space.during, args=(stop,)) if space.during else None
    if thread:
        thread.start()
    try:
        done = (assess if whole_process else assess_here)(space.root, *RUN, *space.args)
    finally:
        stop.set()
        if thread:
            thread.join()
    return Outcome(space.root, space.warehouse, done, before)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_hostile_case(
    case: Case, baseline: Path, baseline_results: dict[str, list[tuple]], tmp_path: Path
) -> None:
    space = _copy(baseline, tmp_path / "ws")
    published_before = published_state(space.root / "assess.duckdb")
    case.mutate(space)
    outcome = _run(space, case.whole_process, baseline_results)
    _assert_console(outcome, case.expect)
    if case.expect != PUBLISHED:
        assert published_state(space.root / "assess.duckdb") == published_before
        _assert_failed_run_recorded(outcome)
    _assert_every_file_reconciles(space)
    _assert_nothing_from_outside(space)
    if case.check is not None:
        case.check(outcome)


def _assert_console(o: Outcome, expect: str) -> None:
    both = o.done.stdout + o.done.stderr
    assert "Traceback" not in both, both[-3000:]
    if expect == PUBLISHED:
        assert o.done.returncode == 0, o.done.stderr[-3000:]
        return
    assert o.done.returncode == 1, (o.done.returncode, o.done.stderr[-3000:])
    lines = o.done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assess: "), o.done.stderr


def _assert_failed_run_recorded(o: Outcome) -> None:
    """A refusal appends its failed row to audit.run when the warehouse can be written."""
    if is_duckdb(o.warehouse):
        assert o.last_run()["status"] == "failed"


def _assert_every_file_reconciles(space: Space) -> None:
    for warehouse in {space.root / "assess.duckdb", space.warehouse}:
        if is_duckdb(warehouse):
            assert (
                query(
                    warehouse,
                    "SELECT run_id, file, sheet FROM audit.input_file "
                    "WHERE rows_read <> rows_loaded + rows_duplicate + rows_quarantined",
                )
                == []
            )


def _assert_nothing_from_outside(space: Space) -> None:
    """The sentinel held by every file outside the inbox is in no archived file, no warehouse,
    no office workbook, no log."""
    skip = (space.outside, space.inbox, space.root / "inbox")
    assert files_containing(space.root, mutate.SENTINEL, skip) == []
