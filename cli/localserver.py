"""The Prefect server `assess` runs against (docs/operations.md, "The background Prefect server").

When no Prefect API is configured (PREFECT_API_URL in the environment or in the active Prefect
profile), `assess` starts a Prefect server of its own in the background on first use: loopback
only, a free port, its SQLite database and log in PREFECT_HOME (default ~/.prefect), its pid
and port in PREFECT_HOME/assess-server.json. Later runs find it there and reuse it, so every
run is a flow run on that server without paying ~10 s for Prefect's temporary per-process
server. `assess server status` / `assess server stop` show and stop it.
ASSESS_PREFECT_SERVER=temporary keeps Prefect's own temporary per-process server instead.

This module imports nothing heavy: it runs before Prefect is imported.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_FILE = "assess-server.json"
LOG_FILE = "assess-server.log"
START_TIMEOUT = 180.0
# What the background server does not need: no UI build on start, no telemetry, no schedules
# of other people's deployments; flow and task runs are recorded as on any server.
SERVER_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "true",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


class ServerNotStarted(RuntimeError):
    """The background server did not answer in time (its log file says why)."""


@dataclass(frozen=True)
class ServerState:
    pid: int
    port: int
    started_at: float

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile, else None."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml")
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    url = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


def wanted() -> bool:
    """Whether `assess` should use (and start if needed) its own background server."""
    mode = os.environ.get("ASSESS_PREFECT_SERVER", "local").strip().lower()
    return mode != "temporary" and configured_api_url() is None


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with opener.open(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def read_state() -> ServerState | None:
    try:
        data = json.loads((prefect_home() / STATE_FILE).read_text(encoding="utf-8"))
        return ServerState(int(data["pid"]), int(data["port"]), float(data["started_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _ours(pid: int) -> bool:
    """The process is alive and is a Prefect server (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc: trust the pid
    return b"prefect" in cmdline and b"server" in cmdline


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn() -> ServerState:
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {**os.environ, **SERVER_ENV, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    with open(home / LOG_FILE, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=home,
            start_new_session=True,  # Ctrl-C in the terminal does not stop it
        )
    state = ServerState(proc.pid, port, time.time())
    tmp = home / f"{STATE_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    tmp.replace(home / STATE_FILE)
    return state


def start() -> tuple[ServerState, bool]:
    """The running server, or a new one being started: (state, started_now)."""
    from filelock import FileLock

    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home / f"{STATE_FILE}.lock"), timeout=60):
        state = read_state()
        if state is not None and _ours(state.pid):
            return state, False
        return _spawn(), True


def wait_ready(
    state: ServerState, tick: Callable[[float], None] | None = None, timeout: float = START_TIMEOUT
) -> None:
    """Wait until the server answers; `tick(seconds)` every ~2 s while it does not."""
    began = time.monotonic()
    last_tick = began
    while not healthy(state.api_url, timeout=2.0):
        now = time.monotonic()
        if not _ours(state.pid) or now - began > timeout:
            log = prefect_home() / LOG_FILE
            raise ServerNotStarted(f"本机 Prefect 服务未能启动（端口 {state.port}），见 {log}")
        if tick is not None and now - last_tick >= 2.0:
            tick(now - began)
            last_tick = now
        time.sleep(0.1)


def stop() -> ServerState | None:
    """Stop the background server; the state that was stopped, or None when none ran."""
    state = read_state()
    (prefect_home() / STATE_FILE).unlink(missing_ok=True)
    if state is None or not _ours(state.pid):
        return None
    try:
        os.killpg(state.pid, signal.SIGTERM)
    except OSError:
        return state
    deadline = time.monotonic() + 20
    while _ours(state.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _ours(state.pid):
        os.killpg(state.pid, signal.SIGKILL)
    return state
