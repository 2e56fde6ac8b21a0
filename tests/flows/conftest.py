"""Flow tests run the real Prefect flows against the test run's one temporary Prefect server
(tests/conftest.py: shared by the xdist workers), on a copy of the bundled demo inbox, with a real DuckDB warehouse in a temp folder.

The `assess` subprocesses of the tests use that same server (PREFECT_API_URL), so none of
them starts a server of its own, and the server stops with the session."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import flows  # noqa: F401  (Prefect settings for an offline machine, before Prefect loads)
from tests.conftest import SESSION_API

ROOT = Path(__file__).resolve().parents[2]
DEMO_INBOX = ROOT / "demo" / "inbox"
AS_OF = "2022-01-31"
PII_KEY = "test-only-key"


@pytest.fixture
def workspace(tmp_path, monkeypatch, prefect_server) -> Path:
    """A copy of the demo inbox and an empty warehouse location; ASSESS_* point at them."""
    shutil.copytree(DEMO_INBOX, tmp_path / "inbox")
    monkeypatch.setenv("ASSESS_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("ASSESS_WAREHOUSE", str(tmp_path / "assess.duckdb"))
    monkeypatch.setenv("ASSESS_PII_KEY", PII_KEY)
    monkeypatch.delenv("ASSESS_ARCHIVE", raising=False)
    return tmp_path


def copy_published(published_demo, workspace: Path):
    """The session's published demo (tests/conftest.py) copied into `workspace`: its warehouse,
    archive and office files beside the workspace's own copy of the same demo inbox, as if the
    demo had just been published there. The run's result."""
    root, result = published_demo
    ignore = shutil.ignore_patterns("inbox", "prefect-home-*")
    shutil.copytree(root, workspace, symlinks=True, ignore=ignore, dirs_exist_ok=True)
    return result


def cli_env(workspace: Path, **extra: str) -> dict[str, str]:
    """Environment for `assess` in a subprocess: its own Prefect home, the session's Prefect
    server (never a background server of its own), the workspace's paths."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ASSESS_"))}
    home = workspace / f"prefect-home-{len(list(workspace.glob('prefect-home-*')))}"
    if os.environ.get(SESSION_API):
        env["PREFECT_API_URL"] = os.environ[SESSION_API]
    env.update(
        ASSESS_PREFECT_SERVER="temporary",
        PREFECT_HOME=str(home),
        ASSESS_INBOX=str(workspace / "inbox"),
        ASSESS_WAREHOUSE=str(workspace / "assess.duckdb"),
        ASSESS_PII_KEY=PII_KEY,
    )
    if os.environ.get("PREFECT_API_URL"):  # a server already running: every run uses it
        env["PREFECT_API_URL"] = os.environ["PREFECT_API_URL"]
    env.update(extra)
    return env


def assess(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the `assess` command line as a user would and wait for it."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env=cli_env(workspace, **env),
        timeout=600,
    )


def assess_here(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`assess` through its command-line app in this process, with the environment a subprocess
    would get (cli_env): the same exit status, stdout and stderr, without an interpreter start
    per call. An exception that escapes the app is put on stderr as its traceback, so a test
    that forbids tracebacks fails on it as it would on a subprocess's."""
    from typer.testing import CliRunner

    from cli.app import app

    saved, cwd = dict(os.environ), Path.cwd()
    # what PREFECT_LOGGING_LEVEL=WARNING does for a subprocess (cli/app.py), for this call
    loggers = [logging.getLogger(n) for n in ("prefect", "prefect.flow_runs", "prefect.task_runs")]
    levels = [logger.level for logger in loggers]
    os.environ.clear()
    os.environ.update(cli_env(workspace, **env))
    os.chdir(ROOT)
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        got = CliRunner().invoke(app, list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
        os.chdir(cwd)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
    stderr = got.stderr
    if got.exception is not None and not isinstance(got.exception, SystemExit):
        stderr += "".join(traceback.format_exception(got.exception))
    return subprocess.CompletedProcess(["assess", *args], got.exit_code, got.stdout, stderr)


def start_assess(workspace: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(workspace, **env),
        start_new_session=True,
    )


FIXTURES = ROOT / "tests" / "fixtures"


def published_by(fixture: str, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the warehouse and archive an earlier version published (tests/fixtures/)."""
    import gzip

    for name in ("ASSESS_ARCHIVE", "ASSESS_WAREHOUSE", "ASSESS_PII_KEY"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(FIXTURES / fixture / "archive", tmp_path / "archive")
    warehouse = tmp_path / "assess.duckdb"
    with gzip.open(FIXTURES / fixture / "assess.duckdb.gz") as packed, warehouse.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return warehouse


def assert_reproduces(warehouse: Path, run_id: str, version: int, approved: str) -> None:
    """Rerun a published run with today's product: `reproduced` under its own version, and
    the approval survives the rerun (tests/flows/test_upgrades_v*.py)."""
    import duckdb

    from flows.rerun import rerun_year

    got = rerun_year(2021, run_id, str(warehouse))
    assert got.error is None
    assert got.reproduced, got.differences
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            "SELECT status, replays_run_id, semantics_version FROM audit.run WHERE run_id = ?",
            [got.rerun_id],
        ).fetchone()
        signed = con.execute("SELECT run_id FROM audit.approval").fetchall()
    finally:
        con.close()
    assert row == ("reproduced", run_id, version)
    assert signed == [(approved,)]  # the sign-off survives the rerun
