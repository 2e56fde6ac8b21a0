"""The nightly deployment on a real Prefect server: serve it, trigger a run, read the warehouse."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import duckdb

from tests.flows.conftest import ROOT, cli_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


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


def test_nightly_deployment_runs_on_a_real_prefect_server(workspace):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = cli_env(workspace, PREFECT_API_URL=api)
    prefect = [sys.executable, "-m", "prefect"]
    server = subprocess.Popen(
        [*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    served = None
    try:
        wait_until(lambda: healthy(api), 180, "the Prefect server")
        served = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--year", "2021"],
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
        stop(server)
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT trigger, status FROM audit.run").fetchall() == [
            ("nightly", "published")
        ]
        assert con.execute("SELECT count(*) FROM mart.unit_score").fetchone()[0] > 0
    finally:
        con.close()
