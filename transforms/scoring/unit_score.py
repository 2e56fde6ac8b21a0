"""Cap and floor adjustment lines, unit totals, rank and grade → mart.unit_score (docs/scoring.md, 6.7)."""

from __future__ import annotations

import math
from collections.abc import Collection

import polars as pl

from schemas.codes import (
    BONUS,
    COMPONENTS,
    EXCELLENT,
    FAIL,
    GOOD,
    PASS,
    PENALTY,
    RED,
    SATISFACTION,
    VETO_RULES,
    WORK,
    YELLOW,
)
from schemas.rules import Grade, Rules
from schemas.semantics import GRADE_FINAL_ONLY, ROUNDED_COMPONENTS, Semantics
from transforms.assessment import Assessment

from .lines import concat_lines, make_lines, no_negative_zero, num_text, param_text
from .months import without_noise


def _component_sums(lines: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Per unit of the plan with lines: the sum of its work, satisfaction, bonus and penalty lines
    so far (summed in the order of `lines`, which concat_lines made canonical). A unit without
    any line needs no adjustment."""
    of_plan = lines.filter(pl.col("unit_id").is_in(units["unit_id"].implode()))
    return of_plan.group_by("unit_id").agg(
        pl.col("points").filter(pl.col("component") == c).sum().alias(c) for c in COMPONENTS
    )


def adjustment_lines(
    lines: pl.DataFrame, units: pl.DataFrame, rules: Rules, semantics: Semantics
) -> pl.DataFrame:
    """`bonus_cap` (negative), `penalty_cap` (positive) and `floor_zero` (positive) lines; the
    sums are compared with the caps and 0 without binary noise (EXACT_EDGES: 0.1 + 0.2 is
    0.30000000000000004, and 40 lines of 0.5 and 0.2 need not sum to exactly 20)."""
    bonus_cap = rules.bonus.cap
    penalty_cap = rules.penalty.cap
    sums = (
        _component_sums(lines, units)
        .with_columns(
            pl.min_horizontal(pl.col("bonus"), pl.lit(bonus_cap)).alias("bonus_after"),
            pl.max_horizontal(pl.col("penalty"), pl.lit(-penalty_cap)).alias("penalty_after"),
        )
        .with_columns(
            (
                pl.col("work")
                + pl.col("satisfaction")
                + pl.col("bonus_after")
                + pl.col("penalty_after")
            ).alias("before_floor")
        )
    )
    bonus_lines = make_lines(
        sums.filter(without_noise(pl.col("bonus"), semantics) > bonus_cap),
        component=BONUS,
        rule_id="bonus_cap",
        points=bonus_cap - pl.col("bonus"),
        detail=pl.format(
            "加分合计 {} 超过上限 {}，按 {} 计",
            num_text(pl.col("bonus")),
            pl.lit(param_text(bonus_cap)),
            pl.lit(param_text(bonus_cap)),
        ),
    )
    penalty_lines = make_lines(
        sums.filter(without_noise(pl.col("penalty"), semantics) < -penalty_cap),
        component=PENALTY,
        rule_id="penalty_cap",
        points=-penalty_cap - pl.col("penalty"),
        detail=pl.format(
            "扣分合计 {} 超过上限 {}，按 {} 计",
            num_text(-pl.col("penalty")),
            pl.lit(param_text(penalty_cap)),
            pl.lit(param_text(penalty_cap)),
        ),
    )
    floor_lines = make_lines(
        sums.filter(without_noise(pl.col("before_floor"), semantics) < 0),
        component=PENALTY,
        rule_id="floor_zero",
        points=-pl.col("before_floor"),
        detail=pl.format("得分合计 {} 低于0，按0计", num_text(pl.col("before_floor"))),
    )
    return concat_lines([bonus_lines, penalty_lines, floor_lines])


def rounded(value: pl.Expr) -> pl.Expr:
    """A float → 9 places (float noise) → exact decimal → 2 places, half away from zero.
    (The float has 9 places when it is cast: a decimal of more places only adds zeros.)"""
    return (
        value.round(9)
        .cast(pl.Decimal(38, 9))  # pragma: no mutate (more places add zeros)
        .round(2, mode="half_away_from_zero")
    )


def unit_score(
    ctx: Assessment,
    *,
    units: pl.DataFrame,
    lines: pl.DataFrame,
    months: pl.DataFrame,
    lifted: Collection[str] = (),
) -> pl.DataFrame:
    """One row per unit. `lines` are all line items including the adjustment lines; `lifted`:
    the ids of the units whose 优秀 veto a review decision lifted (decisions.py).

    A provisional run ranks the units but grades none of them (GRADE_FINAL_ONLY): a grade is a
    verdict on the year, and in July most of the year is still to come."""
    rounded_parts = ctx.semantics.uses(ROUNDED_COMPONENTS)
    ranked = ranked_units(units, lines, months, rounded_parts=rounded_parts, lifted=lifted)
    # round first: 0.29 * 100 is 28.999999999999996 in binary floating point
    quota = math.floor(round(ctx.rules.grade.excellent_quota * units.height, 9))
    graded = ctx.is_final or not ctx.semantics.uses(GRADE_FINAL_ONLY)
    grade = grade_expr(ctx.rules.grade, quota) if graded else pl.lit(None)
    return ranked.select(
        pl.lit(ctx.year).alias("year"),
        "unit_id",
        "unit_name",
        *COMPONENTS,
        "total",
        pl.col("rank").cast(pl.Int32),
        grade.alias("grade"),
        "red_months",
        "yellow_months",
        pl.lit(ctx.is_final).alias("is_final"),
        pl.lit(None).alias("run_id"),  # the run's, stamped when it is published (conform types it)
    ).sort("unit_id")


def _components(rounded_parts: bool) -> tuple[dict[str, pl.Expr], list[pl.Expr], pl.Expr]:
    """Per unit (over its lines): the four components, the fill of those a unit may lack, and
    the total (see ranked_units)."""
    component, rule, points = pl.col("component"), pl.col("rule_id"), pl.col("points")
    is_work, is_satisfaction = component == WORK, component == SATISFACTION
    capped_penalty = (component == PENALTY) & (rule != "floor_zero")
    raw = {
        WORK: points.filter(is_work).sum(),
        SATISFACTION: points.filter(is_satisfaction).sum(),
        BONUS: points.filter(component == BONUS).sum(),
        PENALTY: -points.filter(capped_penalty).sum(),
    }
    # work and satisfaction are null for a unit with no line of theirs (no task started yet,
    # 未测评: WORK_TO_DATE, UNRATED_SATISFACTION; before those changes every unit had lines)
    parts = {
        WORK: pl.when(is_work.any()).then(raw[WORK]),
        SATISFACTION: pl.when(is_satisfaction.any()).then(raw[SATISFACTION]),
        BONUS: raw[BONUS],
        PENALTY: raw[PENALTY],
    }
    if rounded_parts:
        parts = {c: rounded(expr) for c, expr in parts.items()}
        filled = [pl.col(c).fill_null(0).alias(c) for c in (BONUS, PENALTY)]
        work, satisfaction, bonus, penalty = (pl.col(c).fill_null(0) for c in COMPONENTS)
        total = pl.max_horizontal(work + satisfaction + bonus - penalty, 0)
    else:
        filled = [no_negative_zero(pl.col(c).fill_null(0.0)).alias(c) for c in (BONUS, PENALTY)]
        filled += [no_negative_zero(pl.col(c)).alias(c) for c in (WORK, SATISFACTION)]
        total = pl.col("total").fill_null(0)
    return parts, filled, total


def ranked_units(
    units: pl.DataFrame,
    lines: pl.DataFrame,
    months: pl.DataFrame,
    *,
    rounded_parts: bool,
    lifted: Collection[str] = (),
) -> pl.DataFrame:
    """Per unit: the four components, total, veto flag, red/yellow months, in rank order.

    ROUNDED_COMPONENTS: each component is rounded to 2 places first and the total is the sum of
    the rounded components, so the parts a person sees add up to the total they see. Before that
    change the components were unrounded and the total was the rounded sum of every line."""
    rule, points = pl.col("rule_id"), pl.col("points")
    parts, filled, total = _components(rounded_parts)
    # summed in the order of `lines`, which concat_lines made canonical
    sums = lines.group_by("unit_id").agg(
        *(expr.alias(c) for c, expr in parts.items()),
        rounded(points.sum()).alias("total"),
        rule.is_in(list(VETO_RULES)).any().alias("vetoed"),
    )
    lights = months.group_by("unit_id").agg(
        (pl.col("status") == RED).sum().alias("red_months"),
        (pl.col("status") == YELLOW).sum().alias("yellow_months"),
    )
    return (
        units.select("unit_id", "unit_name")
        .join(sums, on="unit_id", how="left")
        .join(lights, on="unit_id", how="left")
        .with_columns(
            *filled,
            pl.col("vetoed").fill_null(False) & ~pl.col("unit_id").is_in(list(lifted)),
            pl.col("red_months", "yellow_months").fill_null(0).cast(pl.Int32),
        )
        .with_columns(total.alias("total"))
        .sort(["total", "red_months", "unit_id"], descending=[True, False, False])
        .with_row_index("rank", offset=1)
    )


def grade_expr(grade: Grade, quota: int) -> pl.Expr:
    """The grade of each unit, over units in rank order: a candidate (total >= excellent) is
    优秀 while fewer than `quota` have been given 优秀 before it and it is not vetoed (its running
    count of eligible candidates is <= quota); every other candidate is 良好."""
    total = pl.col("total").cast(pl.Float64)
    candidate = total >= grade.excellent
    eligible = candidate & ~pl.col("vetoed")
    excellent = eligible & (eligible.cast(pl.Int32).cum_sum() <= quota)
    return (
        pl.when(excellent)
        .then(pl.lit(EXCELLENT))
        .when(candidate)
        .then(pl.lit(GOOD))
        .when(total >= grade.good)
        .then(pl.lit(GOOD))
        .when(total >= grade.pass_)
        .then(pl.lit(PASS))
        .otherwise(pl.lit(FAIL))
    )
