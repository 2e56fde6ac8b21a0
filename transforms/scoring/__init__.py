"""The scoring layer (SPEC §6): pure polars, from the core tables of a year to its marts.

`score_year` is the one entry point; each concern lives in its own module:
months (M, due dates, planned progress), effective (effective reports at as-of), status (6.1),
work (6.2), satisfaction (6.3), funding (6.4), bonus (6.5), penalty (6.6) and unit_score (6.7).
The rules and decisions are written out in docs/scoring.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.tables import (
    COMMUNITIES,
    COMMUNITY_SATISFACTION,
    FUNDING_EXECUTION,
    HONORS,
    LEDGER,
    REPORTS,
    SCORE_LINE_ITEM,
    SURVEY_RESPONSES,
    TASK_MONTH_STATUS,
    TASKS,
    UNIT_SCORE,
    UNITS,
    VOUCHER_CONFLICTS,
    Table,
    conform,
)

from .bonus import bonus_lines
from .effective import effective_reports, known_reports, task_report_summary
from .funding import funding_execution
from .lines import concat_lines
from .months import last_assessed_month
from .penalty import penalty_lines
from .satisfaction import community_satisfaction, known_responses, satisfaction_lines
from .status import task_months
from .unit_score import adjustment_lines, unit_score
from .work import task_completion, work_lines

__all__ = ["score_year", "last_assessed_month"]


def _prepare(frame: pl.DataFrame, table: Table, year: int) -> pl.DataFrame:
    """The table's columns with the contract dtypes (absent ones as nulls), only rows of `year`
    (or without a year), in a canonical row order so results never depend on the input order."""
    missing = [c for c in table.columns if c.name not in frame.columns]
    frame = frame.with_columns(pl.lit(None, c.dtype).alias(c.name) for c in missing)
    frame = frame.select(pl.col(c.name).cast(c.dtype) for c in table.columns)
    frame = frame.filter(pl.col("year").is_null() | (pl.col("year") == year))
    flat = [name for name, dtype in frame.schema.items() if not dtype.is_nested()]
    return frame.sort(flat, nulls_last=False)


def score_year(
    *,
    year: int,
    as_of: dt.date,
    run_id: str,
    rules: dict,
    units: pl.DataFrame,
    communities: pl.DataFrame,
    tasks: pl.DataFrame,
    reports: pl.DataFrame,
    honors: pl.DataFrame,
    ledger: pl.DataFrame,
    voucher_conflicts: pl.DataFrame,
    survey_responses: pl.DataFrame,
) -> dict[str, pl.DataFrame]:
    """Score one year as of a date: the five marts, each conformed to its contract table."""
    units = _prepare(units, UNITS, year)
    communities = _prepare(communities, COMMUNITIES, year)
    tasks = _prepare(tasks, TASKS, year)
    reports = _prepare(reports, REPORTS, year)
    honors = _prepare(honors, HONORS, year)
    ledger = _prepare(ledger, LEDGER, year)
    conflicts = _prepare(voucher_conflicts, VOUCHER_CONFLICTS, year)
    responses = _prepare(survey_responses, SURVEY_RESPONSES, year)

    last_month = last_assessed_month(year, as_of, rules["reports"]["due_day"])
    is_final = last_month == 12

    effective = effective_reports(known_reports(reports, tasks, as_of))
    summary = task_report_summary(tasks, effective, last_month)
    months = task_months(
        year=year,
        last_month=last_month,
        rules=rules,
        tasks=tasks,
        effective=effective,
        summary=summary,
    )
    funding = funding_execution(
        year=year, as_of=as_of, last_month=last_month, rules=rules, tasks=tasks, ledger=ledger
    )
    known = known_responses(responses, as_of)
    community = community_satisfaction(communities, known, year)

    lines = concat_lines(
        [
            work_lines(task_completion(tasks, summary), rules),
            satisfaction_lines(units, community, known, rules),
            bonus_lines(
                last_month=last_month,
                rules=rules,
                units=units,
                tasks=tasks,
                honors=honors,
                summary=summary,
                months=months,
                as_of=as_of,
            ),
            penalty_lines(
                is_final=is_final,
                rules=rules,
                as_of=as_of,
                tasks=tasks,
                months=months,
                funding=funding,
                conflicts=conflicts,
            ),
        ]
    )
    lines = concat_lines([lines, adjustment_lines(lines, units, rules)])
    scores = unit_score(
        year=year,
        run_id=run_id,
        is_final=is_final,
        rules=rules,
        units=units,
        lines=lines,
        months=months,
    )
    return {
        "task_month_status": conform(months, TASK_MONTH_STATUS),
        "funding_execution": conform(funding, FUNDING_EXECUTION),
        "community_satisfaction": conform(community, COMMUNITY_SATISFACTION),
        "score_line_item": conform(
            lines.with_columns(pl.lit(year, pl.Int32).alias("year")), SCORE_LINE_ITEM
        ),
        "unit_score": conform(scores, UNIT_SCORE),
    }
