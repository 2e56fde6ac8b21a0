"""Prefect flows and the `assess` command line.

The machine running the nightly is offline: Prefect's telemetry is switched off before
Prefect is imported, so no run prints connection errors.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
