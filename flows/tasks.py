"""The pipeline's steps as Prefect tasks: take in (archive), then each step of the year's
computation (transforms/year.py), the warning list, the office files; and the audit rows."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

import polars as pl
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError, TerminationSignal
from prefect.utilities.annotations import quote

from flows import progress
from office.files import write_office_files
from transforms.assessment import Assessment
from transforms.intake import Loaded
from transforms.plan import Plan
from transforms.reconcile import (
    MANIFEST_SCHEMA,
    file_counts,
    input_file_rows,
    plan_file_counts,
    quarantine_rows,
)
from transforms.warning_list import corrections, rank_changes, warning_list
from warehouse import archive, inbox
from warehouse.inbox import NotRead, Taken, TakenIn
from warehouse.location import Warehouse
from warehouse.parsed import ParsedFiles

P = ParamSpec("P")
R = TypeVar("R")


class Raised(NamedTuple):
    """An exception carried out of a task as a value: Prefect logs a raising task with its
    traceback on the console, and a run must end in one line (the flow decides which).
    An interrupt (Ctrl-C, SIGTERM) is carried out too: Prefect would log it as a crash."""

    error: BaseException


def errors_as_values(fn: Callable[P, R]) -> Callable[P, R | Raised]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Raised:
        try:
            return fn(*args, **kwargs)
        except (Exception, KeyboardInterrupt, TerminationSignal) as exc:  # see Raised
            return Raised(exc)

    return wrapper


def unwrap(value: R | Raised) -> R:
    """The task's result, or its exception raised again outside the task."""
    if isinstance(value, Raised):
        raise value.error
    return value


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except MissingContextError:  # called outside a flow (tests, benchmarks)
        return logging.getLogger(__name__)


@task(cache_policy=NO_CACHE)
@errors_as_values
def take_in(year_dir: Path, archive_root: Path) -> Taken:
    """Read every input file of the year whole and archive the new ones in one durable batch:
    when this returns, every file read is in the archive and on disk. Which paths are read,
    and the retries, are warehouse/inbox.py's (docs/reliability.md). One task for all files,
    and only two paths as its parameters: Prefect does per-task and per-parameter bookkeeping
    that would cost more than reading and archiving the files."""
    taken = inbox.read_inbox(
        year_dir, _logger().warning, on_total=progress.files, on_read=progress.file_read
    )
    archive.store_all(archive_root, {f.sha256: f.data for f in taken.files})
    return taken


def parsed_files(archive_root: Path, full: bool = False) -> ParsedFiles:
    """The parsed files kept beside the archive (warehouse/parsed.py), for a run's intake to
    read again only the files that changed; entries no run used for two weeks are removed
    first. `full` (assess run --full): nothing is taken from it, every file is read and
    parsed, and what was kept is replaced.

    Not Prefect's task cache: Prefect's bookkeeping of one cached task per file costs about
    what reading the files does, and a folder's cross-file steps need the folder's rows in one
    frame (docs/reliability.md, "Parsed files kept between runs")."""
    store = ParsedFiles(archive_root / "parsed", reuse=not full)
    store.prune()
    return store


@task(cache_policy=NO_CACHE, task_run_name="{name}")
@errors_as_values
def stage(name: str, fn: Callable[..., R], args: tuple) -> R:
    """One step of the year's computation (transforms/year.py) as a Prefect task named by it."""
    return fn(*args)


def prefect_step(watch: Callable[[str], AbstractContextManager]) -> Callable[..., Any]:
    """A `step` for compute_year: each step a Prefect task, timed by `watch(name)`; its
    arguments quoted, or Prefect would walk thousands of files looking for futures."""

    def step(name: str, fn: Callable[..., R], *args: Any) -> R:
        with watch(name):
            return unwrap(stage(name, fn, quote(args)))

    return step


def audit_input_files(
    run_id: str,
    year: int,
    files: list[TakenIn],
    plan: Plan | None,
    loaded: Mapping[str, Loaded] | None,
    not_read: Sequence[NotRead] = (),
) -> pl.DataFrame:
    """audit.input_file rows for whatever the run got through before it ended; the paths listed
    but not read (links, subfolders, lock files) with their reason and zero counts."""
    manifest = pl.DataFrame(
        [(f.folder, f.file, f.sha256, f.size_bytes, None, None) for f in files]
        + [(n.folder, n.file, None, None, n.status, n.reason) for n in not_read],
        schema=MANIFEST_SCHEMA,
        orient="row",
    )
    counts = [plan_file_counts(plan.read_counts)] if plan is not None else []
    if loaded is not None:
        counts += [
            file_counts(got).with_columns(source=pl.lit(name)) for name, got in loaded.items()
        ]
    return input_file_rows(run_id, year, manifest, counts)


def audit_quarantine(run_id: str, year: int, loaded: Mapping[str, Loaded]) -> pl.DataFrame:
    return quarantine_rows(run_id, year, [got.quarantine for got in loaded.values()])


def warnings_task(
    warehouse: Warehouse,
    ctx: Assessment,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    run_id: str,
) -> dict[str, pl.DataFrame]:
    """The warning list (month M against M-1 inside this run), and the corrections and rank
    changes against last month's publication (the latest published run whose M was M-1)."""
    month = ctx.last_month
    before = warehouse.last_month(ctx.year, month, ctx.as_of)
    ref_status, ref_scores, ref_id = (
        (before.task_month_status, before.unit_score, before.run_id) if before else (None,) * 3
    )
    status = marts["task_month_status"]
    return {
        "warning_list": warning_list(status, core["tasks"], run_id, month),
        "status_correction": corrections(status, ref_status, ref_id, core["tasks"], run_id),
        "rank_change": rank_changes(marts["unit_score"], ref_scores, ref_id, run_id),
    }


def office_files(
    *args: Any, timed: Callable[[str], AbstractContextManager] | None = None, **kwargs: Any
) -> Path:
    """The published run's office files (office.files.write_office_files), timed as the stage
    `office` by `timed` (it runs beside the publication, in a thread of the flow's)."""
    with timed("office") if timed else nullcontext():
        return write_office_files(*args, **kwargs)


office_files_task = task(errors_as_values(office_files), cache_policy=NO_CACHE)
