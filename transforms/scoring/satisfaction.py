"""Resident satisfaction per community (mart.community_satisfaction) and per unit (docs/scoring.md, 6.3)."""

from __future__ import annotations

import polars as pl

from schemas.codes import SATISFACTION
from schemas.rules import Rules
from schemas.semantics import UNRATED_SATISFACTION
from transforms.assessment import Assessment

from .lines import concat_lines, empty_lines, make_lines, num_text


def known_responses(responses: pl.DataFrame) -> pl.DataFrame:
    """Responses (valid and invalid) known at the as-of date (known.py), validity settled."""
    return responses.with_columns(pl.col("is_valid").fill_null(False))


def community_satisfaction(
    communities: pl.DataFrame, responses: pl.DataFrame, year: int
) -> pl.DataFrame:
    """One row per community of the plan: valid/invalid response counts, score, rate."""
    stats = (
        responses.filter(pl.col("community_id").is_not_null())
        .group_by("community_id")
        .agg(
            pl.col("is_valid").sum().alias("valid_responses"),
            (~pl.col("is_valid")).sum().alias("invalid_responses"),
            pl.col("score").filter(pl.col("is_valid")).mean().alias("score"),
            pl.col("items_satisfied").filter(pl.col("is_valid")).sum().alias("_satisfied"),
            pl.col("items_answered").filter(pl.col("is_valid")).sum().alias("_answered"),
        )
    )
    return (
        communities.select("community_id")
        .join(stats, on="community_id", how="left")
        .select(
            pl.lit(year).alias("year"),
            "community_id",
            pl.col("valid_responses").fill_null(0).cast(pl.Int32),
            pl.col("invalid_responses").fill_null(0).cast(pl.Int32),
            "score",
            pl.when(pl.col("_answered") > 0)
            .then(pl.col("_satisfied").cast(pl.Float64) / pl.col("_answered").cast(pl.Float64))
            .alias("satisfaction_rate"),
        )
        .sort("community_id")
    )


def satisfaction_lines(
    ctx: Assessment, units: pl.DataFrame, community: pl.DataFrame, responses: pl.DataFrame
) -> pl.DataFrame:
    """`community_satisfaction` lines over a unit's counted communities, else one
    `county_satisfaction` line (the mean of all valid responses of the year known at as-of).

    With no valid response in the county yet, a provisional run has nothing to rate: the unit
    gets no line and its satisfaction is null, shown as 未测评 (UNRATED_SATISFACTION); a final
    run scores it 0, as every run did before that change."""
    rules = ctx.rules
    unrated = ctx.semantics.uses(UNRATED_SATISFACTION) and not ctx.is_final
    counted = community.filter(
        (pl.col("valid_responses") >= rules.survey.min_responses) & pl.col("score").is_not_null()
    )
    unit_communities = (
        units.select("unit_id", pl.col("communities").alias("community_id"))
        .explode("community_id")
        .filter(pl.col("community_id").is_not_null())
        .unique()
        .join(counted, on="community_id")
        .with_columns(pl.len().over("unit_id").alias("n_counted"))
    )
    fallback = units.join(unit_communities.select("unit_id").unique(), on="unit_id", how="anti")
    return concat_lines(
        [
            community_lines(unit_communities, rules),
            county_lines(fallback, responses, rules, unrated),
        ]
    )


def community_lines(unit_communities: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """A unit's counted communities share its satisfaction points equally."""
    return make_lines(
        unit_communities,
        component=SATISFACTION,
        rule_id="community_satisfaction",
        points=rules.weights.satisfaction * pl.col("score") / 100.0 / pl.col("n_counted"),
        ref=pl.col("community_id"),
        detail=pl.format(
            "社区{} 满意度 {}分（有效答卷{}份），{}个社区取平均",
            pl.col("community_id"),
            num_text(pl.col("score")),
            pl.col("valid_responses"),
            pl.col("n_counted"),
        ),
    )


def county_lines(
    fallback: pl.DataFrame, responses: pl.DataFrame, rules: Rules, unrated: bool
) -> pl.DataFrame:
    """Units without a counted community: the mean of all valid responses (0 without any, or
    no line at all when `unrated`)."""
    valid = responses.filter(pl.col("is_valid") & pl.col("score").is_not_null())
    county_score = valid.get_column("score").mean()  # None without any
    if county_score is None and unrated:
        return empty_lines()
    why = (
        pl.when(pl.col("communities").list.len().fill_null(0) == 0)
        .then(pl.lit("未设联系社区"))
        .otherwise(pl.lit(f"联系社区有效答卷均不足{rules.survey.min_responses}份"))
    )
    if county_score is None:
        points, detail = 0.0, pl.format("{}，全县无有效答卷，满意度计0分", why)
    else:
        points = rules.weights.satisfaction * county_score / 100.0
        detail = pl.format(
            "{}，按全县有效答卷平均 {}分（{}份）",
            why,
            num_text(pl.lit(county_score)),
            pl.lit(valid.height),
        )
    return make_lines(
        fallback,
        component=SATISFACTION,
        rule_id="county_satisfaction",
        points=points,
        detail=detail,
    )
