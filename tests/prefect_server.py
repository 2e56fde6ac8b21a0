"""One Prefect server for the workers of a parallel test run.

The controller starts it (tests/conftest.py) and does not wait: the server's database is
created while the workers collect and run the tests that need no server. Each worker finds it
through SHARED_API and waits for it to answer the first time a test needs it. It is the
server `prefect_test_harness` starts (uvicorn serving Prefect's app on a fresh SQLite
database), made once instead of once per worker."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SHARED_API = "ASSESS_TESTS_SHARED_PREFECT_API_URL"
STARTUP_SECONDS = 180


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    home: Path


SERVER = pytest.StashKey[Server]()


def start() -> Server:
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = Path(tempfile.mkdtemp(prefix="prefect-tests-"))
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_UI_ENABLED": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
        + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    os.environ[SHARED_API] = f"http://127.0.0.1:{port}/api"  # the workers inherit it
    return Server(process, home)


def ready() -> str | None:
    """The shared server's API URL once it answers; None in a run without one."""
    url = os.environ.get(SHARED_API)
    if url is None:
        return None
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the tests' Prefect server at {url} did not answer in {STARTUP_SECONDS} s")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    os.environ.pop(SHARED_API, None)
    shutil.rmtree(server.home, ignore_errors=True)
