"""Fixtures shared by every test folder: the session's one Prefect server."""

from __future__ import annotations

import os

import pytest

import flows  # noqa: F401  (Prefect settings for an offline machine, before Prefect loads)

# Where cli_env finds the session's server (an environment variable, not a module global:
# pytest may import this file under two module names).
SESSION_API = "ASSESS_TESTS_PREFECT_API_URL"


@pytest.fixture(scope="session")
def prefect_server():
    """The session's Prefect server: its API URL (in-process flows use it too)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        os.environ[SESSION_API] = PREFECT_API_URL.value()
        try:
            yield os.environ[SESSION_API]
        finally:
            del os.environ[SESSION_API]
