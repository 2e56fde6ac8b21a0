"""Prefect flows and the `assess` command line.

The machine running the nightly is offline: Prefect's telemetry is switched off before
Prefect is imported, so no run prints connection errors.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# Without a server, Prefect starts a temporary one per process; its task-run recorder can be
# cancelled mid-flush when the process exits and then prints a traceback. Nobody reads task
# runs of a temporary server, so it is switched off there (a real server keeps its own setting).
os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")
