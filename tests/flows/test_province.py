"""Province scale-out: county runs fanned out on a real Dask cluster, then one province file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bench.generate import Scale, generate
from cli.app import app
from flows.province import (
    COUNTY_WAREHOUSE,
    PROVINCE_FILE,
    assess_province,
    consolidate,
)
from schemas.province import CONSOLIDATED
from tests.flows.conftest import AS_OF, PII_KEY
from warehouse.location import locate

AS_OF_DATE = dt.date.fromisoformat(AS_OF)
# two small counties, different data (seeds), the inbox layout of docs/inputs.md under each county root
COUNTIES = {
    "大英县": Scale("county-a", units=4, tasks=8, responses=200, ledger=80, seed=11),
    "射洪市": Scale("county-b", units=5, tasks=10, responses=240, ledger=100, seed=22),
}


def rows(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def count(path: Path, table: str) -> int:
    return rows(path, f"SELECT count(*) FROM {table} WHERE year = 2021")[0][0]


@pytest.fixture(scope="module")
def province_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("province")
    for name, scale in COUNTIES.items():
        generate(scale, root / name)
    return root


@pytest.fixture(scope="module")
def dask_run(prefect_server, province_root):
    """The province flow on a real two-process Dask cluster, reached by its address."""
    from distributed import LocalCluster

    with pytest.MonkeyPatch.context() as env:
        env.setenv("ASSESS_PII_KEY", PII_KEY)  # the workers inherit it when they start
        env.delenv("ASSESS_ARCHIVE", raising=False)
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            counties = {name: str(province_root / name) for name in COUNTIES}
            result = assess_province(
                2021,
                counties=counties,
                root=str(province_root),
                as_of=AS_OF_DATE,
                dask_address=cluster.scheduler_address,
            )
    return result


def test_county_runs_ran_on_dask_workers_and_each_county_published(dask_run, province_root):
    assert dask_run.status == "published", dask_run.message
    assert sorted(r.county for r in dask_run.counties) == sorted(COUNTIES)
    for county in dask_run.counties:
        assert county.published, county.message
        assert not county.worker.endswith(f":{os.getpid()}")  # ran in a worker process
        warehouse = province_root / county.county / COUNTY_WAREHOUSE
        assert Path(county.warehouse) == warehouse
        assert count(warehouse, "mart.unit_score") == COUNTIES[county.county].units
        assert rows(warehouse, "SELECT run_id FROM audit.publication WHERE year = 2021") == [
            (county.run_id,)
        ]


def test_province_file_holds_every_county_with_its_name(dask_run, province_root):
    province = province_root / PROVINCE_FILE
    assert Path(dask_run.warehouse) == province
    by_county = dict(
        rows(
            province,
            "SELECT county, count(*) FROM mart.unit_score WHERE year = 2021 GROUP BY county",
        )
    )
    assert by_county == {name: scale.units for name, scale in COUNTIES.items()}
    for table in CONSOLIDATED:
        per_county = {
            name: count(province_root / name / COUNTY_WAREHOUSE, table.qualified)
            for name in COUNTIES
        }
        assert count(province, table.qualified) == sum(per_county.values()), table.qualified
        assert dask_run.rows[table.qualified] == sum(per_county.values())
        assert per_county["大英县"] > 0 and per_county["射洪市"] > 0, table.qualified
    run_ids = {r.county: r.run_id for r in dask_run.counties}
    assert (
        dict(
            rows(
                province,
                "SELECT county, run_id FROM mart.unit_score WHERE year = 2021 GROUP BY ALL",
            )
        )
        == run_ids
    )
    assert dict(rows(province, "SELECT county, run_id FROM audit.county_publication")) == run_ids
    (comment,) = rows(
        province,
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'mart' "
        "AND table_name = 'unit_score' AND column_name = 'county'",
    )[0]
    assert comment and "县" in comment
    assert not list(province_root.glob(".*building*"))


def test_consolidating_again_replaces_the_year_and_keeps_readers_working(dask_run, province_root):
    province = province_root / PROVINCE_FILE
    before = {t.qualified: count(province, t.qualified) for t in CONSOLIDATED}
    reader = duckdb.connect(str(province), read_only=True)  # an analyst's open session
    try:
        counties = {name: str(province_root / name) for name in COUNTIES}
        consolidated = consolidate(
            2021, counties, dask_run.counties, locate(province), "again", wait_seconds=5
        )
        assert (
            reader.execute("SELECT count(*) FROM mart.unit_score").fetchone()[0]
            == before["mart.unit_score"]
        )
    finally:
        reader.close()
    assert consolidated == before
    assert {t.qualified: count(province, t.qualified) for t in CONSOLIDATED} == before
    assert rows(province, "SELECT DISTINCT province_run_id FROM audit.county_publication") == [
        ("again",)
    ]


def test_local_thread_runner_and_a_failing_county(dask_run, province_root, monkeypatch):
    """Without a Dask address the counties run in this process; a county whose plan is broken
    fails alone and the province keeps every other county."""
    monkeypatch.setenv("ASSESS_PII_KEY", PII_KEY)
    monkeypatch.delenv("ASSESS_DASK_ADDRESS", raising=False)
    broken = province_root / "坏县"
    shutil.copytree(province_root / "大英县" / "inbox", broken / "inbox")
    for plan_file in (broken / "inbox" / "2021" / "plan").glob("tasks.*"):
        plan_file.unlink()
    try:  # through the command line: `assess province`
        shown = CliRunner().invoke(
            app, ["province", "--year", "2021", "--root", str(province_root), "--as-of", AS_OF]
        )
    finally:
        shutil.rmtree(broken)
    assert shown.exit_code == 0, shown.output  # partial: the other counties are published
    lines = [line.split("\t") for line in shown.output.splitlines() if "\t" in line]
    statuses = {line[0]: line[1] for line in lines}
    assert statuses == {"大英县": "published", "射洪市": "published", "坏县": "failed"}
    assert all(line[4].endswith(f":{os.getpid()}") for line in lines)  # this process's threads
    assert (
        dict((line[0], line[5]) for line in lines)["坏县"]
        == "计划无效：plan/ 缺少tasks 文件（目标任务）"
    )
    assert shown.output.splitlines()[-1].startswith("province partial: ")
    province = province_root / PROVINCE_FILE
    new_runs = {line[0]: line[2] for line in lines if line[1] == "published"}
    assert dict(rows(province, "SELECT county, count(*) FROM mart.unit_score GROUP BY county")) == {
        name: scale.units for name, scale in COUNTIES.items()
    }
    assert (
        dict(rows(province, "SELECT county, run_id FROM mart.unit_score GROUP BY ALL")) == new_runs
    )
    assert rows(
        province, "SELECT county_status, run_id FROM audit.county_publication WHERE county = '坏县'"
    ) == [("failed", None)]
