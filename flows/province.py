"""Province scale-out: every county's year as a task on a task runner, then one province file.

Each county keeps its own inbox and warehouse (docs/inputs.md, docs/data-dictionary.md), under its own root:

    <county root>/inbox/<year>/{plan,reports,funding,surveys}/...
    <county root>/assess.duckdb          (its archive: <county root>/archive)

`assess_province` fans the county runs out as Prefect tasks. Locally they run on a
ThreadPoolTaskRunner (ASSESS_PROVINCE_WORKERS threads, default 2); with a Dask scheduler
address (the `dask_address` parameter or ASSESS_DASK_ADDRESS) they run on prefect-dask's
DaskTaskRunner, one county per Dask task, on whichever worker is free. A county task runs the
same `assess_year` flow the county's nightly runs (as a subflow), so every county's run is
published, archived and audited in its own warehouse exactly as when it runs alone.

Then the flow consolidates what every county has *published* for the year (its warehouse
read-only: the five mart tables and core.units) into the province warehouse (default
`<root>/province.duckdb`), each row with its `county`, plus audit.county_publication (which
county run each county's rows come from). The province file is written like a county file:
under the writer lock, on a copy aside, in one transaction, then swapped in by a rename, so
an analyst never sees half a province and a failed consolidation changes nothing.

A county whose run fails keeps its previously published result (docs/reliability.md), and that result is
what the province shows; the county's failure is reported in the flow's result and in
audit.county_publication. See docs/province.md for the multi-machine deployment.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows import config
from schemas.province import CONSOLIDATED, COUNTY_PUBLICATION
from warehouse.location import Warehouse, locate
from warehouse.province import publish_province, read_county

DASK_ADDRESS_ENV = "ASSESS_DASK_ADDRESS"
ROOT_ENV = "ASSESS_PROVINCE_ROOT"
WAREHOUSE_ENV = "ASSESS_PROVINCE_WAREHOUSE"
WORKERS_ENV = "ASSESS_PROVINCE_WORKERS"
PROVINCE_FILE = "province.duckdb"
COUNTY_WAREHOUSE = "assess.duckdb"


@dataclass(frozen=True)
class CountyResult:
    county: str
    status: str  # published | failed (an expected failure, see assess_year) | error (a crash)
    run_id: str | None
    message: str | None
    warehouse: str
    stages: dict[str, float] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)
    worker: str = ""  # host:pid that ran it
    seconds: float = 0.0

    @property
    def published(self) -> bool:
        return self.status == "published"


@dataclass
class ProvinceResult:
    run_id: str
    year: int
    status: str  # published (every county), partial (some county failed), failed
    warehouse: str
    counties: list[CountyResult]
    rows: dict[str, int] = field(default_factory=dict)  # consolidated rows per table, this year
    message: str | None = None

    @property
    def published(self) -> bool:
        return self.status in ("published", "partial")


# ------------------------------------------------------------------ county runs
@task(cache_policy=NO_CACHE, task_run_name="county-{county}")
def assess_county(
    county: str, county_root: str, year: int, as_of: dt.date | None, trigger: str = "manual"
) -> CountyResult:
    """One county's year: the `assess_year` flow on <root>/inbox into <root>/assess.duckdb."""
    from flows.assess_year import assess_year

    started = time.perf_counter()
    root = Path(county_root)
    warehouse = root / COUNTY_WAREHOUSE
    result = assess_year(
        year,
        inbox=str(root / "inbox"),
        warehouse=str(warehouse),
        as_of=as_of,
        trigger=trigger,
        county=county,
    )
    return CountyResult(
        county=county,
        status=result.status,
        run_id=result.run_id,
        message=result.message,
        warehouse=str(warehouse),
        stages=dict(result.stages),
        mart_rows={name: frame.height for name, frame in result.marts.items()},
        worker=f"{socket.gethostname()}:{os.getpid()}",
        seconds=time.perf_counter() - started,
    )


def county_runner(dask_address: str | None = None) -> TaskRunner:
    """DaskTaskRunner on `dask_address` (or ASSESS_DASK_ADDRESS), else a local thread pool."""
    address = dask_address or os.environ.get(DASK_ADDRESS_ENV)
    if address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=int(os.environ.get(WORKERS_ENV) or 2))


def discover_counties(root: Path, year: int) -> dict[str, str]:
    """Every folder of `root` with an inbox for `year`: county name (folder name) → its root."""
    return {
        d.name: str(d)
        for d in sorted(root.iterdir())
        if d.is_dir() and (d / "inbox" / str(year)).is_dir()
    }


