"""The nightly deployment on a real Prefect server: serve it, trigger a run, read the warehouse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request

import duckdb

from tests.flows.conftest import ROOT, cli_env


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_nightly_deployment_runs_on_a_real_prefect_server(workspace, prefect_server):
    # the session's Prefect server (a uvicorn subprocess, SQLite); the runner looks for new
    # flow runs every second instead of every ten
    env = cli_env(workspace, PREFECT_RUNNER_POLL_FREQUENCY="1")
    assert env["PREFECT_API_URL"] == prefect_server and healthy(prefect_server)
    served = None
    try:
        served = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--year", "2021"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        trigger = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import time\n"
                    "from prefect.deployments import run_deployment\n"
                    "for _ in range(240):\n"
                    "    try:\n"
                    "        run = run_deployment('assess-nightly/nightly', timeout=600)\n"
                    "        break\n"
                    "    except Exception:\n"
                    "        time.sleep(0.5)\n"
                    "print(run.state.type.value)\n"
                ),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert trigger.stdout.strip().endswith("COMPLETED"), trigger.stdout + trigger.stderr
    finally:
        if served is not None:
            stop(served)
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT trigger, status FROM audit.run").fetchall() == [
            ("nightly", "published")
        ]
        assert con.execute("SELECT count(*) FROM mart.unit_score").fetchone()[0] > 0
    finally:
        con.close()
