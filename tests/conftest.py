"""Fixtures shared by every test folder: the session's one Prefect server and published demo.

A parallel run (xdist) starts one Prefect server for all its workers, in the background as the
session begins, and each worker runs the tests that need no server first, while it starts
(tests/prefect_server.py). A run without workers starts its own when a test first asks."""

from __future__ import annotations

import os

import pytest

import flows  # noqa: F401  (Prefect settings for an offline machine, before Prefect loads)
from tests import prefect_server as shared

# Where cli_env finds the session's server (an environment variable, not a module global:
# pytest may import this file under two module names).
SESSION_API = "ASSESS_TESTS_PREFECT_API_URL"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):
        config.stash[shared.SERVER] = shared.start()  # the controller, before its workers


def pytest_unconfigure(config: pytest.Config) -> None:
    if shared.SERVER in config.stash:
        shared.stop(config.stash[shared.SERVER])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # the tests that need no Prefect server first: they run while the server starts
    items.sort(key=lambda item: "prefect_server" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def prefect_server():
    """The session's Prefect server: its API URL (in-process flows use it too)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    url = shared.ready()
    with (
        temporary_settings({PREFECT_API_URL: url})
        if url
        else prefect_test_harness(server_startup_timeout=120)
    ):
        os.environ[SESSION_API] = PREFECT_API_URL.value()
        try:
            yield os.environ[SESSION_API]
        finally:
            del os.environ[SESSION_API]


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory, prefect_server):
    """The demo year published once per test process (final, as of the flows' AS_OF), in this
    process: a test that starts from the published demo copies it (tests/flows/conftest.py,
    `copy_published`) instead of spending a run on publishing it again. Its folder and the
    run's result."""
    import datetime as dt
    import shutil

    from flows.assess_year import assess_year
    from tests.flows.conftest import AS_OF, DEMO_INBOX, PII_KEY

    root = tmp_path_factory.mktemp("published-demo")
    shutil.copytree(DEMO_INBOX, root / "inbox")
    with pytest.MonkeyPatch.context() as env:  # what the flows' `workspace` fixture sets
        for name in list(os.environ):  # and no setting a test may have left (ASSESS_COUNTY, ...)
            if name.startswith("ASSESS_") and name != SESSION_API:
                env.delenv(name)
        env.setenv("ASSESS_INBOX", str(root / "inbox"))
        env.setenv("ASSESS_WAREHOUSE", str(root / "assess.duckdb"))
        env.setenv("ASSESS_PII_KEY", PII_KEY)
        result = assess_year(2021, as_of=dt.date.fromisoformat(AS_OF))
    assert result.published, result.message
    return root, result
