"""Sign-off (docs/reliability.md, "Sign-off"): approve the final result, then a changed input is
refused, `--replace --document` publishes it under the decision, and the audit trail shows all."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from flows.approve import approve_year
from flows.assess_year import assess_year
from flows.failures import ApprovalRefused
from flows.rerun import rerun_year
from tests.flows.conftest import AS_OF, assess_here, copy_published

FINAL = dt.date.fromisoformat(AS_OF)
DOC = "大英目考〔2022〕1号"
DECISION = "大英目考〔2022〕3号"
DY07 = "reports/DY07_县委政法委_2021年进度月报.csv"


def rows(workspace, sql: str, params=()):
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture
def approved(published_demo, workspace):
    first = copy_published(published_demo, workspace)
    assert approve_year(2021, DOC).startswith("已定稿：2021 年最终结果")
    return first


def test_only_a_final_result_can_be_approved(prefect_server, workspace):
    july = assess_year(2021, as_of=dt.date(2021, 7, 20))
    assert july.published, july.message
    with pytest.raises(
        ApprovalRefused, match="只有最终结果可以定稿：2021 年当前发布的是截至6月的临时结果"
    ):
        approve_year(2021, DOC)
    assert rows(workspace, "SELECT count(*) FROM audit.approval") == [(0,)]


def test_approving_twice_is_harmless_and_another_document_is_refused(approved, workspace):
    assert "无需重复" in approve_year(2021, DOC)
    with pytest.raises(ApprovalRefused, match="已以 大英目考〔2022〕1号 定稿"):
        approve_year(2021, "另一文号")
    assert rows(workspace, "SELECT run_id, document, replaces_run_id FROM audit.approval") == [
        (approved.run_id, DOC, None)
    ]


def test_after_approval_the_nightly_changes_nothing_and_a_changed_input_needs_a_decision(
    approved, workspace
):
    # the same inputs again: reproduced, nothing published
    again = assess_year(2021, as_of=FINAL, trigger="nightly")
    assert again.status == "unchanged", again.message
    # a unit's reports disappear: its score would change
    (workspace / "inbox" / "2021" / DY07).unlink()
    refused = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF, "--quiet")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"assess: 2021 年未发布：2021 年结果已定稿（{DOC}，运行 {approved.run_id}）"
    )
    assert "--replace --document" in refused.stderr and refused.stderr.count("\n") == 1
    half = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF, "--quiet", "--replace")
    assert half.returncode == 1  # --replace alone is not a decision
    done = assess_here(
        workspace,
        "run",
        "--year",
        "2021",
        "--as-of",
        AS_OF,
        "--quiet",
        "--replace",
        "--document",
        DECISION,
    )
    assert done.returncode == 0, done.stderr
    (published,) = rows(workspace, "SELECT run_id FROM audit.publication WHERE year = 2021")
    assert rows(
        workspace,
        "SELECT run_id, document, replaces_run_id FROM audit.approval ORDER BY approved_at",
    ) == [
        (approved.run_id, DOC, None),
        (published[0], DECISION, approved.run_id),
    ]
    trail = rows(workspace, "SELECT trigger, status FROM audit.run ORDER BY started_at")
    assert trail == [
        ("manual", "published"),
        ("nightly", "unchanged"),
        ("manual", "failed"),
        ("manual", "failed"),
        ("manual", "published"),
    ]
    # the approved result, replayed, is reproduced
    assert rerun_year(2021, approved.run_id).reproduced


def test_the_office_files_say_pending_then_signed_off(prefect_server, workspace):
    """A final result not yet approved says 待定稿; once approved, 看板.html (today's and the
    kept December copy) says 定稿 with the document, and keeps the publication's date."""
    first = assess_year(2021, as_of=FINAL)
    assert first.published, first.message
    out = workspace / "out" / "2021"
    page, kept = out / "看板.html", out / "历次通报" / "12月" / "看板.html"
    assert "最终结果·待定稿" in page.read_text(encoding="utf-8")
    dated = page.stat().st_mtime
    approve_year(2021, DOC)
    for shown in (page, kept):
        assert f"最终结果·定稿：{DOC}" in shown.read_text(encoding="utf-8")
    assert page.stat().st_mtime == dated


def test_a_decision_after_sign_off_changes_the_result_only_under_its_document(approved, workspace):
    """The office decides the pending appeal SS-04 after 定稿: the nightly refuses the change
    until the run names the decision; then DY09's voucher conflict is voided, with its line."""
    from demo.make_demo import DECISION_HEADER
    from demo.writers import write_xlsx

    later = "大英目考〔2022〕8号"
    row = ["SS-04", "DY09", "撤销", None, None, None, "记-08-9004", None, "重复导出，非冲突"]
    write_xlsx(
        workspace / "inbox" / "2021" / "decisions" / "复核决定（补充）.xlsx",
        {"复核决定": (DECISION_HEADER, [[later, dt.date(2022, 1, 30), *row]])},
    )
    nightly = assess_year(2021, as_of=FINAL, trigger="nightly")
    assert nightly.status == "failed" and "已定稿" in nightly.message
    done = assess_year(2021, as_of=FINAL, replace=True, document=later)
    assert done.published, done.message
    assert rows(
        workspace,
        "SELECT rule_id, task_id, points, ref FROM mart.score_line_item "
        "WHERE unit_id = 'DY09' AND rule_id LIKE 'decision%'",
    ) == [("decision_void", "T021", 1.0, later)]
    assert rows(
        workspace, "SELECT status, decision_no FROM mart.appeal WHERE appeal_no = 'SS-04'"
    ) == [("撤销", later)]
    assert rows(workspace, "SELECT document FROM audit.approval ORDER BY approved_at") == [
        (DOC,),
        (later,),
    ]
    assert rerun_year(2021, done.run_id).reproduced
