"""Penalty points (扣分): one function per rule of docs/scoring.md 6.6, named after its rule_id.

Each returns one negative line per occurrence; the cap is applied in unit_score.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import MISSING, PENALTY, REASON_TEXT, RED
from transforms.assessment import Assessment

from .facts import Facts, Rule
from .lines import concat_lines, make_lines, param_text, pct_text

MONTH_TEXT = pl.format("任务{} {}月", pl.col("task_id"), pl.col("month"))


def _lines(
    rows: pl.DataFrame, rule_id: str, points: float, detail: pl.Expr, month: pl.Expr | None
) -> pl.DataFrame:
    """One penalty line per row: its task (and month), the rule's points, negative."""
    return make_lines(
        rows,
        component=PENALTY,
        rule_id=rule_id,
        points=-points,
        task_id=pl.col("task_id"),
        month=month,
        detail=detail,
    )


def red_month(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """Each red task-month."""
    reason = pl.col("reason").replace(REASON_TEXT)
    return _lines(
        facts.months.filter(pl.col("status") == RED),
        "red_month",
        ctx.rules.penalty.red_month,
        pl.format("{} 红灯（{}）", MONTH_TEXT, reason),
        pl.col("month"),
    )


def missing_report(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """Each assessed month without a report (on top of its red_month)."""
    return _lines(
        facts.months.filter(pl.col("reason") == MISSING),
        "missing_report",
        ctx.rules.penalty.missing_report,
        pl.format("{} 未报送", MONTH_TEXT),
        pl.col("month"),
    )


def late_report(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """Each report first submitted after its due day."""
    return _lines(
        facts.months.filter(pl.col("late")),
        "late_report",
        ctx.rules.penalty.late_report,
        pl.format(
            "{} 迟报：首次报送 {}，截止 {}",
            MONTH_TEXT,
            pl.col("first_submitted_on").cast(pl.String),
            pl.col("due_date").cast(pl.String),
        ),
        pl.col("month"),
    )


def overspent(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """A task whose spent > allocated (allocated may be 0)."""
    detail = pl.format(
        "任务{} 支出 {} 元，超过下达 {} 元",
        pl.col("task_id"),
        pl.col("spent").cast(pl.String),
        pl.col("allocated").cast(pl.String),
    )
    rows = facts.funding.filter(pl.col("spent") > pl.col("allocated"))
    return _lines(rows, "overspent", ctx.rules.penalty.overspent, detail, None)


def low_execution(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """Final runs only: a task with allocated > 0 and execution < min_execution."""
    minimum = ctx.rules.penalty.min_execution
    detail = pl.format(
        "任务{} 资金执行率 {}，低于 {}%",
        pl.col("task_id"),
        pct_text(pl.col("execution")),
        pl.lit(param_text(minimum * 100)),
    )
    # execution is null unless allocated > 0 (6.4), and null < minimum is not true
    rows = facts.funding.filter((pl.col("execution") < minimum) & ctx.is_final)
    return _lines(rows, "low_execution", ctx.rules.penalty.low_execution, detail, None)


def voucher_conflict(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """Each conflicting voucher, once to each unit owning a task it names."""
    return make_lines(
        voucher_conflict_units(facts.conflicts, facts.tasks),
        component=PENALTY,
        rule_id="voucher_conflict",
        points=-ctx.rules.penalty.voucher_conflict,
        task_id=pl.col("task_id"),
        ref=pl.col("voucher_no"),
        detail=pl.format(
            "凭证 {} 存在冲突记录（涉及任务{}）", pl.col("voucher_no"), pl.col("tasks")
        ),
    )


def voucher_conflict_units(conflicts: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """(voucher_no, unit_id, task_id = the unit's smallest named task, tasks = all it names).

    Only conflict rows dated on or before as-of are known (known.py): a voucher counts when at
    least one of its rows is, and it names the tasks of its known rows. Tasks outside the plan are
    ignored.
    """
    return (
        conflicts.select("voucher_no", "task_id")
        .join(tasks.select("task_id", "unit_id"), on="task_id")
        .unique()
        .sort("task_id")  # within a group: the smallest task first, the names in order
        .group_by("voucher_no", "unit_id")
        .agg(pl.col("task_id").first(), pl.col("task_id").str.join("、").alias("tasks"))
    )


PENALTY_RULES: tuple[Rule, ...] = (
    red_month,
    missing_report,
    late_report,
    overspent,
    low_execution,
    voucher_conflict,
)


def penalty_lines(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    return concat_lines([rule(ctx, facts) for rule in PENALTY_RULES])