# ------------------------------------------------------------------ consolidation
def consolidate(
    year: int,
    counties: dict[str, str],
    results: list[CountyResult],
    target: Warehouse,
    run_id: str,
    wait_seconds: float = 600,
) -> dict[str, int]:
    """Write every county's published marts of `year` into the province warehouse in one step.

    Returns the consolidated row count per table.
    """
    by_county = {r.county: r for r in results}
    marts = [
        read_county(name, locate(Path(root) / COUNTY_WAREHOUSE), year)
        for name, root in sorted(counties.items())
    ]
    now = dt.datetime.now(dt.UTC)
    audit = pl.DataFrame(
        [
            {
                "year": year,
                "county": m.county,
                "run_id": m.run_id,
                "published_at": m.published_at,
                "county_status": by_county[m.county].status if m.county in by_county else None,
                "county_run_id": by_county[m.county].run_id if m.county in by_county else None,
                "message": by_county[m.county].message if m.county in by_county else None,
                "warehouse": str(m.warehouse),
                "province_run_id": run_id,
                "consolidated_at": now,
            }
            for m in marts
        ],
        schema=COUNTY_PUBLICATION.polars_schema,
        orient="row",
    )
    publish_province(target, run_id, wait_seconds, year, marts, audit)
    return {
        t.qualified: sum(m.tables[t.qualified].num_rows for m in marts if m.tables)
        for t in CONSOLIDATED
    }


@task(cache_policy=NO_CACHE, task_run_name="consolidate-{year}")
def consolidate_task(
    year: int,
    counties: dict[str, str],
    results: list[CountyResult],
    target: str,
    run_id: str,
    wait_seconds: float,
) -> dict[str, int]:
    return consolidate(year, counties, results, locate(target), run_id, wait_seconds)


# ------------------------------------------------------------------ the flow
def _settle(county: str, root: str, future) -> CountyResult:
    """A county's result; a crashed county task becomes status "error" instead of failing all."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001  (reported per county, the others go on)
        return CountyResult(
            county=county,
            status="error",
            run_id=None,
            message=f"{type(exc).__name__}: {exc}".splitlines()[0],
            warehouse=str(Path(root) / COUNTY_WAREHOUSE),
        )


def _where(
    year: int, counties: dict[str, str] | None, root: str | None, province_warehouse: str | None
) -> tuple[dict[str, str], Warehouse]:
    """The counties (name → absolute root) and the province warehouse."""
    root = root or os.environ.get(ROOT_ENV)
    if counties is None:
        if not root:
            raise ValueError(f"给出 counties 或 root（或环境变量 {ROOT_ENV}）")
        counties = discover_counties(Path(root), year)
    if not counties:
        raise ValueError(f"{root} 下没有含 inbox/{year} 的县文件夹")
    counties = {name: str(Path(path).resolve()) for name, path in counties.items()}
    root = root or os.path.commonpath(list(counties.values()))
    return counties, locate(
        province_warehouse or os.environ.get(WAREHOUSE_ENV) or Path(root) / PROVINCE_FILE
    )


@flow(name="assess-province", log_prints=False)
def assess_province(
    year: int,
    counties: dict[str, str] | None = None,
    root: str | None = None,
    as_of: dt.date | None = None,
    dask_address: str | None = None,
    province_warehouse: str | None = None,
    trigger: str = "manual",
) -> ProvinceResult:
    """Assess every county's year (in parallel), then consolidate the province warehouse.

    counties: county name → county root (holding inbox/ and assess.duckdb); default: every
    folder of `root` (or ASSESS_PROVINCE_ROOT) with an inbox for `year`.
    province_warehouse: default ASSESS_PROVINCE_WAREHOUSE, else <root>/province.duckdb (root
    defaults to the counties' common parent folder).
    """
    counties, target = _where(year, counties, root, province_warehouse)
    run_id = f"{year}-province-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"

    with county_runner(dask_address) as runner:
        futures = {
            name: runner.submit(
                assess_county,
                parameters={
                    "county": name,
                    "county_root": path,
                    "year": year,
                    "as_of": as_of,
                    "trigger": trigger,
                },
            )
            for name, path in sorted(counties.items())
        }
        results = [_settle(name, counties[name], future) for name, future in futures.items()]

    logger = get_run_logger()
    for r in results:
        if not r.published:
            logger.warning("county %s: %s %s", r.county, r.status, r.message)
    wait = config.settings().lock_wait_seconds
    rows = consolidate_task(year, counties, results, str(target), run_id, wait)
    failed = [r for r in results if not r.published]
    status = "partial" if failed else "published"
    if failed and not rows.get("mart.unit_score"):
        status = "failed"
    message = "；".join(f"{r.county}：{r.message}" for r in failed) or None
    return ProvinceResult(
        run_id=run_id,
        year=year,
        status=status,
        warehouse=str(target),
        counties=results,
        rows=rows,
        message=message,
    )
