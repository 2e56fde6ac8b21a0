"""SPEC 6.7: cap and floor adjustment lines, unit totals, rank and grade (mart.unit_score)."""

from __future__ import annotations

import polars as pl

from .lines import LINE_KEY, concat_lines, make_lines, no_negative_zero, num_text, param_text

EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
VETO_RULES = ("overspent", "voucher_conflict")


def _component_sums(lines: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Per unit of the plan: the sum of its work, satisfaction, bonus and penalty lines so far."""
    ordered = lines.sort(LINE_KEY, nulls_last=True)
    sums = ordered.group_by("unit_id", maintain_order=True).agg(
        pl.col("points").filter(pl.col("component") == c).sum().alias(c)
        for c in ("work", "satisfaction", "bonus", "penalty")
    )
    return units.select("unit_id").join(sums, on="unit_id", how="left").fill_null(0.0)


def adjustment_lines(lines: pl.DataFrame, units: pl.DataFrame, rules: dict) -> pl.DataFrame:
    """`bonus_cap` (negative), `penalty_cap` (positive) and `floor_zero` (positive) lines."""
    bonus_cap = float(rules["bonus"]["cap"])
    penalty_cap = float(rules["penalty"]["cap"])
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
        component="bonus",
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
        component="penalty",
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
        component="penalty",
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
    *,
    year: int,
    run_id: str,
    is_final: bool,
    rules: dict,
    units: pl.DataFrame,
    lines: pl.DataFrame,
    months: pl.DataFrame,
) -> pl.DataFrame:
    """One row per unit. `lines` are all line items including the adjustment lines."""
    ordered = lines.sort(LINE_KEY, nulls_last=True)
    component = pl.col("component")
    rule = pl.col("rule_id")
    points = pl.col("points")
    sums = ordered.group_by("unit_id", maintain_order=True).agg(
        points.filter(component == "work").sum().alias("work"),
        points.filter(component == "satisfaction").sum().alias("satisfaction"),
        points.filter(component == "bonus").sum().alias("bonus"),
        (-points.filter((component == "penalty") & (rule != "floor_zero")).sum()).alias("penalty"),
        rounded_total(points).alias("total"),
        rule.is_in(list(VETO_RULES)).any().alias("vetoed"),
    )
    lights = months.group_by("unit_id").agg(
        (pl.col("status") == "red").sum().alias("red_months"),
        (pl.col("status") == "yellow").sum().alias("yellow_months"),
    )
    grade = rules["grade"]
    n_units = units.height
    # round first: 0.29 * 100 is 28.999999999999996 in binary floating point
    quota = int(round(float(grade["excellent_quota"]) * n_units, 9) // 1)
    frame = (
        units.select("unit_id", "unit_name")
        .join(sums, on="unit_id", how="left")
        .join(lights, on="unit_id", how="left")
        .with_columns(
            *(
                no_negative_zero(pl.col(c).fill_null(0.0)).alias(c)
                for c in ("work", "satisfaction", "bonus", "penalty")
            ),
            pl.col("total").fill_null(pl.lit(0, pl.Decimal(8, 2))),
            pl.col("vetoed").fill_null(False),
            pl.col("red_months", "yellow_months").fill_null(0).cast(pl.Int32),
        )
        .sort(["total", "red_months", "unit_id"], descending=[True, False, False])
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("total").cast(pl.Float64).alias("_total"))
    )
    candidate = pl.col("_total") >= float(grade["excellent"])
    eligible = candidate & ~pl.col("vetoed")
    # walk in rank order: an eligible candidate is 优秀 while fewer than `quota` have been
    # given 优秀 before it, i.e. while its running count of eligible candidates is <= quota
    excellent = eligible & (eligible.cast(pl.Int32).cum_sum() <= quota)
    grade_expr = (
        pl.when(excellent)
        .then(pl.lit(EXCELLENT))
        .when(candidate)
        .then(pl.lit(GOOD))
        .when(pl.col("_total") >= float(grade["good"]))
        .then(pl.lit(GOOD))
        .when(pl.col("_total") >= float(grade["pass"]))
        .then(pl.lit(PASS))
        .otherwise(pl.lit(FAIL))
    )
    return frame.select(
        pl.lit(year, pl.Int32).alias("year"),
        "unit_id",
        "unit_name",
        "work",
        "satisfaction",
        "bonus",
        "penalty",
        "total",
        pl.col("rank").cast(pl.Int32),
        grade_expr.alias("grade"),
        "red_months",
        "yellow_months",
        pl.lit(is_final).alias("is_final"),
        pl.lit(run_id, pl.String).alias("run_id"),
    ).sort("unit_id")
