"""Reruns across upgrades: what each earlier semantics version published (and approved) reruns
`reproduced` with today's product, and `--current` finds nothing to explain. One row per
fixture warehouse (tests/fixtures/, each README says how it was built; never regenerate one)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from flows.rerun import rerun_year
from tests.flows.conftest import assert_reproduces, published_by


class Published(NamedTuple):
    fixture: str
    version: int
    july: str  # as of 2021-07-20, provisional
    final: str  # as of 2022-01-31, final, approved


PUBLISHED = [
    Published(
        "published_e7f820c", 2, "2021-20261203T185512Z-915af6", "2021-20261203T185525Z-2593c2"
    ),
    Published(
        "published_2e04521", 3, "2021-20261203T230748Z-e83b44", "2021-20261203T230835Z-fbc348"
    ),
]
RUNS = [
    pytest.param(p, run_id, id=f"v{p.version}-{which}")
    for p in PUBLISHED
    for which, run_id in (("july", p.july), ("final", p.final))
]


@pytest.fixture
def warehouse_of(tmp_path, prefect_server, monkeypatch):
    return lambda published: published_by(published.fixture, tmp_path, monkeypatch)


@pytest.mark.parametrize(("published", "run_id"), RUNS)
def test_a_run_published_by_an_earlier_version_reproduces(warehouse_of, published, run_id):
    warehouse = warehouse_of(published)
    assert_reproduces(warehouse, run_id, published.version, approved=published.final)


@pytest.mark.parametrize(("published", "run_id"), RUNS)
def test_current_semantics_change_nothing_an_earlier_version_published(
    warehouse_of, published, run_id
):
    got = rerun_year(2021, run_id, str(warehouse_of(published)), current=True)
    assert got.error is None
    assert got.reproduced, got.differences
