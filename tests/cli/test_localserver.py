"""The background Prefect server `assess` starts on first use, reuses, shows and stops."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from cli import localserver
from tests.flows.conftest import AS_OF, ROOT, cli_env


def test_api_url_from_environment_or_active_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.delenv("ASSESS_PREFECT_SERVER", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert localserver.configured_api_url() is None and localserver.wanted()
    (tmp_path / "profiles.toml").write_text(
        'active = "prod"\n[profiles.prod]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n'
    )
    assert localserver.configured_api_url() == "http://10.0.0.5:4200/api"
    assert not localserver.wanted()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert localserver.configured_api_url() == "http://127.0.0.1:4200/api"
    monkeypatch.delenv("PREFECT_API_URL")
    (tmp_path / "profiles.toml").unlink()
    monkeypatch.setenv("ASSESS_PREFECT_SERVER", "temporary")
    assert not localserver.wanted()


def test_stale_state_file_is_not_a_running_server(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    (tmp_path / localserver.STATE_FILE).write_text(
        json.dumps({"pid": os.getpid(), "port": 1, "started_at": 0})  # pytest is no server
    )
    assert localserver.stop() is None
    assert not (tmp_path / localserver.STATE_FILE).exists()


def flow_run_states(api_url: str) -> list[str]:
    request = urllib.request.Request(
        f"{api_url}/flow_runs/filter",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return [run["state_type"] for run in json.load(response)]


@pytest.fixture
def own_server_env(workspace):
    """`assess` with no Prefect API configured and a Prefect home of its own; whatever server
    it starts is stopped afterwards."""
    env = cli_env(workspace)
    del env["PREFECT_API_URL"], env["ASSESS_PREFECT_SERVER"]
    env["PREFECT_HOME"] = str(workspace / "prefect-home")
    yield env
    state = workspace / "prefect-home" / localserver.STATE_FILE
    if state.exists():
        pid = json.loads(state.read_text())["pid"]
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=600,
    )


def test_started_once_reused_visible_and_stopped(own_server_env):
    home = Path(own_server_env["PREFECT_HOME"])
    assert cli(own_server_env, "server", "status").returncode == 1
    run = ("run", "--year", "2021", "--as-of", AS_OF)
    first = cli(own_server_env, *run)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "" and "启动本机 Prefect 服务" in first.stdout
    state = localserver.ServerState(**json.loads((home / localserver.STATE_FILE).read_text()))
    second = cli(own_server_env, *run)
    assert second.returncode == 0, second.stderr
    assert f"Prefect 服务：{state.api_url}（本机后台服务）" in second.stdout
    assert flow_run_states(state.api_url).count("COMPLETED") >= 2  # both runs, on that server
    status = cli(own_server_env, "server", "status")
    assert status.returncode == 0 and state.api_url in status.stdout
    stopped = cli(own_server_env, "server", "stop")
    assert stopped.returncode == 0 and str(state.pid) in stopped.stdout
    assert not localserver.healthy(state.api_url)
    assert not (home / localserver.STATE_FILE).exists()
    assert "Traceback" not in first.stdout + second.stdout + stopped.stdout + stopped.stderr
