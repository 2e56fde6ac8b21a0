"""Reruns across upgrades, third fixture: what semantics version 3 published (and approved)
reruns `reproduced` with today's product, and `--current` finds nothing to explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.rerun import rerun_year
from tests.flows.conftest import assert_reproduces, published_by

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "published_2e04521"
JULY = "2021-20261203T230748Z-e83b44"  # as of 2021-07-20, provisional
FINAL = "2021-20261203T230835Z-fbc348"  # as of 2022-01-31, final, approved


@pytest.fixture
def v3_warehouse(tmp_path, prefect_server, monkeypatch) -> Path:
    return published_by(FIXTURE.name, tmp_path, monkeypatch)


@pytest.mark.parametrize("run_id", [JULY, FINAL])
def test_a_run_published_by_version_3_reproduces(v3_warehouse, run_id):
    assert_reproduces(v3_warehouse, run_id, 3, approved=FINAL)


@pytest.mark.parametrize("run_id", [JULY, FINAL])
def test_current_semantics_change_nothing_version_3_published(v3_warehouse, run_id):
    got = rerun_year(2021, run_id, str(v3_warehouse), current=True)
    assert got.error is None
    assert got.reproduced, got.differences
