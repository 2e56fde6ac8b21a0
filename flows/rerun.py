"""Auditors' rerun: replay a published run's archived inputs and rules, compare every mart row."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import polars as pl
from prefect import flow

from flows import config, progress
from flows.assess_year import Stopwatch, compute
from flows.failures import one_line
from flows.runs import new_run_id, run_row
from schemas.tables import MART_TABLES, RERUN_DIFF
from transforms.compare import altered_inputs, diff_table
from warehouse import archive
from warehouse.inbox import TakenIn
from warehouse.publish import Publication, publish
from warehouse.read import published_run
from warehouse.target import check_target


@dataclass
class RerunResult:
    year: int
    run_id: str | None = None
    rerun_id: str | None = None
    error: str | None = None
    differences: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def reproduced(self) -> bool:
        return self.error is None and self.differences.height == 0


def _folder(file: str) -> str:
    return file.split("/", 1)[0]


@flow(name="rerun-year", log_prints=False)
def rerun_year(
    year: int, run_id: str | None = None, warehouse: str | None = None, rerun_id: str | None = None
) -> RerunResult:
    """Recompute a published run from the archive with its as-of date and compare row by row."""
    result = RerunResult(year, run_id=run_id, rerun_id=rerun_id or new_run_id(year))
    watch = Stopwatch(progress.stage)
    conf: config.Settings | None = None
    try:
        conf = config.settings(warehouse=warehouse)
        check_target(conf.warehouse)
        _replay(conf, result, watch)
    except Exception as exc:  # every way a rerun can fail ends here, in one line
        result.error = one_line(exc, conf.warehouse if conf else None, result.rerun_id)
    return result


def _replay(conf: config.Settings, result: RerunResult, watch: Stopwatch) -> None:
    started = dt.datetime.now(dt.UTC)
    run, files, published = published_run(conf.warehouse, result.year, result.run_id)
    result.run_id = run["run_id"]
    with watch.stage("take_in"):
        taken, altered = [], []
        for f, sha in files.unique(["file"]).sort("file").select("file", "sha256").iter_rows():
            data, now = archive.fetch(conf.archive, sha)
            taken.append(TakenIn(_folder(f), f, now, len(data), data))
            if now != sha:
                altered.append((f, sha, now))
    # The PII key only shapes ip_hash in core, never a mart: without it, any key will do.
    got = compute(
        result.year,
        run["as_of"],
        taken,
        result.rerun_id,
        watch,
        lambda: config.pii_key() or os.urandom(32),
    )
    with watch.stage("compare"):
        result.differences = pl.concat(
            [altered_inputs(altered)]
            + [diff_table(t, published[t.name], got.marts[t.name]) for t in MART_TABLES]
        )
    diffs = result.differences.with_columns(
        rerun_id=pl.lit(result.rerun_id), run_id=pl.lit(result.run_id)
    ).select([c.name for c in RERUN_DIFF.columns])
    row = run_row(
        run_id=result.rerun_id,
        ctx=got.ctx,
        trigger="rerun",
        status="reproduced" if result.reproduced else "differs",
        message=f"{result.differences.height} 处差异",
        rules_sha256=run["rules_sha256"],
        started_at=started,
        stages=watch.stages,
        replays_run_id=result.run_id,
    )
    publish(
        conf.warehouse,
        Publication(result.rerun_id, result.year, {"run": row, "rerun_diff": diffs}),
        conf.lock_wait_seconds,
    )
