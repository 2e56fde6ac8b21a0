"""schemas/semantics.py: which Changes a version switches on."""

import pytest

from schemas.semantics import (
    CHANGES,
    CURRENT,
    LATEST,
    ROUNDED_COMPONENTS,
    WORK_TO_DATE,
    Semantics,
)


def test_a_run_recorded_without_a_version_is_version_1_with_no_change():
    old = Semantics.of(None)
    assert (old.version, old.changes) == (1, frozenset())
    assert not any(old.uses(c) for c in CHANGES)


def test_the_latest_version_uses_every_change():
    assert Semantics.of(CURRENT) == LATEST
    assert all(LATEST.uses(c) for c in CHANGES)


def test_plus_adds_one_change():
    one = Semantics.of(1).plus(WORK_TO_DATE)
    assert one.uses(WORK_TO_DATE)
    assert not one.uses(ROUNDED_COMPONENTS)
    assert one.version == 2


@pytest.mark.parametrize("version", [0, CURRENT + 1])
def test_an_unknown_version_is_refused_in_chinese(version):
    with pytest.raises(ValueError, match="评分口径版本"):
        Semantics.of(version)
