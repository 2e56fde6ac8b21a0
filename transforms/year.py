"""A year computed from its input files: plan → the run's Assessment → sources → core → marts.

The one computation behind a run, a rerun, a simulation, the golden test and the benchmark
breakdown. Pure: files in, frames out. How each step runs is the caller's `step` (the flow runs
each as a Prefect task and times it; tests and benchmarks call it plainly).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import polars as pl

from schemas.rules import Rules
from schemas.semantics import LATEST, Semantics
from schemas.sources import PLAN_FOLDER
from transforms.assessment import Assessment
from transforms.intake import InputFile, Loaded
from transforms.parsed import Store
from transforms.plan import Plan, build_plan
from transforms.scoring import UNMATCHED, score_year
from transforms.sources import core_frames, load_sources, needs_key, settle

T = TypeVar("T")
# step(name, fn, *args) runs one step of the computation and returns fn(*args)
Step = Callable[..., Any]


class InboxFile(Protocol):
    """A file taken in from the inbox (warehouse/inbox.TakenIn): its folder, name and bytes."""

    folder: str
    file: str  # "reports/DY01.xlsx"
    data: bytes


def plainly(name: str, fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


@dataclass(frozen=True)
class Computed:
    ctx: Assessment
    plan: Plan
    loaded: dict[str, Loaded]  # every row source, by name (schemas/sources.py)
    core: dict[str, pl.DataFrame]
    marts: dict[str, pl.DataFrame]


def by_folder(files: Sequence[InboxFile]) -> dict[str, list[InputFile]]:
    grouped: dict[str, list[InputFile]] = {}
    for f in files:
        grouped.setdefault(f.folder, []).append((f.file, f.data))
    return grouped


def sources(
    plan: Plan,
    folders: dict[str, list[InputFile]],
    pii_key: bytes | None,
    parsed: Store | None = None,
) -> tuple[dict[str, Loaded], dict[str, pl.DataFrame]]:
    """Every row source loaded, and the core tables."""
    loaded = load_sources(plan, folders, pii_key, parsed)
    return loaded, core_frames(plan, loaded)


def compute_year(
    year: int,
    as_of: dt.date,
    files: Sequence[InboxFile],
    pii_key: Callable[[], bytes | None],
    *,
    semantics: Semantics = LATEST,
    rules: Rules | None = None,
    admit: Callable[[Assessment], None] = lambda ctx: None,
    step: Step = plainly,
    parsed: Store | None = None,
) -> Computed:
    """`admit` sees the Assessment before the expensive work and may refuse it (raise). A rerun
    gives the semantics and the resolved rules its run was published with. The PII key is asked
    for only when a source that needs it has files. `parsed`: files parsed by earlier runs, kept
    beside the archive (transforms/parsed.py); only a run gives it, never a rerun or a
    simulation, and it changes no result, only how many files are read again."""
    folders = by_folder(files)
    plan: Plan = step("plan", build_plan, year, folders.get(PLAN_FOLDER, []), semantics)
    if rules is not None:
        plan = dataclasses.replace(plan, rules=rules)
    ctx = Assessment(year, as_of, plan.rules, plan.semantics)
    admit(ctx)
    key = pii_key() if needs_key(folders) else None
    loaded, core = step("sources", sources, plan, folders, key, parsed)
    marts = step("score", score_year, ctx, core)
    loaded, core = settle(loaded, core, marts.pop(UNMATCHED))
    return Computed(ctx, plan, loaded, core, marts)
