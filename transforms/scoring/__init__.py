"""The scoring layer: pure polars, from the core tables of a year to its marts.

`score_year` is the one entry point; each concern lives in its own module:
months (due dates, planned progress, lights), effective (effective reports at as-of),
status (6.1), work (6.2), satisfaction (6.3), funding (6.4), bonus (6.5: one function per
rule), penalty (6.6: one function per rule) and unit_score (6.7). The rules and decisions
are written out in docs/scoring.md; what is assessed (year, as-of, M, final) comes in as one
`Assessment`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from schemas.semantics import DECISIONS as DECISIONS_SCORE
from schemas.tables import (
    APPEAL,
    APPEALS,
    COMMUNITY_SATISFACTION,
    CORE_TABLES,
    DECISIONS,
    FUNDING_EXECUTION,
    REVIEW_DECISION,
    SCORE_LINE_ITEM,
    SURVEY_ANSWERS,
    TASK_MONTH_STATUS,
    UNIT_SCORE,
    Table,
    conform,
)
from transforms.assessment import Assessment

from .bonus import bonus_lines
from .decisions import review
from .effective import effective_reports, known_reports, task_report_summary
from .facts import Facts
from .funding import funding_execution
from .known import known_at
from .lines import concat_lines
from .penalty import penalty_lines
from .satisfaction import community_satisfaction, known_responses, satisfaction_lines
from .status import task_months
from .unit_score import adjustment_lines, unit_score
from .work import task_completion, work_lines

__all__ = ["UNMATCHED", "score_year"]

# the core tables scoring reads: name in the core dict → its contract
INPUTS = tuple(t for t in CORE_TABLES if t is not SURVEY_ANSWERS)  # answers: only for analysts
UNMATCHED = "unmatched"  # not a mart: appeals and decisions naming no line, to be quarantined


def _prepare(frame: pl.DataFrame, table: Table, year: int) -> pl.DataFrame:
    """The table's columns with the contract dtypes (absent ones as nulls), only rows of `year`
    (or without a year), in a canonical row order so results never depend on the input order."""
    missing = [c for c in table.columns if c.name not in frame.columns]
    frame = frame.with_columns(pl.lit(None).alias(c.name) for c in missing)  # cast just below
    frame = frame.select(pl.col(c.name).cast(c.dtype) for c in table.columns)
    frame = frame.filter(pl.col("year").is_null() | (pl.col("year") == year))
    flat = [name for name, dtype in frame.schema.items() if not dtype.is_nested()]
    return frame.sort(flat)


def _given(core: Mapping[str, pl.DataFrame], table: Table) -> pl.DataFrame:
    """A core table; the optional sources' (appeals, decisions) may be absent: none (an empty
    frame, which _prepare gives the table's columns)."""
    if table in (APPEALS, DECISIONS) and table.name not in core:
        return pl.DataFrame()
    return core[table.name]


def score_year(ctx: Assessment, core: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Score one year as of a date: the five marts, each conformed to its contract table.

    `core` holds (at least) the core tables scoring reads, by name: core.units → "units", ...
    """
    t = {
        table.name: known_at(table.name, _prepare(_given(core, table), table, ctx.year), ctx.as_of)
        for table in INPUTS
    }
    tasks = t["tasks"]
    effective = effective_reports(known_reports(t["reports"], tasks))
    summary = task_report_summary(tasks, effective, ctx.last_month)
    months = task_months(ctx, tasks=tasks, effective=effective, summary=summary)
    funding = funding_execution(ctx, tasks=tasks, ledger=t["ledger_entries"])
    known = known_responses(t["survey_responses"])
    community = community_satisfaction(t["communities"], known, ctx.year)
    facts = Facts(
        units=t["units"],
        tasks=tasks,
        honors=t["honors"],
        summary=summary,
        months=months,
        funding=funding,
        conflicts=t["voucher_conflicts"],
    )
    lines = concat_lines(
        [
            work_lines(task_completion(ctx, tasks, summary), ctx.rules),
            satisfaction_lines(ctx, t["units"], community, known),
            bonus_lines(ctx, facts),
            penalty_lines(ctx, facts),
        ]
    )
    if ctx.semantics.uses(DECISIONS_SCORE):
        reviewed = review(ctx, lines, t["appeals"], t["decisions"])
    else:  # runs of earlier versions never read appeals or decisions
        reviewed = review(ctx, lines, t["appeals"].clear(), t["decisions"].clear())
    lines = concat_lines([lines, reviewed.lines])  # decision lines count before the caps
    lines = concat_lines([lines, adjustment_lines(lines, t["units"], ctx.rules, ctx.semantics)])
    scores = unit_score(
        ctx,
        units=t["units"],
        lines=lines,
        months=months,
        lifted=reviewed.lifted["unit_id"].to_list(),
    )
    return {
        "task_month_status": conform(months, TASK_MONTH_STATUS),
        "funding_execution": conform(funding, FUNDING_EXECUTION),
        "community_satisfaction": conform(community, COMMUNITY_SATISFACTION),
        "score_line_item": conform(
            lines.with_columns(pl.lit(ctx.year).alias("year")), SCORE_LINE_ITEM
        ),
        "unit_score": conform(scores, UNIT_SCORE),
        "appeal": conform(reviewed.appeals, APPEAL),
        "review_decision": conform(reviewed.decisions, REVIEW_DECISION),
        UNMATCHED: reviewed.unmatched,
    }
