"""Auditors' rerun: replay a published run's archived inputs and rules, compare every mart row.

A run is replayed with the scoring semantics and the resolved rules it was published under
(audit.run.semantics_version, rules_resolved; schemas/semantics.py), so an upgrade of the
product never makes an old publication "differ". `current=True` scores the same inputs under
today's semantics instead, one Change at a time, and names for every differing row the Change
that explains it (docs/reliability.md, "Reruns across upgrades").
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import flow

from flows import config, progress
from flows.assess_year import Stopwatch, compute
from flows.failures import one_line
from flows.runs import new_run_id, run_row
from schemas.rules import Rules
from schemas.semantics import CHANGES, LATEST, Semantics
from schemas.tables import RERUN_DIFF
from transforms.compare import altered_inputs, diff_marts, explain
from transforms.year import Computed
from warehouse import archive
from warehouse.inbox import TakenIn
from warehouse.publish import Publication


@dataclass
class RerunResult:
    year: int
    run_id: str | None = None
    rerun_id: str | None = None
    error: str | None = None
    current: bool = False  # scored under today's semantics (--current)
    rules_sha256: str | None = None
    differences: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def reproduced(self) -> bool:
        return self.error is None and self.differences.height == 0

    @property
    def unexplained(self) -> int:
        """Differences no semantic Change explains (all of them in a plain rerun)."""
        if self.differences.height == 0 or not self.current:
            return self.differences.height
        return self.differences.filter(pl.col("reason").is_null()).height


def _folder(file: str) -> str:
    return file.split("/", 1)[0]


@flow(name="rerun-year", log_prints=False)
def rerun_year(
    year: int,
    run_id: str | None = None,
    warehouse: str | None = None,
    rerun_id: str | None = None,
    current: bool = False,
) -> RerunResult:
    """Recompute a published run from the archive with its as-of date and compare row by row."""
    result = RerunResult(year, run_id=run_id, rerun_id=rerun_id or new_run_id(year))
    result.current = current
    watch = Stopwatch(progress.stage)
    conf: config.Settings | None = None
    started = dt.datetime.now(dt.UTC)
    try:
        conf = config.settings(warehouse=warehouse)
        conf.warehouse.check_writable()
        _replay(conf, result, watch, started)
    except Exception as exc:  # every way a rerun can fail ends here, in one line
        result.error = one_line(exc, conf.warehouse if conf else None, result.rerun_id)
        if conf is not None and result.run_id is not None:
            _record(conf, result, None, "failed", result.error, started, watch)
    return result


def _replay(
    conf: config.Settings, result: RerunResult, watch: Stopwatch, started: dt.datetime
) -> None:
    run, files, published = conf.warehouse.published_run(result.year, result.run_id)
    result.run_id, result.rules_sha256 = run.run_id, run.rules_sha256
    with watch.stage("take_in"):
        taken, altered = archived_inputs(conf.archive, files)
    recorded = Semantics.of(run.semantics_version)
    rules = Rules.model_validate_json(run.rules_resolved) if run.rules_resolved else None

    def score(semantics: Semantics) -> Computed:
        # The PII key only shapes ip_hash in core, never a mart: without it, any key will do.
        return compute(
            result.year,
            run.as_of,
            taken,
            watch,
            lambda: config.pii_key() or os.urandom(32),
            semantics=semantics,
            rules=rules,
        )

    got = score(recorded)
    with watch.stage("compare"):
        found = diff_marts(published, got.marts)
    if result.current:
        found, got = _today(published, got, recorded, score)
    result.differences = pl.concat([altered_inputs(altered), found], how="diagonal_relaxed")
    status = "reproduced" if result.reproduced else "differs"
    message = f"{result.differences.height} 处差异"
    if result.current:
        message += f"（按当前口径 v{LATEST.version} 复算，{result.unexplained} 处无口径变更可解释）"
    _record(conf, result, got, status, message, started, watch)


def _today(
    published: dict[str, pl.DataFrame],
    got: Computed,
    recorded: Semantics,
    score: Callable[[Semantics], Computed],
) -> tuple[pl.DataFrame, Computed]:
    """Today's semantics, one Change at a time from the recorded ones: the final differences
    from the published marts, each with the Change(s) that moved it (null: none explains it)."""
    steps, semantics, before = [], recorded, got
    for change in CHANGES:
        if semantics.uses(change):
            continue
        semantics = semantics.plus(change)
        after = score(semantics)
        steps.append(
            (f"{change.label}（口径 v{change.version}）", diff_marts(before.marts, after.marts))
        )
        before = after
    final = diff_marts(published, before.marts)
    return explain(final, steps), before


def archived_inputs(
    archive_root: Path, files: pl.DataFrame
) -> tuple[list[TakenIn], list[tuple[str, str, str]]]:
    """The run's archived files, as they are now (altered ones listed); a missing one fails."""
    taken, altered = [], []
    for f, sha in files.unique(["file"]).sort("file").select("file", "sha256").iter_rows():
        try:
            data, now = archive.fetch(archive_root, sha)
        except FileNotFoundError:
            raise archive.ArchiveMissing(
                f"归档中缺少输入文件 {f}（SHA-256 {sha[:12]}…，应在 "
                f"{archive.archive_path(archive_root, sha)}），无法重算；请从备份恢复归档文件夹"
                f" {archive_root}"
            ) from None
        taken.append(TakenIn(_folder(f), f, now, len(data), data))
        if now != sha:
            altered.append((f, sha, now))
    return taken, altered


def _record(
    conf: config.Settings,
    result: RerunResult,
    got: Computed | None,
    status: str,
    message: str,
    started: dt.datetime,
    watch: Stopwatch,
) -> None:
    """The rerun's audit.run row (and its differences) in the warehouse."""
    diffs = (
        result.differences.with_columns(
            rerun_id=pl.lit(result.rerun_id), run_id=pl.lit(result.run_id)
        ).select([c.name for c in RERUN_DIFF.columns])
        if result.differences.height
        else pl.DataFrame(schema=RERUN_DIFF.polars_schema)
    )
    row = run_row(
        run_id=result.rerun_id,
        ctx=got.ctx if got else None,
        year=result.year,
        trigger="rerun",
        status=status,
        message=message,
        rules_sha256=result.rules_sha256,
        started_at=started,
        stages=watch.stages,
        replays_run_id=result.run_id,
    )
    audit = {"run": row, "rerun_diff": diffs}
    try:
        conf.warehouse.publish(
            Publication(result.rerun_id, result.year, audit), conf.lock_wait_seconds
        )
    except Exception:  # noqa: BLE001  (a failed rerun's one line is what matters)
        if status != "failed":
            raise
