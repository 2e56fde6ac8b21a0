"""The pipeline's steps as Prefect tasks: take in (archive) → plan → sources → score."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, ParamSpec, TypeVar

import polars as pl
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError

from flows import progress
from office.findings import write_unit_findings
from office.warnings_file import WARNINGS_FILE, write_warning_list
from office.workbook import RESULTS_FILE, write_results_workbook
from schemas import tables
from transforms import funding, reports, surveys
from transforms.intake import InputFile, Loaded
from transforms.pii import PiiKeyMissing
from transforms.plan import Plan, PlanError, build_plan
from transforms.reconcile import (
    MANIFEST_SCHEMA,
    file_counts,
    input_file_rows,
    plan_file_counts,
    quarantine_rows,
)
from transforms.scoring import score_year
from transforms.warnings import warning_list
from warehouse import archive
from warehouse.read import published_frame

P = ParamSpec("P")
R = TypeVar("R")
FOLDERS = ("plan", "reports", "funding", "surveys")
FINDINGS_DIR = "单位反馈"
READ_THREADS = 4  # files read (and hashed) at once by take_in
RETRY_DELAYS = (2, 10, 30)  # seconds before each new attempt at a file take_in could not read


@dataclass(frozen=True)
class TakenIn:
    folder: str
    file: str  # path relative to the year's inbox, e.g. "reports/盐井街道.xlsx"
    sha256: str
    size_bytes: int
    data: bytes


def inbox_files(year_dir: Path) -> list[tuple[str, Path]]:
    """(folder, path) of every input file, in name order; hidden and Excel lock files skipped."""
    found = []
    for folder in FOLDERS:
        for path in sorted((year_dir / folder).glob("*")):
            if path.is_file() and not path.name.startswith((".", "~$")):
                found.append((folder, path))
    return found


def read_all(
    paths: Sequence[Path],
    retry_delays: Sequence[float] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[tuple[str, bytes]]:
    """(SHA-256, bytes) of every file, read whole by a few threads. A file that cannot be read
    or changes while it is read (locked, still being copied in at 02:00) is read again after
    each of `retry_delays` seconds, alone; if it still fails, its error is raised."""
    done: dict[int, tuple[str, bytes]] = {}
    pending = list(range(len(paths)))
    with ThreadPoolExecutor(READ_THREADS) as pool:
        for delay in (*retry_delays, None):
            reads = {i: pool.submit(_read, paths[i]) for i in pending}
            failed: dict[int, OSError] = {}
            for i, future in reads.items():
                try:
                    done[i] = future.result()
                except OSError as exc:
                    failed[i] = exc
            if not failed:
                break
            if delay is None:
                raise next(iter(failed.values()))
            _logger().warning(
                "%d 个文件暂时无法读取，%s 秒后重试：%s",
                len(failed),
                delay,
                "；".join(str(exc) for exc in list(failed.values())[:3]),
            )
            sleep(delay)
            pending = list(failed)
    return [done[i] for i in range(len(paths))]


def _read(path: Path) -> tuple[str, bytes]:
    data = archive.read_stable(path)
    progress.file_read()
    return archive.sha256_of(data), data


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except MissingContextError:  # called outside a flow (tests, benchmarks)
        return logging.getLogger(__name__)


@task(cache_policy=NO_CACHE)
def take_in(year_dir: Path, archive_root: Path) -> list[TakenIn]:
    """Read every input file of the year whole (each retried on its own while locked or still
    being copied in) and archive the new ones in one durable batch: when this returns, every
    file is in the archive and on disk. One task for all files, and only two paths as its
    parameters: Prefect does per-task and per-parameter bookkeeping that would cost more than
    reading and archiving the files."""
    found = inbox_files(year_dir)
    progress.files(len(found))
    read = read_all([path for _, path in found])
    archive.store_all(archive_root, dict(read))
    return [
        TakenIn(folder, path.relative_to(year_dir).as_posix(), digest, len(data), data)
        for (folder, path), (digest, data) in zip(found, read, strict=True)
    ]


def by_folder(files: list[TakenIn], folder: str) -> list[InputFile]:
    return [(f.file, f.data) for f in files if f.folder == folder]


class Refused(NamedTuple):
    """An input problem carried out of a task as a value: Prefect logs a raising task with a
    traceback, and bad input must give a one-line message, never a traceback."""

    error: Exception


def refuse_bad_input(fn: Callable[P, R]) -> Callable[P, R | Refused]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Refused:
        try:
            return fn(*args, **kwargs)
        except (PlanError, PiiKeyMissing) as exc:
            return Refused(exc)

    return wrapper


def unwrap(value: R | Refused) -> R:
    """The task's result, or its input problem raised again outside the task."""
    if isinstance(value, Refused):
        raise value.error
    return value


@task(cache_policy=NO_CACHE)
@refuse_bad_input
def plan_task(year: int, files: list[TakenIn]) -> Plan:
    return build_plan(year, by_folder(files, "plan"))


