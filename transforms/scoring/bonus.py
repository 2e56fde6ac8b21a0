"""SPEC 6.5: bonus points (加分), one line per occurrence (the cap is applied in unit_score)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from .effective import QUANTITY
from .lines import concat_lines, make_lines, num_text, param_text

# level → (rank: higher wins, rule_id)
HONOR_LEVELS = {
    "国家级": (3, "honor_national"),
    "省级": (2, "honor_provincial"),
    "市级": (1, "honor_city"),
}


def honor_lines(
    honors: pl.DataFrame, units: pl.DataFrame, as_of: dt.date, rules: dict
) -> pl.DataFrame:
    """One line per (unit, document_no) at the document's highest level; honors without a
    document number, with an unknown level, awarded after as-of or of a unit outside the
    plan earn nothing."""
    points = {level: float(rules["bonus"][rule]) for level, (_, rule) in HONOR_LEVELS.items()}
    best = (
        honors.with_columns(pl.col("document_no").str.strip_chars())
        .filter(
            (pl.col("awarded_on") <= as_of)
            & (pl.col("document_no").str.len_chars() > 0)
            & pl.col("level").is_in(list(HONOR_LEVELS))
        )
        .join(units.select("unit_id"), on="unit_id", how="semi")
        .with_columns(
            pl.col("level")
            .replace_strict({k: v[0] for k, v in HONOR_LEVELS.items()}, return_dtype=pl.Int32)
            .alias("_rank")
        )
        .sort(
            ["unit_id", "document_no", "_rank", "honor"],
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .unique(subset=["unit_id", "document_no"], keep="first", maintain_order=True)
    )
    return concat_lines(
        [
            make_lines(
                best.filter(pl.col("level") == level),
                component="bonus",
                rule_id=rule,
                points=points[level],
                ref=pl.col("document_no"),
                detail=pl.format(
                    "文号 {} {}表彰：{}",
                    pl.col("document_no"),
                    pl.col("level"),
                    pl.col("honor").fill_null(""),
                ),
            )
            for level, (_, rule) in HONOR_LEVELS.items()
        ]
    )


def bonus_lines(
    *,
    last_month: int,
    rules: dict,
    units: pl.DataFrame,
    tasks: pl.DataFrame,
    honors: pl.DataFrame,
    summary: pl.DataFrame,
    months: pl.DataFrame,
    as_of: dt.date,
) -> pl.DataFrame:
    bonus = rules["bonus"]
    ratio = float(bonus["exceed_ratio"])
    task_facts = tasks.select("task_id", "unit_id", "metric", "target", "due_month").join(
        summary, on="task_id", how="left"
    )

    exceeded = task_facts.filter(
        (pl.col("metric") == QUANTITY) & (pl.col("last_actual") >= ratio * pl.col("target"))
    )
    exceeded_lines = make_lines(
        exceeded,
        component="bonus",
        rule_id="exceeded_target",
        points=float(bonus["exceeded_target"]),
        task_id=pl.col("task_id"),
        detail=pl.format(
            "任务{} 实际完成 {}，目标 {}，达到{}倍",
            pl.col("task_id"),
            num_text(pl.col("last_actual")),
            num_text(pl.col("target")),
            pl.lit(param_text(ratio)),
        ),
    )

    early = task_facts.filter(
        (pl.col("first_complete_month") <= last_month)
        & (pl.col("first_complete_month") <= pl.col("due_month") - 2)
    )
    early_lines = make_lines(
        early,
        component="bonus",
        rule_id="early_completion",
        points=float(bonus["early_completion"]),
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

    green = (
        months.group_by("unit_id")
        .agg(pl.len().alias("n"), (pl.col("status") == "green").all().alias("all_green"))
        .filter(pl.col("all_green") & (pl.col("n") > 0))
    )
    green_lines = make_lines(
        green,
        component="bonus",
        rule_id="all_green",
        points=float(bonus["all_green"]),
        detail=pl.format("全部{}个任务-月均为绿灯", pl.col("n")),
    )
    return concat_lines(
        [
            honor_lines(honors, units, as_of, rules),
            exceeded_lines,
            early_lines,
            green_lines,
        ]
    )
