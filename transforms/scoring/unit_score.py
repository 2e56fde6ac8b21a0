"""Cap and floor adjustment lines, unit totals, rank and grade → mart.unit_score (docs/scoring.md, 6.7)."""

from __future__ import annotations

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
from transforms.assessment import Assessment

from .lines import LINE_KEY, concat_lines, make_lines, no_negative_zero, num_text, param_text


def _component_sums(lines: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Per unit of the plan: the sum of its work, satisfaction, bonus and penalty lines so far."""
    ordered = lines.sort(LINE_KEY, nulls_last=True)
    sums = ordered.group_by("unit_id", maintain_order=True).agg(
        pl.col("points").filter(pl.col("component") == c).sum().alias(c) for c in COMPONENTS
    )
    return units.select("unit_id").join(sums, on="unit_id", how="left").fill_null(0.0)


def adjustment_lines(lines: pl.DataFrame, units: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """`bonus_cap` (negative), `penalty_cap` (positive) and `floor_zero` (positive) lines."""
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
        sums.filter(pl.col("bonus") > bonus_cap),
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
        sums.filter(pl.col("penalty") < -penalty_cap),
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
        sums.filter(pl.col("before_floor") < 0),
        component=PENALTY,
        rule_id="floor_zero",
        points=-pl.col("before_floor"),
        detail=pl.format("得分合计 {} 低于0，按0计", num_text(pl.col("before_floor"))),
    )
    return concat_lines([bonus_lines, penalty_lines, floor_lines])


def rounded_total(points: pl.Expr) -> pl.Expr:
    """Sum → 9 places (float noise) → exact decimal → 2 places, half away from zero."""
    return (
        points.sum()
        .round(9)
        .cast(pl.Decimal(38, 9))
        .round(2, mode="half_away_from_zero")
        .cast(pl.Decimal(8, 2))
    )


def unit_score(
    ctx: Assessment,
    *,
    run_id: str,
    units: pl.DataFrame,
    lines: pl.DataFrame,
    months: pl.DataFrame,
) -> pl.DataFrame:
    """One row per unit. `lines` are all line items including the adjustment lines."""
    ranked = ranked_units(units, lines, months)
    # round first: 0.29 * 100 is 28.999999999999996 in binary floating point
    quota = int(round(ctx.rules.grade.excellent_quota * units.height, 9) // 1)
    return ranked.select(
        pl.lit(ctx.year, pl.Int32).alias("year"),
        "unit_id",
        "unit_name",
        *COMPONENTS,
        "total",
        pl.col("rank").cast(pl.Int32),
        grade_expr(ctx.rules.grade, quota).alias("grade"),
        "red_months",
        "yellow_months",
        pl.lit(ctx.is_final).alias("is_final"),
        pl.lit(run_id, pl.String).alias("run_id"),
    ).sort("unit_id")


def ranked_units(units: pl.DataFrame, lines: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """Per unit: component sums, rounded total, veto flag, red/yellow months, in rank order."""
    component, rule, points = pl.col("component"), pl.col("rule_id"), pl.col("points")
    sums = (
        lines.sort(LINE_KEY, nulls_last=True)
        .group_by("unit_id", maintain_order=True)
        .agg(
            points.filter(component == WORK).sum().alias(WORK),
            points.filter(component == SATISFACTION).sum().alias(SATISFACTION),
            points.filter(component == BONUS).sum().alias(BONUS),
            (-points.filter((component == PENALTY) & (rule != "floor_zero")).sum()).alias(PENALTY),
            rounded_total(points).alias("total"),
            rule.is_in(list(VETO_RULES)).any().alias("vetoed"),
        )
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
            *(no_negative_zero(pl.col(c).fill_null(0.0)).alias(c) for c in COMPONENTS),
            pl.col("total").fill_null(pl.lit(0, pl.Decimal(8, 2))),
            pl.col("vetoed").fill_null(False),
            pl.col("red_months", "yellow_months").fill_null(0).cast(pl.Int32),
        )
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
