"""Reruns across upgrades (docs/reliability.md): a warehouse published by an earlier version of
the product (tests/fixtures/, never regenerated) reruns `reproduced` with today's product, and
`--current` lists exactly what the semantic changes since then move, each row with its reason."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from flows.rerun import rerun_year
from schemas.semantics import (
    CURRENT,
    FALLING_CUMULATIVE,
    GRADE_FINAL_ONLY,
    ROUNDED_COMPONENTS,
    UNRATED_SATISFACTION,
    WORK_TO_DATE,
)
from tests.flows.conftest import published_by

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "published_e4ea09a"
JULY = "2021-20261203T161928Z-b2a2f0"  # as of 2021-07-20, provisional (M = 6)
FINAL = "2021-20261203T161955Z-ae3cdd"  # as of 2022-01-31, final


def because(*changes) -> str:
    return "；".join(f"{c.label}（口径 v{c.version}）" for c in changes)


@pytest.fixture
def old_warehouse(tmp_path, prefect_server, monkeypatch) -> Path:
    """A copy of the warehouse and archive as e4ea09a published them."""
    return published_by(FIXTURE.name, tmp_path, monkeypatch)


def audit_run(warehouse: Path, run_id: str) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT trigger, status, replays_run_id, semantics_version FROM audit.run "
            "WHERE run_id = ?",
            [run_id],
        ).fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("run_id", [JULY, FINAL])
def test_a_run_published_by_an_earlier_version_reproduces(old_warehouse, run_id):
    got = rerun_year(2021, run_id, str(old_warehouse))
    assert got.error is None
    assert got.reproduced, got.differences
    # replayed under the version the run was published with: 1, as it recorded none
    assert audit_run(old_warehouse, got.rerun_id) == ("rerun", "reproduced", run_id, 1)


def test_current_on_the_final_run_names_rounding_and_falling_values(old_warehouse):
    got = rerun_year(2021, FINAL, str(old_warehouse), current=True)
    assert got.error is None
    diffs = got.differences
    totals = diffs.filter((diffs["table_name"] == "unit_score") & (diffs["column_name"] == "total"))
    assert totals.select("row_key", "published", "rerun", "reason").rows() == [
        # 77.87 + 15.59 + 2.00 - 2.50: the parts shown now add up to the total shown
        ('{"year":2021,"unit_id":"DY05"}', "92.95", "92.96", because(ROUNDED_COMPONENTS)),
        # T019's July and August reports fall below June's 55; T001's March one below February's
        ('{"year":2021,"unit_id":"DY08"}', "66.24", "64.44", because(FALLING_CUMULATIVE)),
        ('{"year":2021,"unit_id":"DY16"}', "99.74", "98.74", because(FALLING_CUMULATIVE)),
    ]
    others = diffs.filter(~diffs["row_key"].is_in(totals["row_key"].to_list()[:1]))
    assert set(others["reason"]) == {because(FALLING_CUMULATIVE)}
    assert got.unexplained == 0


def test_current_on_the_july_run_names_a_change_for_every_row(old_warehouse):
    got = rerun_year(2021, JULY, str(old_warehouse), current=True)
    diffs = got.differences
    assert got.unexplained == 0
    by_cell = Counter(
        zip(diffs["table_name"], diffs["column_name"], diffs["kind"], diffs["reason"], strict=True)
    )
    work, unrated, grade = (
        because(WORK_TO_DATE),
        because(UNRATED_SATISFACTION),
        because(GRADE_FINAL_ONLY),
    )
    falling = because(FALLING_CUMULATIVE)
    assert by_cell == {
        # every work line is measured against the plan to date (one task already done keeps its
        # points; only the detail says so); every task had started by June
        ("score_line_item", "detail", "changed", work): 42,
        ("score_line_item", "points", "changed", work): 41,
        # no survey by July: every unit's county_satisfaction line of 0 points goes (未测评)
        ("score_line_item", None, "missing", unrated): 20,
        ("unit_score", "work", "changed", work): 20,
        ("unit_score", "total", "changed", work): 19,
        ("unit_score", "rank", "changed", work): 19,
        ("unit_score", "satisfaction", "changed", unrated): 20,  # 0.00 → null
        # 15 units' grades first move with their work, then every grade goes (年终评定)
        ("unit_score", "grade", "changed", because(WORK_TO_DATE, GRADE_FINAL_ONLY)): 15,
        ("unit_score", "grade", "changed", grade): 5,
        # T001's March report (49) falls below February's 60: March is red, missing; DY16
        # loses all_green and gains two penalty lines
        ("task_month_status", "status", "changed", falling): 1,
        ("task_month_status", "reason", "changed", falling): 1,
        ("task_month_status", "progress", "changed", falling): 1,
        ("task_month_status", "gap", "changed", falling): 1,
        ("score_line_item", None, "missing", falling): 1,
        ("score_line_item", None, "extra", falling): 2,
        ("unit_score", "bonus", "changed", falling): 1,
        ("unit_score", "penalty", "changed", falling): 1,
        ("unit_score", "red_months", "changed", falling): 1,
        ("unit_score", "total", "changed", because(FALLING_CUMULATIVE, WORK_TO_DATE)): 1,
    }
    assert set(diffs.filter(diffs["column_name"] == "grade")["rerun"]) == {None}


def test_todays_run_publishes_onto_the_old_warehouse_and_old_runs_still_reproduce(
    old_warehouse, monkeypatch
):
    from flows.assess_year import assess_year
    from tests.flows.conftest import AS_OF, DEMO_INBOX, PII_KEY

    monkeypatch.setenv("ASSESS_PII_KEY", PII_KEY)
    today = assess_year(2021, inbox=str(DEMO_INBOX), warehouse=str(old_warehouse), as_of=AS_OF)
    assert today.published, today.message
    con = duckdb.connect(str(old_warehouse), read_only=True)
    try:
        kinds = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE schema_name = 'mart' AND table_name = 'unit_score'"
            ).fetchall()
        )
        version = con.execute(
            "SELECT semantics_version, rules_resolved IS NOT NULL FROM audit.run WHERE run_id = ?",
            [today.run_id],
        ).fetchone()
        published = con.execute(
            "SELECT run_id, total::VARCHAR FROM history.unit_score WHERE unit_id = 'DY05' "
            "AND run_id IN (?, ?) ORDER BY run_id",
            [FINAL, today.run_id],
        ).fetchall()
    finally:
        con.close()
    assert kinds["work"] == kinds["total"] == "DECIMAL(8,2)"
    assert version == (CURRENT, True)
    # the old publication stays as it was published, beside today's
    assert published == [(FINAL, "92.95"), (today.run_id, "92.96")]
    for run_id in (JULY, FINAL, today.run_id):
        again = rerun_year(2021, run_id, str(old_warehouse))
        assert again.reproduced, (run_id, again.differences)


def test_a_rerun_whose_archive_is_gone_names_the_file_and_is_recorded(old_warehouse):
    con = duckdb.connect(str(old_warehouse), read_only=True)
    file, sha = con.execute(
        "SELECT file, sha256 FROM audit.input_file WHERE run_id = ? AND file LIKE 'funding/%' "
        "ORDER BY file LIMIT 1",
        [FINAL],
    ).fetchone()
    con.close()
    (old_warehouse.parent / "archive" / "sha256" / sha[:2] / sha).unlink()
    got = rerun_year(2021, FINAL, str(old_warehouse))
    assert got.error.startswith(f"归档中缺少输入文件 {file}（SHA-256 {sha[:12]}…")
    assert "\n" not in got.error
    assert audit_run(old_warehouse, got.rerun_id) == ("rerun", "failed", FINAL, None)
