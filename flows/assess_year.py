"""The year's assessment as one Prefect flow: take in → plan → sources → score → publish."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import flow
from prefect.utilities.annotations import quote

from flows import config, progress
from flows.runs import new_run_id, run_row
from flows.tasks import (
    audit_input_files,
    audit_quarantine,
    core_frames,
    office_files_task,
    plan_task,
    score_task,
    sources_task,
    take_in,
    unwrap,
    warnings_task,
)
from schemas.rules import RulesError
from transforms.pii import PiiKeyMissing
from transforms.plan import Plan, PlanError
from transforms.scoring.months import last_assessed_month
from warehouse.faults import pause_point
from warehouse.inbox import InboxUnreadable, Taken, TakenIn, Unreadable
from warehouse.lock import WarehouseBusy
from warehouse.publish import Publication, PublicationCheckFailed, publish

# Problems with the inputs or the setup: the run fails with this one-line message, no traceback.
EXPECTED_FAILURES = (
    PlanError,
    RulesError,
    PiiKeyMissing,
    WarehouseBusy,
    PublicationCheckFailed,
    FileNotFoundError,
    InboxUnreadable,
    Unreadable,
)


@dataclass
class RunResult:
    run_id: str
    year: int
    as_of: dt.date
    status: str  # published | failed
    message: str | None = None
    last_month: int | None = None
    files: pl.DataFrame | None = None  # audit.input_file rows
    marts: dict[str, pl.DataFrame] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None  # the office files of this run

    @property
    def published(self) -> bool:
        return self.status == "published"


class Stopwatch:
    def __init__(self, report: Callable[[str], None] | None = None) -> None:
        self.stages: dict[str, float] = {}
        self.report = report

    @contextmanager
    def stage(self, name: str):
        if self.report:
            self.report(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = time.perf_counter() - start


def take_in_year(year_dir: Path, archive_root: Path) -> Taken:
    if not year_dir.is_dir():
        raise FileNotFoundError(f"收件箱中没有该年度的文件夹：{year_dir}")
    return take_in(year_dir, archive_root)


def compute(
    year: int,
    files: list[TakenIn],
    as_of: dt.date,
    run_id: str,
    watch: Stopwatch,
    pii_key: Callable[[], bytes | None],
):
    """Plan, sources, core and marts from taken-in files (shared by runs and reruns)."""
    with watch.stage("plan"):
        # quote: Prefect would otherwise walk thousands of files looking for futures
        plan: Plan = unwrap(plan_task(year, quote(files)))
    with watch.stage("sources"):
        key = pii_key() if any(f.folder == "surveys" for f in files) else None
        src = unwrap(sources_task(plan, quote(files), key))
        core = core_frames(plan, src)
    with watch.stage("score"):
        marts = score_task(plan, core, as_of, run_id)
    return plan, src, core, marts


@flow(name="assess-year", log_prints=False)
def assess_year(
    year: int,
    inbox: str | None = None,
    warehouse: str | None = None,
    as_of: dt.date | None = None,
    trigger: str = "manual",
) -> RunResult:
    """Assess one year from its inbox and publish the result atomically."""
    conf = config.settings(Path(inbox) if inbox else None, Path(warehouse) if warehouse else None)
    as_of = as_of or dt.date.today()
    run_id = new_run_id(year)
    started = dt.datetime.now(dt.UTC)
    watch = Stopwatch(progress.stage)
    result = RunResult(run_id, year, as_of, "failed")
    taken = Taken(files=[], not_read=[])
    plan = src = None
    try:
        with watch.stage("take_in"):
            taken = take_in_year(conf.inbox / str(year), conf.archive)
            pause_point("take_in")
        files = taken.files
        plan, src, core, marts = compute(year, files, as_of, run_id, watch, config.pii_key)
        pause_point("score")
        result.last_month = last_assessed_month(year, as_of, plan.rules["reports"]["due_day"])
        result.files = audit_input_files(run_id, year, files, plan, src, taken.not_read)
        rules_sha = next((f.sha256 for f in files if f.file == "plan/rules.toml"), None)
        marts["warning_list"] = warnings_task(conf.warehouse, year, marts, core, run_id)
        quarantine = audit_quarantine(run_id, year, src)
        with watch.stage("publish"):
            audit = {
                "run": run_row(
                    run_id=run_id,
                    year=year,
                    as_of=as_of,
                    last_month=result.last_month,
                    trigger=trigger,
                    status="published",
                    message=None,
                    rules_sha256=rules_sha,
                    started_at=started,
                    stages=watch.stages,
                ),
                "input_file": result.files,
                "quarantine": quarantine,
            }
            publish(
                conf.warehouse,
                Publication(run_id, year, audit, core, marts),
                conf.lock_wait_seconds,
            )
        with watch.stage("office"):
            result.out_dir = office_files_task(conf.out / str(year), year, marts, core, quarantine)
        result.status, result.marts, result.stages = "published", marts, watch.stages
    except EXPECTED_FAILURES as exc:
        result.message = str(exc)
        result.files = audit_input_files(run_id, year, taken.files, plan, src, taken.not_read)
        _record_failure(conf, result, trigger, started, watch)
    return result


def _record_failure(
    conf: config.Settings, result: RunResult, trigger: str, started: dt.datetime, watch: Stopwatch
) -> None:
    """Append the failed run to audit.run (nothing else changes); skipped if the lock is busy."""
    row = run_row(
        run_id=result.run_id,
        year=result.year,
        as_of=result.as_of,
        last_month=result.last_month,
        trigger=trigger,
        status="failed",
        message=result.message,
        rules_sha256=None,
        started_at=started,
        stages=watch.stages,
    )
    with suppress(WarehouseBusy):  # a busy warehouse: the failure is only printed
        publish(
            conf.warehouse,
            Publication(result.run_id, result.year, {"run": row, "input_file": result.files}),
            wait_seconds=min(conf.lock_wait_seconds, 30),
        )
