"""The year's flow end to end on the demo inbox: published, reconciled, traceable, private."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pytest

from flows.assess_year import assess_year
from flows.rerun import rerun_year
from schemas.tables import MART_TABLES
from tests.flows.conftest import AS_OF, assess_here, copy_published
from warehouse import archive

AS_OF_DATE = dt.date.fromisoformat(AS_OF)


def query(workspace, sql: str, params=None):
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def published(published_demo, workspace):
    return copy_published(published_demo, workspace)


@pytest.fixture
def published_here(prefect_server, workspace):
    """Published by this test: the latest 2021 run on the session's Prefect server."""
    result = assess_year(2021, as_of=AS_OF_DATE)
    assert result.published, result.message
    return result


def test_demo_year_fills_every_table(published, workspace):
    for table in MART_TABLES:
        (count,) = query(workspace, f"SELECT count(*) FROM mart.{table.name} WHERE year = 2021")[0]
        assert count > 0, table.name
    assert query(workspace, "SELECT DISTINCT is_final, run_id FROM mart.unit_score") == [
        (True, published.run_id)
    ]
    assert query(workspace, "SELECT count(*) FROM audit.quarantine")[0][0] > 0


def test_every_file_reconciles(published, workspace):
    rows = query(
        workspace,
        """SELECT file, sheet, rows_read, rows_loaded, rows_duplicate,
                                      rows_quarantined FROM audit.input_file""",
    )
    assert rows and all(r[2] == r[3] + r[4] + r[5] for r in rows)
    loaded = query(
        workspace, "SELECT sum(rows_loaded) FROM audit.input_file WHERE source = 'reports'"
    )[0][0]
    assert loaded == query(workspace, "SELECT count(*) FROM core.reports")[0][0]


def test_shown_components_add_up_and_lines_explain_them(published, workspace):
    rows = query(
        workspace,
        """
        SELECT s.unit_id, s.work, s.satisfaction, s.bonus, s.penalty, s.total,
               sum(l.points) FILTER (WHERE l.component = 'work'),
               sum(l.points) FILTER (WHERE l.component = 'satisfaction')
        FROM mart.unit_score s JOIN mart.score_line_item l USING (year, unit_id) GROUP BY ALL""",
    )
    assert len(rows) == query(workspace, "SELECT count(*) FROM core.units")[0][0]
    for unit, work, satisfaction, bonus, penalty, total, work_lines, satisfaction_lines in rows:
        assert total == max(0, work + satisfaction + bonus - penalty), unit  # exact decimals
        assert abs(float(work) - work_lines) <= 0.005 + 1e-9, unit
        assert abs(float(satisfaction) - satisfaction_lines) <= 0.005 + 1e-9, unit


def test_no_raw_ip_or_phone_number_anywhere(published, workspace):
    ip = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")
    phone = re.compile(r"\b1[3-9]\d{9}\b")
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        columns = con.execute("""SELECT schema_name, table_name, column_name FROM duckdb_columns()
                                 WHERE data_type = 'VARCHAR'""").fetchall()
        for schema, table, column in columns:
            for (value,) in con.execute(
                f'SELECT DISTINCT "{column}" FROM {schema}.{table} WHERE "{column}" IS NOT NULL'
            ).fetchall():
                assert not ip.search(value), (schema, table, column, value)
                assert not phone.search(value), (schema, table, column, value)
    finally:
        con.close()


def test_rerun_reproduces_then_reports_an_altered_rules_value(published, workspace):
    again = rerun_year(2021)
    assert again.reproduced, again.differences
    # today's semantics are the run's own: --current has nothing to say either
    today = rerun_year(2021, current=True)
    assert today.reproduced, today.differences
    (sha,) = query(
        workspace,
        "SELECT sha256 FROM audit.input_file WHERE file = 'plan/rules.toml' AND run_id = ?",
        [published.run_id],
    )[0]
    path = archive.archive_path(workspace / "archive", sha)
    rules = path.read_text(encoding="utf-8")
    path.write_text(rules.replace("satisfaction = 20", "satisfaction = 30"), encoding="utf-8")
    changed = rerun_year(2021)
    assert not changed.reproduced
    diffs = changed.differences
    # the archived file no longer matches its hash; the marts are replayed with the resolved
    # rules the run recorded (audit.run.rules_resolved), so they still reproduce
    assert diffs.select("table_name", "column_name", "reason").rows() == [
        ("input_file", "sha256", "归档文件的内容与运行记录的哈希不符")
    ]
    stored = query(
        workspace, "SELECT count(*) FROM audit.rerun_diff WHERE rerun_id = ?", [changed.rerun_id]
    )[0][0]
    assert stored == diffs.height


