"""A pytest plugin for mutation runs only ([tool.mutmut] in pyproject.toml loads it with -p).

mutmut runs each mutant's tests with -x in a process forked from its fork server, so a killed
mutant costs every test before its first failing one. Its fork server hands those tests over
in the order of a set; this plugin runs first the tests of the mutated rule's own test module
(tests/scoring/test_scoring_<topic>.py, when the mutant's module or function names <topic>),
then the rest, each group fastest first by the durations mutmut recorded when it collected its
statistics (`mutmut-stats.json` beside the mutated code).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")  # mutmut runs the tests from its mutants/ folder


def topic(item: pytest.Item) -> str:
    return item.path.stem.removeprefix("test_scoring_")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")  # e.g. transforms.scoring.status.x_…
    seconds = json.loads(STATS.read_text())["duration_by_test"] if STATS.exists() else {}
    items.sort(key=lambda item: (topic(item) not in mutant, seconds.get(item.nodeid, math.inf)))
