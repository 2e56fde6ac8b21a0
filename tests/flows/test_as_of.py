"""An as-of date that cannot be published is refused in one line, recorded as a failed run with
its own as-of date: after today (a typo such as 2030-01-01) before any work, before the year's
first due date (截至0月, every unit 0.00 不合格) as soon as the rules say when that is."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from flows.assess_year import assess_year


def run_row(workspace, run_id: str):
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT status, as_of, message FROM audit.run WHERE run_id = ?", [run_id]
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("as_of", "says"),
    [
        (dt.date.today() + dt.timedelta(days=1), "晚于今天"),
        (dt.date(2030, 1, 1), "晚于今天"),
        (dt.date(2021, 1, 31), "早于 2021 年第一期（1月）月报的截止日"),
    ],
)
def test_refused_before_any_work(prefect_server, workspace, as_of, says):
    result = assess_year(2021, as_of=as_of)
    assert not result.published and says in result.message and "\n" not in result.message
    assert not (workspace / "archive").exists()  # nothing was taken in
    assert run_row(workspace, result.run_id) == [("failed", as_of, result.message)]


def test_before_the_first_due_date_of_the_rules(prefect_server, workspace):
    """The demo's reports are due on the 5th: as of 3 February no month is due yet."""
    result = assess_year(2021, as_of=dt.date(2021, 2, 3))
    assert not result.published
    assert "早于 2021 年第一期（1月）月报的截止日 2021-02-05" in result.message
    status, as_of, _ = run_row(workspace, result.run_id)[0]
    assert (status, as_of) == ("failed", dt.date(2021, 2, 3))
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM mart.unit_score").fetchone() == (0,)
    finally:
        con.close()


def test_the_first_due_date_itself_publishes(prefect_server, workspace):
    result = assess_year(2021, as_of=dt.date(2021, 2, 5))
    assert result.published, result.message
    assert result.ctx.last_month == 1


def test_the_command_line_refuses_before_starting_anything(prefect_server, tmp_path, monkeypatch):
    """In-process `assess run`: one line, exit 1, the failed row, and no Prefect server asked
    for (the refusal comes before the server and the flow)."""
    from typer.testing import CliRunner

    from cli.app import app
    from tests.warehouse.test_publish import _pub
    from warehouse.location import publish

    wh = tmp_path / "assess.duckdb"
    publish(wh, _pub("r1", "70.00"))
    monkeypatch.setenv("PREFECT_API_URL", prefect_server)
    monkeypatch.setenv("ASSESS_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("ASSESS_WAREHOUSE", str(wh))
    done = CliRunner().invoke(app, ["run", "--year", "2021", "--as-of", "2030-01-01"])
    assert done.exit_code == 1
    assert done.stderr.startswith("assess: 2021 年未发布：基准日 2030-01-01 晚于今天")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.output
    assert "Prefect" not in done.stdout  # nothing was started
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT status, as_of FROM audit.run").fetchall() == [
            ("failed", dt.date(2030, 1, 1))
        ]
    finally:
        con.close()