def test_invalid_plan_fails_in_one_line_and_publishes_nothing(workspace):
    (workspace / "inbox" / "2021" / "plan" / "rules.toml").write_text("[bonus]\ncapp = 1\n")
    done = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF, "--quiet")
    assert done.returncode == 1
    assert done.stderr.strip() == "assess: 2021 年未发布：rules.toml：bonus.capp 是未知参数"
    assert "Traceback" not in done.stdout + done.stderr
    assert query(workspace, "SELECT count(*) FROM mart.unit_score")[0][0] == 0
    assert query(workspace, "SELECT status FROM audit.run") == [("failed",)]


def test_missing_pii_key_is_a_clear_error(workspace):
    done = assess_here(
        workspace, "run", "--year", "2021", "--as-of", AS_OF, "--quiet", ASSESS_PII_KEY=""
    )
    assert done.returncode == 1
    assert "ASSESS_PII_KEY" in done.stderr and "Traceback" not in done.stderr


def test_what_changed_since_last_month_is_the_same_every_night_and_on_a_rerun(
    prefect_server, workspace
):
    """July's publication, then two nights of August's (M = 7): both August nights list the
    same non-empty changes (month over month inside the run), their ranks compare with July's
    publication, and a rerun of the second one reproduces the statuses they come from."""
    july = assess_year(2021, as_of=dt.date(2021, 7, 20))
    first = assess_year(2021, as_of=dt.date(2021, 8, 20))
    second = assess_year(2021, as_of=dt.date(2021, 8, 25))
    assert july.published and first.published and second.published
    changes = [r.marts["warning_list"].drop("run_id").sort("task_id") for r in (first, second)]
    assert changes[0].height > 0 and changes[0].equals(changes[1])
    assert set(changes[0]["month"]) == {7}
    assert changes[0]["change"].is_in(["newly_red", "yellow_to_red"]).any()
    ranks = second.marts["rank_change"]
    assert set(ranks["previous_run_id"]) == {july.run_id}  # last month's, not last night's
    assert ranks["previous_rank"].null_count() == 0
    stored = query(
        workspace,
        "SELECT count(*), count(DISTINCT run_id) FROM mart.warning_list WHERE year = 2021",
    )
    assert stored == [(changes[1].height, 1)]
    again = rerun_year(2021)
    assert again.reproduced, again.differences
    out = workspace / "out" / "2021" / "历次通报"
    assert sorted(p.name for p in out.iterdir()) == ["06月", "07月"]


def test_the_ranking_and_reconciliation_are_prefect_artifacts_of_the_run(published_here):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        versions = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["assess-2021-ranking", "assess-2021-reconciliation"])
            )
        )
    # the latest version of each key: the session's server also holds earlier tests' 2021 runs
    found = {a.key: a for a in sorted(versions, key=lambda a: a.created)}
    ranking = found["assess-2021-ranking"].data
    ranking = json.loads(ranking) if isinstance(ranking, str) else ranking
    assert [r["rank"] for r in ranking] == list(range(1, 21))
    assert ranking[0]["unit_id"] == "DY01" and ranking[0]["total"] == "100.75"
    files = found["assess-2021-reconciliation"].data
    files = json.loads(files) if isinstance(files, str) else files
    assert all(
        f["rows_read"] == f["rows_loaded"] + f["rows_duplicate"] + f["rows_quarantined"]
        for f in files
        if f["rows_read"] is not None
    )
