"""Tiny literal frames for the scoring tests: one builder per core table, defaults for the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from schemas.rules import Rules, parse_rules
from schemas.semantics import LATEST, Semantics
from schemas.tables import (
    APPEALS,
    COMMUNITIES,
    DECISIONS,
    HONORS,
    LEDGER,
    REPORTS,
    SURVEY_RESPONSES,
    TASKS,
    UNITS,
    VOUCHER_CONFLICTS,
    Table,
)
from transforms.assessment import Assessment
from transforms.scoring import score_year

YEAR = 2021
D = dt.date
MARCH_1 = D(2021, 3, 1)
JUNE_1 = dt.datetime(2021, 6, 1, 10, 0)


def frame(table: Table, rows: list[dict]) -> pl.DataFrame:
    names = [c.name for c in table.columns]
    return (
        pl.DataFrame(
            [{n: row.get(n) for n in names} for row in rows],
            schema=table.polars_schema,
            orient="row",
        )
        if rows
        else pl.DataFrame(schema=table.polars_schema)
    )


def unit(unit_id: str, communities: list[str] | None = None) -> dict:
    return {
        "year": YEAR,
        "unit_id": unit_id,
        "unit_name": f"单位{unit_id}",
        "unit_type": "部门",
        "communities": communities or [],
    }


def community(community_id: str) -> dict:
    return {
        "year": YEAR,
        "community_id": community_id,
        "community_name": f"社区{community_id}",
        "town": "盐井街道",
        "pilot_type": "便民服务型",
    }


def task(
    task_id: str,
    unit_id: str,
    *,
    metric: str = "进度",
    target: float = 100,
    weight: float = 1,
    start: int = 1,
    due: int = 12,
) -> dict:
    return {
        "year": YEAR,
        "task_id": task_id,
        "unit_id": unit_id,
        "task_name": f"任务{task_id}",
        "category": "硬件改造",
        "metric": metric,
        "target": float(target),
        "weight": float(weight),
        "start_month": start,
        "due_month": due,
        "budget": Decimal("0.00"),
    }


def report(
    task_id: str,
    unit_id: str,
    month: int,
    *,
    progress: float | None = None,
    actual: float | None = None,
    submitted: dt.date | None = None,
    file: str = "reports/a.xlsx",
    row: int = 2,
) -> dict:
    """A report submitted on the 1st of the next month (on time) unless `submitted` is given."""
    if submitted is None:
        submitted = D(YEAR + month // 12, month % 12 + 1, 1)
    return {
        "year": YEAR,
        "task_id": task_id,
        "unit_id": unit_id,
        "month": month,
        "progress": progress,
        "actual": actual,
        "submitted_on": submitted,
        "note": "",
        "file": file,
        "sheet": "进度",
        "row_number": row,
        "is_effective": True,
    }


def honor(
    unit_id: str,
    level: str,
    document_no: str | None,
    awarded: dt.date = MARCH_1,
    name: str = "先进集体",
) -> dict:
    return {
        "year": YEAR,
        "unit_id": unit_id,
        "honor": name,
        "level": level,
        "document_no": document_no,
        "awarded_on": awarded,
        "file": "reports/h.xlsx",
        "sheet": "荣誉",
        "row_number": 2,
    }


def entry(
    task_id: str, kind: str, amount: str, date: dt.date = MARCH_1, voucher: str | None = None
) -> dict:
    voucher = voucher or f"V-{task_id}-{kind}-{amount}"
    return {
        "year": YEAR,
        "entry_date": date,
        "voucher_no": voucher,
        "task_id": task_id,
        "source": "财政局",
        "kind": kind,
        "amount": Decimal(amount),
        "summary": "",
        "file": "funding/f.csv",
        "sheet": None,
        "row_number": 2,
    }


def conflict(voucher: str, task_id: str, date: dt.date = MARCH_1, row: int = 2) -> dict:
    return {
        "year": YEAR,
        "voucher_no": voucher,
        "task_id": task_id,
        "entry_date": date,
        "kind": "支出",
        "amount": Decimal("100.00"),
        "file": "funding/f.csv",
        "sheet": None,
        "row_number": row,
    }


def response(
    community_id: str | None,
    score: float | None,
    *,
    valid: bool = True,
    at: dt.datetime = JUNE_1,
    answered: int = 5,
    satisfied: int = 4,
    row: int = 2,
) -> dict:
    return {
        "year": YEAR,
        "response_no": str(row),
        "submitted_at": at,
        "seconds": 90,
        "channel": "微信",
        "ip_hash": "x",
        "ip_region": "四川-遂宁",
        "community_answer": community_id,
        "community_id": community_id,
        "items_answered": answered,
        "items_satisfied": satisfied,
        "score": score,
        "is_valid": valid,
        "invalid_reason": None if valid else "答题时间过短",
        "file": "surveys/s.xlsx",
        "sheet": None,
        "row_number": row,
    }


def run(
    *,
    as_of: dt.date,
    units: list[dict],
    tasks: list[dict],
    reports: list[dict] = (),
    communities: list[dict] = (),
    honors: list[dict] = (),
    ledger: list[dict] = (),
    conflicts: list[dict] = (),
    responses: list[dict] = (),
    appeals: list[dict] = (),
    decisions: list[dict] = (),
    rules: str | Rules | None = None,
    semantics: Semantics = LATEST,
) -> dict[str, pl.DataFrame]:
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    core = {
        "units": frame(UNITS, list(units)),
        "communities": frame(COMMUNITIES, list(communities)),
        "tasks": frame(TASKS, list(tasks)),
        "reports": frame(REPORTS, list(reports)),
        "honors": frame(HONORS, list(honors)),
        "ledger_entries": frame(LEDGER, list(ledger)),
        "voucher_conflicts": frame(VOUCHER_CONFLICTS, list(conflicts)),
        "survey_responses": frame(SURVEY_RESPONSES, list(responses)),
        "appeals": frame(APPEALS, list(appeals)),
        "decisions": frame(DECISIONS, list(decisions)),
    }
    return score_year(Assessment(YEAR, as_of, rules, semantics), core)


def lines_of(
    result: dict,
    unit_id: str | None = None,
    component: str | None = None,
    rule_id: str | None = None,
) -> list[dict]:
    """score_line_item rows (without year), filtered."""
    frame = result["score_line_item"]
    for name, value in (("unit_id", unit_id), ("component", component), ("rule_id", rule_id)):
        if value is not None:
            frame = frame.filter(pl.col(name) == value)
    return frame.drop("year").to_dicts()


def points_of(result: dict, unit_id: str, rule_id: str) -> list[tuple]:
    """(task_id, month, ref, points rounded to 6 places) of a unit's lines of one rule."""
    return [
        (r["task_id"], r["month"], r["ref"], round(r["points"], 6))
        for r in lines_of(result, unit_id, rule_id=rule_id)
    ]


def score_row(result: dict, unit_id: str) -> dict:
    return result["unit_score"].filter(pl.col("unit_id") == unit_id).to_dicts()[0]
