"""Bonus points (加分): one function per rule of docs/scoring.md 6.5, named after its rule_id.

Each returns one line per occurrence; the cap is applied in unit_score.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import BONUS, GREEN, HONOR_LEVELS, QUANTITY
from transforms.assessment import Assessment

from .facts import Facts, Rule
from .lines import concat_lines, make_lines, num_text, param_text
from .months import without_noise


def honors(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """honor_national / honor_provincial / honor_city: one line per (unit, document_no) at the
    document's highest level; honors without a document number or of a unit outside the plan
    earn nothing (honors awarded after as-of are not known: known.py)."""
    best = (
        facts.honors.with_columns(pl.col("document_no").str.strip_chars())
        .filter(
            (pl.col("document_no").str.len_chars() > 0) & pl.col("level").is_in(list(HONOR_LEVELS))
        )
        .filter(pl.col("unit_id").is_in(facts.units["unit_id"].implode()))
        .with_columns(
            pl.col("level")
            .replace_strict({k: v[0] for k, v in HONOR_LEVELS.items()})
            .alias("_rank")
        )
        .group_by("unit_id", "document_no")
        # the highest level; of one level, the first honor name (a missing name last)
        .agg(pl.all().sort_by("_rank", "honor", descending=[True, False], nulls_last=True).first())
    )
    b = ctx.rules.bonus
    points = {
        "honor_national": b.honor_national,
        "honor_provincial": b.honor_provincial,
        "honor_city": b.honor_city,
    }
    return concat_lines(
        [
            make_lines(
                best.filter(pl.col("level") == level),
                component=BONUS,
                rule_id=rule_id,
                points=points[rule_id],
                ref=pl.col("document_no"),
                detail=pl.format(
                    "文号 {} {}表彰：{}",
                    pl.col("document_no"),
                    pl.col("level"),
                    pl.col("honor").fill_null(""),
                ),
            )
            for level, (_, rule_id) in HONOR_LEVELS.items()
        ]
    )


def exceeded_target(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """A 数量 task whose last actual >= exceed_ratio * target."""
    ratio = ctx.rules.bonus.exceed_ratio
    tasks = facts.task_facts()
    # 1.1 × 100 is 110.00000000000001 in binary floating point (EXACT_EDGES)
    needed = without_noise(ratio * pl.col("target"), ctx.semantics)
    return make_lines(
        tasks.filter((pl.col("metric") == QUANTITY) & (pl.col("last_actual") >= needed)),
        component=BONUS,
        rule_id="exceeded_target",
        points=ctx.rules.bonus.exceeded_target,
        task_id=pl.col("task_id"),
        detail=pl.format(
            "任务{} 实际完成 {}，目标 {}，达到{}倍",
            pl.col("task_id"),
            num_text(pl.col("last_actual")),
            num_text(pl.col("target")),
            pl.lit(param_text(ratio)),
        ),
    )


def early_completion(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """A task first reported complete in an assessed month <= due_month - 2."""
    tasks = facts.task_facts()
    return make_lines(
        tasks.filter(
            (pl.col("first_complete_month") <= ctx.last_month)
            & (pl.col("first_complete_month") <= pl.col("due_month") - 2)
        ),
        component=BONUS,
        rule_id="early_completion",
        points=ctx.rules.bonus.early_completion,
        task_id=pl.col("task_id"),
        month=pl.col("first_complete_month"),
        detail=pl.format(
            "任务{} {}月已完成，完成月份为{}月，提前{}个月",
            pl.col("task_id"),
            pl.col("first_complete_month"),
            pl.col("due_month"),
            pl.col("due_month") - pl.col("first_complete_month"),
        ),
    )


def all_green(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    """A unit with at least one assessed task-month, every one of them green."""
    # a unit is here only with an assessed task-month
    green = (
        facts.months.group_by("unit_id")
        .agg(pl.len().alias("n"), (pl.col("status") == GREEN).all().alias("all_green"))
        .filter(pl.col("all_green"))
    )
    return make_lines(
        green,
        component=BONUS,
        rule_id="all_green",
        points=ctx.rules.bonus.all_green,
        detail=pl.format("全部{}个任务-月均为绿灯", pl.col("n")),
    )


BONUS_RULES: tuple[Rule, ...] = (honors, exceeded_target, early_completion, all_green)


def bonus_lines(ctx: Assessment, facts: Facts) -> pl.DataFrame:
    return concat_lines([rule(ctx, facts) for rule in BONUS_RULES])