@dataclass(frozen=True)
class Sources:
    reports: Loaded
    honors: Loaded
    ledger: Loaded
    voucher_conflicts: pl.DataFrame
    surveys: Loaded
    survey_answers: pl.DataFrame

    def by_source(self) -> list[tuple[str, Loaded]]:
        """(audit source name, what was loaded) for every row-level source."""
        return [
            ("reports", self.reports),
            ("honors", self.honors),
            ("funding", self.ledger),
            ("surveys", self.surveys),
        ]


@task(cache_policy=NO_CACHE)
@refuse_bad_input
def sources_task(plan: Plan, files: list[TakenIn], pii_key: bytes | None) -> Sources:
    # The surveys (the bulk of the rows, with single-threaded stretches such as the IP
    # hashing) run beside the other sources, which fill the idle core meanwhile.
    with ThreadPoolExecutor(1) as pool:
        survey_job = pool.submit(surveys.surveys, by_folder(files, "surveys"), plan, pii_key)
        report_files = by_folder(files, "reports")
        ledger, conflicts = funding.ledger(by_folder(files, "funding"), plan)
        progress = reports.progress_reports(report_files, plan)
        honors = reports.honors(report_files, plan)
        responses, answers = survey_job.result()
    return Sources(
        reports=progress,
        honors=honors,
        ledger=ledger,
        voucher_conflicts=conflicts,
        surveys=responses,
        survey_answers=answers,
    )


def core_frames(plan: Plan, src: Sources) -> dict[str, pl.DataFrame]:
    frames = {
        "units": plan.units,
        "communities": plan.communities,
        "tasks": plan.tasks,
        "reports": src.reports.rows,
        "honors": src.honors.rows,
        "ledger_entries": src.ledger.rows,
        "voucher_conflicts": src.voucher_conflicts,
        "survey_responses": src.surveys.rows,
        "survey_answers": src.survey_answers,
    }
    return {t.name: tables.conform(frames[t.name], t) for t in tables.CORE_TABLES}


@task(cache_policy=NO_CACHE)
def score_task(
    plan: Plan, core: dict[str, pl.DataFrame], as_of: dt.date, run_id: str
) -> dict[str, pl.DataFrame]:
    return score_year(
        year=plan.year,
        as_of=as_of,
        run_id=run_id,
        rules=plan.rules,
        units=core["units"],
        communities=core["communities"],
        tasks=core["tasks"],
        reports=core["reports"],
        honors=core["honors"],
        ledger=core["ledger_entries"],
        voucher_conflicts=core["voucher_conflicts"],
        survey_responses=core["survey_responses"],
    )


def audit_input_files(
    run_id: str, year: int, files: list[TakenIn], plan: Plan | None, src: Sources | None
) -> pl.DataFrame:
    """audit.input_file rows for whatever the run got through before it ended."""
    manifest = pl.DataFrame(
        [(f.folder, f.file, f.sha256, f.size_bytes) for f in files],
        schema=MANIFEST_SCHEMA,
        orient="row",
    )
    counts = [plan_file_counts(plan.read_counts)] if plan is not None else []
    if src is not None:
        counts += [
            file_counts(loaded).with_columns(source=pl.lit(source))
            for source, loaded in src.by_source()
        ]
    return input_file_rows(run_id, year, manifest, counts)


def audit_quarantine(run_id: str, year: int, src: Sources) -> pl.DataFrame:
    return quarantine_rows(run_id, year, [loaded.quarantine for _, loaded in src.by_source()])


def warnings_task(
    warehouse: Path,
    year: int,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    run_id: str,
) -> pl.DataFrame:
    """The early-warning list against the currently published run of the year."""
    previous = published_frame(warehouse, "mart.task_month_status", year)
    return warning_list(marts["task_month_status"], previous, core["tasks"], run_id)


@task(cache_policy=NO_CACHE)
def office_files_task(
    out_dir: Path,
    year: int,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    quarantine: pl.DataFrame,
) -> Path:
    """The office workbook, the warning list and one findings workbook per unit, in out_dir.

    Written aside and renamed into place, so the folder always holds one run's files.
    """
    aside = out_dir.with_name(f".{out_dir.name}.building")
    shutil.rmtree(aside, ignore_errors=True)
    aside.mkdir(parents=True)
    write_results_workbook(
        aside / RESULTS_FILE,
        year=year,
        unit_score=marts["unit_score"],
        score_line_item=marts["score_line_item"],
        task_month_status=marts["task_month_status"],
        funding_execution=marts["funding_execution"],
        community_satisfaction=marts["community_satisfaction"],
        units=core["units"],
        tasks=core["tasks"],
        communities=core["communities"],
    )
    write_warning_list(aside / WARNINGS_FILE, marts["warning_list"], core["units"])
    write_unit_findings(
        aside / FINDINGS_DIR,
        year=year,
        units=core["units"],
        quarantine=quarantine,
        task_month_status=marts["task_month_status"],
        tasks=core["tasks"],
    )
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    aside.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return out_dir
