"""Run identity and the audit.run row."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from schemas import tables
from transforms.assessment import Assessment


def new_run_id(year: int) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{year}-{stamp}-{secrets.token_hex(3)}"


def code_version() -> str:
    try:
        package = version("assess")
    except PackageNotFoundError:
        package = "dev"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{package}+{commit}" if commit else package


def run_row(
    *,
    run_id: str,
    ctx: Assessment | None,
    trigger: str,
    status: str,
    message: str | None,
    rules_sha256: str | None,
    started_at: dt.datetime,
    stages: dict[str, float],
    year: int | None = None,
    as_of: dt.date | None = None,
    replays_run_id: str | None = None,
) -> pl.DataFrame:
    """The audit.run row. Year, as-of date, M and final come from the run's Assessment; a run
    that failed before its plan was read has none and gives its year and as-of date alone."""
    row = {
        "run_id": run_id,
        "year": ctx.year if ctx else year,
        "as_of": ctx.as_of if ctx else as_of,
        "last_month": ctx.last_month if ctx else None,
        "is_final": ctx.is_final if ctx else None,
        "trigger": trigger,
        "status": status,
        "message": message,
        "rules_sha256": rules_sha256,
        "code_version": code_version(),
        "replays_run_id": replays_run_id,
        "started_at": started_at,
        "finished_at": dt.datetime.now(dt.UTC),
        "stage_seconds": json.dumps({k: round(v, 3) for k, v in stages.items()}),
        "semantics_version": ctx.semantics.version if ctx else None,
        "rules_resolved": ctx.rules.model_dump_json(by_alias=True) if ctx else None,
    }
    return pl.DataFrame([row], schema=tables.RUN.polars_schema)
