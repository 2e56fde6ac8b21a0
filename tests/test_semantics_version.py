"""The demo's golden marts change only with a new scoring semantics version (schemas/semantics.py).

A change of the product that moves a published number must be a new `Change` with version
CURRENT + 1, so that reruns of what earlier versions published still reproduce (docs/reliability.md,
"Reruns across upgrades"). This test records the digest of tests/golden/*.csv under each version:
regenerating the golden files without bumping the version fails here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from schemas.semantics import CHANGES, CURRENT, FIRST, VERSIONS

GOLDEN = Path(__file__).with_name("golden")

# sha256 of the golden mart CSVs, concatenated in name order, as each version left them
DIGESTS = {
    1: "fad9fed5cb829befcd7f6153dfdac5ae545f554ec88136f43395f41bf0c1ac54",  # e4ea09a
    2: "baa4a6fe975aa0a9ef5abf75c82ad181cac0dcd15872d862664fdaabb250b611",  # e7f820c
    3: "fe56e06123bc9d08de907c8a912d16ccab7675a89a84e0c95bf09df3a359d2fa",  # 2e04521
    # version 4 (exact rule edges) moves no number of the demo: no gap or actual of the demo
    # falls on a rule's edge, so its golden marts are those of version 3
    4: "fe56e06123bc9d08de907c8a912d16ccab7675a89a84e0c95bf09df3a359d2fa",
}


def golden_digest() -> str:
    data = b"".join(p.read_bytes() for p in sorted(GOLDEN.glob("*.csv")))
    return hashlib.sha256(data).hexdigest()


def test_golden_results_changed_only_with_a_new_semantics_version():
    assert golden_digest() == DIGESTS[CURRENT], (
        "The demo's golden marts changed but the scoring semantics version did not. If a "
        "change of the product moves a published number, describe it as a Change with version "
        f"{CURRENT + 1} in schemas/semantics.py (behind `semantics.uses(...)`), add a fixture "
        "warehouse built before the change (tests/fixtures/), and record the new digest here "
        f"under {CURRENT + 1}."
    )


def test_every_version_is_described_and_recorded():
    assert sorted(DIGESTS) == list(range(FIRST, CURRENT + 1))
    assert sorted(VERSIONS) == list(range(FIRST, CURRENT + 1))
    assert {c.version for c in CHANGES} == set(range(FIRST + 1, CURRENT + 1))
    assert len({c.code for c in CHANGES}) == len(CHANGES)
