"""The year's assessment as one Prefect flow: take in → plan → sources → score → publish, the
office files written meanwhile and put in place once the run is published.

Every way the run can end is here: published, or failed with one line (flows/failures.py) and
a failed row in audit.run whenever the warehouse can be written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from prefect import flow
from prefect.exceptions import TerminationSignal

from flows import config, notes, progress
from flows.approve import check_against_approval
from flows.artifacts import publish_artifacts
from flows.asof import check_as_of, refuse_if_nothing_due
from flows.failures import ApprovalRefused, InboxMissing, SaysLess, interrupted, one_line
from flows.runs import new_run_id, run_row
from flows.tasks import (
    Raised,
    audit_input_files,
    audit_quarantine,
    office_files_task,
    parsed_files,
    prefect_step,
    take_in,
    unwrap,
    warnings_task,
)
from office.edition import Edition
from office.folders import Go
from office.workbooks.findings import same_day_conflicts
from schemas.sources import ROW_SOURCES
from transforms.assessment import Assessment
from transforms.forecast import forecast_marts
from transforms.year import Computed, compute_year
from warehouse.faults import pause_point
from warehouse.inbox import Taken, TakenIn
from warehouse.location import Warehouse
from warehouse.publish import Publication
from warehouse.read import PublishedRun, current_approval, current_publication

# How long a failed run waits for another run's writer lock to record its row.
FAILURE_LOCK_WAIT = 30
AFTER_PUBLICATION = "运行在发布之后被中断，办公文件未生成（下次运行会重新生成）"


@dataclass
class RunResult:
    run_id: str
    year: int
    as_of: dt.date
    status: str  # published | failed
    message: str | None = None
    ctx: Assessment | None = None  # known once the plan's rules are
    files: pl.DataFrame | None = None  # audit.input_file rows
    marts: dict[str, pl.DataFrame] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None  # the office files of this run
    rules_sha256: str | None = None
    quarantine: pl.DataFrame | None = None  # audit.quarantine rows
    warning: str | None = None  # published, but the office files could not be written
    notes: list[str] = field(default_factory=list)  # result lines for the office (flows/notes.py)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

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
        raise InboxMissing(f"收件箱中没有该年度的文件夹：{year_dir}")
    return unwrap(take_in(year_dir, archive_root))


def compute(
    year: int,
    as_of: dt.date,
    files: list[TakenIn],
    watch: Stopwatch,
    pii_key: Callable[[], bytes | None],
    **how: Any,
) -> Computed:
    """The year's computation (transforms/year.py) with each step a timed Prefect task; `how`:
    compute_year's semantics, rules, admit and parsed (a run's only: a rerun and a simulation
    read every archived file again)."""
    return compute_year(year, as_of, files, pii_key, step=prefect_step(watch.stage), **how)


def refuse_if_says_less(published: PublishedRun | None, ctx: Assessment, replace: bool) -> None:
    """A run that would replace the published result with one that says less is refused,
    unless --replace is given."""
    if published is None or replace:
        return
    why = ctx.says_less_than(published.as_of, published.is_final)
    if why:
        raise SaysLess(
            f"{ctx.year} 年已发布运行 {published.run_id}（基准日 {published.as_of}）{why}，"
            "未发布、原结果不变；确需替换请加 --replace，只想看另一日期的结果请用 --warehouse "
            "指定另一个文件夹中的数据仓库文件（如 what-if/assess.duckdb）"
        )


@flow(name="assess-year", log_prints=False)
def assess_year(
    year: int,
    inbox: str | None = None,
    warehouse: str | None = None,
    as_of: dt.date | None = None,
    trigger: str = "manual",
    replace: bool = False,
    run_id: str | None = None,
    county: str | None = None,
    document: str | None = None,
    full: bool = False,
) -> RunResult:
    """Assess one year from its inbox and publish the result atomically, or end in one line.

    `county` names the county in 看板.html (default: the ASSESS_COUNTY setting; the province
    flow gives each county's folder name). `full`: every file is read and parsed again, none
    taken from the parsed files kept beside the archive (flows/tasks.parsed_files)."""
    result = RunResult(run_id or new_run_id(year), year, as_of or dt.date.today(), "failed")
    watch = Stopwatch(progress.stage)
    conf: config.Settings | None = None
    try:
        conf = config.settings(inbox=inbox, warehouse=warehouse)
        conf.warehouse.check_writable()  # before any work: nothing is read or written otherwise
        check_as_of(year, result.as_of, dt.date.today())
        county = conf.county if county is None else county
        _run(conf, result, watch, trigger, (replace, document), county, full)
    except (Exception, KeyboardInterrupt, TerminationSignal) as exc:  # every way a run ends
        if result.published:  # interrupted after the swap: the year is published
            result.warning = AFTER_PUBLICATION
            return result
        place = conf.warehouse if conf else getattr(exc, "warehouse", None)
        result.message = one_line(exc, place, result.run_id)
        if place is not None:
            # Interrupted, someone wants the terminal back: no waiting for another run's lock;
            # and never longer than the run itself was told to wait for it (ASSESS_LOCK_WAIT).
            told = conf.lock_wait_seconds if conf else FAILURE_LOCK_WAIT
            wait = 0 if interrupted(exc) else min(FAILURE_LOCK_WAIT, told)
            record_failure(place, result, trigger, watch.stages, wait)
    return result


def _run(
    conf: config.Settings,
    result: RunResult,
    watch: Stopwatch,
    trigger: str,
    replacing: tuple[bool, str | None],
    county: str,
    full: bool = False,
) -> None:
    replace, document = replacing
    year = result.year
    taken = Taken(files=[], not_read=[])
    got: Computed | None = None
    try:
        with watch.stage("take_in"):
            taken = take_in_year(conf.inbox / str(year), conf.archive)
            pause_point("take_in")
        published = conf.warehouse.publication(year)

        def admit(ctx: Assessment) -> None:
            result.ctx = ctx
            refuse_if_nothing_due(ctx)
            refuse_if_says_less(published, ctx, replace)

        parsed = parsed_files(conf.archive, full)
        got = compute(
            year, result.as_of, taken.files, watch, config.pii_key, admit=admit, parsed=parsed
        )
        pause_point("score")
    finally:  # what the run got through, for audit.input_file, whether it fails or not
        result.files = audit_input_files(
            result.run_id,
            year,
            taken.files,
            got.plan if got else None,
            got.loaded if got else None,
            taken.not_read,
        )
        result.rules_sha256 = next(
            (f.sha256 for f in taken.files if f.file == "plan/rules.toml"), None
        )
    said = run_notes(conf.inbox / str(year), taken, got)  # before publishing: it cannot fail after
    office = _publish(conf, result, got, watch, trigger, replacing, county)
    if office is None:
        return  # the approved result reproduced: nothing changes (flows/approve.py)
    publish_artifacts(result.year, got.ctx.kind_text, got.marts["unit_score"], result.files)
    result.notes = said
    office.wait(conf.warehouse, result)


@dataclass
class OfficeFiles:
    """The run's office files, written by a Prefect task in out/.<year>.building-<pid>/ while
    the run publishes: the flow keeps them once the run is published (they then replace
    out/<year>/) and withdraws them otherwise (office/folders.py). Publishing is mostly
    DuckDB's work and the workbooks Python's, so the two share the machine's cores: an M run's
    office files cost ~0.8 s less this way than written after the publication."""

    future: Any  # the task's PrefectFuture: the folder written, or Raised
    go: Go

    def decide(self, published: bool) -> None:
        self.go.decide(published)

    def wait(self, warehouse: Warehouse, result: RunResult) -> None:
        """The files of the published run in place (result.out_dir), or which are missing
        (result.warning: the year stays published). Interrupted while they are written, they
        are withdrawn unless already in place."""
        try:
            written = self.future.result()
        except (Exception, KeyboardInterrupt, TerminationSignal):
            if self.go.decide(False):
                raise  # withdrawn: the flow says the year is published, the files missing
            written = self.future.result()  # in place: the interrupt came after all was done
        if isinstance(written, Raised):  # the year is published; only the office files are missing
            error = written.error
            result.warning = (
                AFTER_PUBLICATION
                if interrupted(error)
                else one_line(error, warehouse, result.run_id)
            )
        else:
            result.out_dir = written


def _start_office(
    conf: config.Settings,
    result: RunResult,
    got: Computed,
    watch: Stopwatch,
    county: str,
    edition: Edition,
) -> OfficeFiles:
    go = Go()
    future = office_files_task.submit(
        conf.out / str(result.year),
        result.year,
        got.marts,
        got.core,
        result.quarantine,
        got.ctx.last_month,
        conf.warehouse,
        county,
        edition,
        go=go,
        timed=watch.stage,
    )
    return OfficeFiles(future, go)


def run_notes(year_dir: Path, taken: Taken, got: Computed) -> list[str]:
    """The published run's notes (flows/notes.py): source folders missing or without a loaded
    row, and same-day reports with different numbers."""
    rows_by_folder: dict[str, int] = {}
    for source in ROW_SOURCES:
        rows = got.loaded[source.source].rows.height
        rows_by_folder[source.folder] = rows_by_folder.get(source.folder, 0) + rows
    return [
        *notes.source_notes(
            notes.missing_folders(year_dir), taken.files, taken.not_read, rows_by_folder
        ),
        *notes.tie_notes(same_day_conflicts(got.core["reports"])),
    ]


def _publish(
    conf: config.Settings,
    result: RunResult,
    got: Computed,
    watch: Stopwatch,
    trigger: str,
    replacing: tuple[bool, str | None],
    county: str,
) -> OfficeFiles | None:
    """The warning list and what changed since last month, then one atomic publication; the
    refusal is checked again under the writer lock (another run may have published since).
    The office files are written meanwhile, dated when the run is published (its finished_at in
    audit.run), and kept once it is. Once the year is approved, a run that reproduces the
    approved result publishes nothing (None) and one that differs needs --replace and
    --document (flows/approve.py)."""
    year, run_id = result.year, result.run_id
    replace, document = replacing
    verdict, approval = check_against_approval(conf.warehouse, year, got.marts, replace, document)
    if verdict == "unchanged":
        result.status, result.ctx, result.marts = "unchanged", got.ctx, got.marts
        result.message = f"{year} 年结果已定稿，本次运行与定稿结果逐行一致，未改动"
        record_failure(conf.warehouse, result, trigger, watch.stages)
        return None
    _add_warnings_and_forecast(conf.warehouse, got, run_id)
    result.quarantine = audit_quarantine(run_id, year, got.loaded)
    with watch.stage("publish"):
        row = run_row(
            run_id=run_id,
            ctx=got.ctx,
            trigger=trigger,
            status="published",
            message=None,
            rules_sha256=result.rules_sha256,
            started_at=result.started_at,
            stages=watch.stages,
        )
        audit = {"run": row, "input_file": result.files, "quarantine": result.quarantine}
        signed_off = None  # 定稿 once approved by --replace --document, else 待定稿 or 临时
        if approval is not None:  # --replace --document: the new result is the approved one
            audit["approval"] = approval.with_columns(run_id=pl.lit(run_id))
            signed_off = approval["document"][0]

        def swapped() -> None:  # called with interrupts held: a published run says so
            result.status, result.marts, result.stages = "published", got.marts, watch.stages

        edition = _edition(conf, result, got, row["finished_at"][0], signed_off)
        office = _start_office(conf, result, got, watch, county, edition)
        try:
            conf.warehouse.publish(
                Publication(run_id, year, audit, got.core, got.marts),
                conf.lock_wait_seconds,
                guard=_still_publishable(got.ctx, replace, approving=approval is not None),
                on_swapped=swapped,
            )
        finally:  # whatever happens: the writer waits for this
            office.decide(result.published)
    return office


def _add_warnings_and_forecast(warehouse: Warehouse, got: Computed, run_id: str) -> None:
    """The warning list, what changed since last month's publication, and the forecast."""
    got.marts.update(warnings_task(warehouse, got.ctx, got.marts, got.core, run_id))
    got.marts.update(
        forecast_marts(
            got.ctx, got.core["tasks"], got.core["reports"], got.marts["task_month_status"], run_id
        )
    )


def _edition(
    conf: config.Settings,
    result: RunResult,
    got: Computed,
    published_at: dt.datetime,
    signed_off: str | None,
) -> Edition:
    """Which publication the office files are: known before the publication starts."""
    c = got.ctx
    return Edition(
        result.year, c.last_month, c.is_final, c.as_of, result.run_id, published_at, c.rules,
        conf.timezone, signed_off,
    )  # fmt: skip


def _still_publishable(
    ctx: Assessment, replace: bool, approving: bool
) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """The refusals again, under the writer lock on the state about to be replaced: another run
    may have published, or the year been approved, since they were first checked."""

    def guard(con: duckdb.DuckDBPyConnection) -> None:
        refuse_if_says_less(current_publication(con, ctx.year), ctx, replace)
        if not approving and current_approval(con, ctx.year) is not None:
            raise ApprovalRefused(f"{ctx.year} 年结果在本次运行期间已定稿，未发布；请重新运行")

    return guard


def record_failure(
    warehouse: Warehouse,
    result: RunResult,
    trigger: str,
    stages: dict[str, float],
    wait_seconds: float = FAILURE_LOCK_WAIT,
) -> None:
    """Append the run that did not publish (failed, or unchanged once the year is approved) to
    audit.run; nothing else changes. Best effort: when the warehouse cannot be written (busy,
    open in another program, unusable), the console line is the only record; it never waits
    longer than `wait_seconds`, says nothing while it waits, and a second Ctrl-C only skips it."""
    row = run_row(
        run_id=result.run_id,
        ctx=result.ctx,
        year=result.year,
        as_of=result.as_of,
        trigger=trigger,
        status=result.status,
        message=result.message,
        rules_sha256=result.rules_sha256,
        started_at=result.started_at,
        stages=stages,
    )
    audit = {"run": row}
    if result.files is not None and result.files.height:
        audit["input_file"] = result.files
    try:
        warehouse.check_writable()
        warehouse.publish(
            Publication(result.run_id, result.year, audit), wait_seconds, on_wait=None
        )
    except (Exception, KeyboardInterrupt, TerminationSignal):  # the one line is what matters
        return
