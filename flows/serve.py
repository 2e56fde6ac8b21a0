"""The nightly schedule: a Prefect deployment served by this process (needs a Prefect server)."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows import config
from flows.assess_year import RunResult, assess_year

DEPLOYMENT = "nightly"


@flow(name="assess-nightly", log_prints=True)
def nightly(year: int | None = None) -> RunResult:
    """Assess the current year (or `year`) as of today, with the configured inbox and warehouse."""
    result = assess_year(year or dt.date.today().year, trigger="nightly")
    print(f"{result.year}: {result.status} {result.run_id} {result.message or ''}".rstrip())
    for note in result.notes:
        print(note)
    return result


def serve_nightly(cron: str | None = None, year: int | None = None) -> None:
    """Register the deployment on the Prefect server and run its scheduled flow runs until stopped."""
    nightly.serve(
        name=DEPLOYMENT,
        cron=cron or config.settings().nightly_cron,
        parameters={"year": year} if year else {},
        description="每晚评估当年：读取收件箱、校验、计分并发布到 DuckDB",
    )
