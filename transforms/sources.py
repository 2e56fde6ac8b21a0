"""Every row source's loader, and the core tables of a run from its plan and loaded sources.

What a source is (folder, reader spec, label, core tables) is declared in schemas/sources.py;
here each row source has its loader: files of its folder + the plan → `Loaded` (rows, duplicates,
quarantine, counts) and the further core tables it derives (`Loaded.derived`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from schemas import tables
from schemas.sources import ROW_SOURCES
from transforms import appeals, funding, reports, surveys
from transforms.intake import InputFile, Loaded
from transforms.parsed import Store, reusing
from transforms.plan import Plan

Loader = Callable[[list[InputFile], Plan, bytes | None], Loaded]


def _ledger(files: list[InputFile], plan: Plan, _: bytes | None) -> Loaded:
    loaded, conflicts = funding.ledger(files, plan)
    return dataclasses.replace(loaded, derived={"voucher_conflicts": conflicts})


def _surveys(files: list[InputFile], plan: Plan, pii_key: bytes | None) -> Loaded:
    loaded, answers = surveys.surveys(files, plan, pii_key)
    return dataclasses.replace(loaded, derived={"survey_answers": answers})


LOADERS: dict[str, Loader] = {
    "reports": lambda files, plan, _: reports.progress_reports(files, plan),
    "honors": lambda files, plan, _: reports.honors(files, plan),
    "funding": _ledger,
    "surveys": _surveys,
    "appeals": lambda files, plan, _: appeals.appeals(files, plan),
    "decisions": lambda files, plan, _: appeals.decisions(files, plan),
}
NEEDS_KEY = frozenset({"surveys"})  # the PII key pseudonymises the respondents' IPs


def needs_key(folders: Iterable[str]) -> bool:
    """Whether files of these folders belong to a source that needs the PII key."""
    return any(s.folder in folders for s in ROW_SOURCES if s.source in NEEDS_KEY)


def load_sources(
    plan: Plan,
    files: Mapping[str, list[InputFile]],
    pii_key: bytes | None,
    parsed: Store | None = None,
) -> dict[str, Loaded]:
    """Every row source loaded from the files of its folder (`files`: folder → files), by source
    name in declaration order. Two at a time: the sources' polars work releases the GIL, and the
    surveys (the bulk of the rows, with single-threaded stretches) overlap the others.
    `parsed`: the store of parsed files the loaders' intake reuses (transforms/parsed.py)."""

    def load(source: str, *args: Any) -> Loaded:
        with reusing(parsed):  # in the loader's own thread
            return LOADERS[source](*args)

    with ThreadPoolExecutor(2) as pool:
        jobs = {
            s.source: pool.submit(load, s.source, files.get(s.folder, []), plan, pii_key)
            for s in sorted(ROW_SOURCES, key=lambda s: s.source not in NEEDS_KEY)
        }
        return {s.source: jobs[s.source].result() for s in ROW_SOURCES}


def core_frames(plan: Plan, loaded: Mapping[str, Loaded]) -> dict[str, pl.DataFrame]:
    """Every core table, conformed to its contract: the plan's, then each source's rows and the
    tables it derives."""
    frames = {"units": plan.units, "communities": plan.communities, "tasks": plan.tasks}
    for spec in ROW_SOURCES:
        got = loaded[spec.source]
        frames[spec.tables[0]] = got.rows
        frames.update(got.derived)
    return {t.name: tables.conform(frames[t.name], t) for t in tables.CORE_TABLES}


def settle(
    loaded: dict[str, Loaded], core: dict[str, pl.DataFrame], unmatched: pl.DataFrame
) -> tuple[dict[str, Loaded], dict[str, pl.DataFrame]]:
    """Rows found unusable only once the run has scored (an appeal or a decision naming no line
    item, or several) move from their source's loaded rows and core table to its quarantine, so
    every file still reconciles: rows read = loaded + duplicates + quarantined."""
    loaded, core = dict(loaded), dict(core)
    for spec in ROW_SOURCES:
        mine = unmatched.filter(pl.col("source") == spec.source)
        if not mine.height:
            continue
        where = mine.select("file", "row_number")
        got = loaded[spec.source]
        loaded[spec.source] = dataclasses.replace(
            got,
            rows=got.rows.join(where, on=["file", "row_number"], how="anti"),
            quarantine=pl.concat([got.quarantine, mine], how="diagonal_relaxed"),
        )
        table = spec.tables[0]
        core[table] = core[table].join(where, on=["file", "row_number"], how="anti")
    return loaded, core
