"""Sign-off (定稿): the year's published final result approved by a document, and kept.

`assess approve --year Y --document 文号` records in audit.approval that the year's published
final result is approved. From then on a run whose unit scores or line items would differ from
the approved result is refused in one line, unless `--replace` and `--document` name the
decision that justifies the change (the new result is then the approved one, under that
document); a run that reproduces it publishes nothing and says so, so the nightly keeps running
harmlessly (docs/reliability.md, "Sign-off").
"""

from __future__ import annotations

import datetime as dt
import getpass
import os

import polars as pl

from flows import config
from flows.failures import ApprovalRefused
from schemas.tables import APPROVAL, SCORE_LINE_ITEM, UNIT_SCORE
from transforms.compare import diff_table
from warehouse.location import RunNotFound, Warehouse
from warehouse.publish import Publication
from warehouse.read import current_approval, current_publication

SIGNED = (UNIT_SCORE, SCORE_LINE_ITEM)  # what an approval fixes


def who() -> str:
    return os.environ.get("ASSESS_USER") or getpass.getuser()


def approval_row(year: int, run_id: str, document: str, replaces: str | None) -> pl.DataFrame:
    row = {
        "year": year,
        "run_id": run_id,
        "document": document,
        "approved_by": who(),
        "approved_at": dt.datetime.now(dt.UTC),
        "replaces_run_id": replaces,
    }
    return pl.DataFrame([row], schema=APPROVAL.polars_schema)


def approve_year(year: int, document: str, warehouse: str | None = None) -> str:
    """Approve the year's published final result; the one line to show. Raises ApprovalRefused
    or RunNotFound with the reason."""
    document = document.strip()
    if not document:
        raise ApprovalRefused("定稿需要文号：请用 --document 给出批准文件的文号")
    conf = config.settings(warehouse=warehouse)
    conf.warehouse.check_writable()
    with conf.warehouse.reading() as con:  # one session: the run and its approval agree
        published = current_publication(con, year)
        approved = current_approval(con, year)
    if published is None:
        raise RunNotFound(f"{year} 年尚无已发布的运行，无法定稿")
    run_id = published.run_id
    if not published.is_final:
        raise ApprovalRefused(
            f"只有最终结果可以定稿：{year} 年当前发布的是截至{published.last_month}月的临时结果"
            f"（运行 {run_id}，基准日 {published.as_of}）"
        )
    if approved is not None and approved.run_id == run_id:
        if approved.document == document:
            return f"{year} 年最终结果（运行 {run_id}）已于 {approved.approved_at:%Y-%m-%d} 以 {document} 定稿，无需重复。"
        raise ApprovalRefused(
            f"{year} 年最终结果（运行 {run_id}）已以 {approved.document} 定稿，不再以 {document} 重复定稿"
        )
    row = approval_row(year, run_id, document, approved.run_id if approved else None)
    conf.warehouse.publish(
        Publication(f"approve-{run_id}", year, {"approval": row}), conf.lock_wait_seconds
    )
    said = (
        f"已定稿：{year} 年最终结果（运行 {run_id}，基准日 {published.as_of}）以 {document} 批准。"
    )
    return said + _dashboard_signed_off(conf, year)


def _dashboard_signed_off(conf: config.Settings, year: int) -> str:
    """看板.html says 定稿 and the document from now on (out/<year>/ and its kept December copy);
    the workbooks say so from the next published run. Best effort: the approval is recorded."""
    from office.dashboard import DASHBOARD_FILE, write_dashboard
    from office.files import KEPT_DIR

    folder = conf.out / str(year)
    pages = [folder / DASHBOARD_FILE, folder / KEPT_DIR / "12月" / DASHBOARD_FILE]
    try:
        for page in (p for p in pages if p.is_file()):
            stamp = page.stat().st_mtime
            write_dashboard(conf.warehouse, year, page, conf.county, conf.timezone)
            os.utime(page, (stamp, stamp))  # still the publication's date
    except (OSError, RunNotFound):
        return "（看板.html 未能更新，下次发布时更新）"
    return ""


def approved_differences(
    warehouse: Warehouse, year: int, approved_run: str, marts: dict[str, pl.DataFrame]
) -> int:
    """How many rows or values of the unit scores and line items differ from the approved run."""
    approved = warehouse.published_run(year, approved_run).marts
    return sum(diff_table(t, approved[t.name], marts[t.name]).height for t in SIGNED)


def check_against_approval(
    warehouse: Warehouse,
    year: int,
    marts: dict[str, pl.DataFrame],
    replace: bool,
    document: str | None,
) -> tuple[str, pl.DataFrame | None]:
    """What a run may do once its year is approved: ("publish", None) when the year is not
    approved; ("unchanged", None) when the run reproduces the approved result; ("publish", the
    new approval row) with --replace and --document; else ApprovalRefused."""
    approved = warehouse.approval(year)
    if approved is None:
        return "publish", None
    n = approved_differences(warehouse, year, approved.run_id, marts)
    if n == 0:
        return "unchanged", None
    if replace and document and document.strip():
        return "publish", approval_row(year, "", document.strip(), approved.run_id)
    raise ApprovalRefused(
        f"{year} 年结果已定稿（{approved.document}，运行 {approved.run_id}）；本次结果与定稿有"
        f" {n} 处不同，未发布、定稿结果不变；确需依复核决定改动，请加 --replace --document 决定文号"
    )
