"""SPEC 6.6: penalty points (扣分), negative, one line per occurrence (cap in unit_score)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from .lines import concat_lines, make_lines, param_text, pct_text

REASON_TEXT = {"missing": "未报送", "overdue": "逾期未完成", "behind": "进度滞后"}


def voucher_conflict_units(
    conflicts: pl.DataFrame, tasks: pl.DataFrame, as_of: dt.date
) -> pl.DataFrame:
    """(voucher_no, unit_id, task_id = the unit's smallest named task, tasks = all it names).

    Only conflict rows dated on or before as-of are known: a voucher counts when at least one
    of its rows is, and it names the tasks of its known rows. Tasks outside the plan are ignored.
    """
    return (
        conflicts.filter(pl.col("entry_date") <= as_of)
        .select("voucher_no", "task_id")
        .join(tasks.select("task_id", "unit_id"), on="task_id", how="inner")
        .unique()
        .sort("voucher_no", "unit_id", "task_id")
        .group_by("voucher_no", "unit_id", maintain_order=True)
        .agg(pl.col("task_id").first(), pl.col("task_id").str.join("、").alias("tasks"))
    )


def penalty_lines(
    *,
    is_final: bool,
    rules: dict,
    as_of: dt.date,
    tasks: pl.DataFrame,
    months: pl.DataFrame,
    funding: pl.DataFrame,
    conflicts: pl.DataFrame,
) -> pl.DataFrame:
    p = rules["penalty"]
    month_text = pl.format("任务{} {}月", pl.col("task_id"), pl.col("month"))

    red = months.filter(pl.col("status") == "red")
    red_lines = make_lines(
        red,
        component="penalty",
        rule_id="red_month",
        points=-float(p["red_month"]),
        task_id=pl.col("task_id"),
        month=pl.col("month"),
        detail=pl.format(
            "{} 红灯（{}）",
            month_text,
            pl.col("reason").replace_strict(REASON_TEXT, default=pl.col("reason")),
        ),
    )
    missing_lines = make_lines(
        months.filter(pl.col("reason") == "missing"),
        component="penalty",
        rule_id="missing_report",
        points=-float(p["missing_report"]),
        task_id=pl.col("task_id"),
        month=pl.col("month"),
        detail=pl.format("{} 未报送", month_text),
    )
    late_lines = make_lines(
        months.filter(pl.col("late")),
        component="penalty",
        rule_id="late_report",
        points=-float(p["late_report"]),
        task_id=pl.col("task_id"),
        month=pl.col("month"),
        detail=pl.format(
            "{} 迟报：首次报送 {}，截止 {}",
            month_text,
            pl.col("first_submitted_on").cast(pl.String),
            pl.col("due_date").cast(pl.String),
        ),
    )
    overspent_lines = make_lines(
        funding.filter(pl.col("spent") > pl.col("allocated")),
        component="penalty",
        rule_id="overspent",
        points=-float(p["overspent"]),
        task_id=pl.col("task_id"),
        detail=pl.format(
            "任务{} 支出 {} 元，超过下达 {} 元",
            pl.col("task_id"),
            pl.col("spent").cast(pl.String),
            pl.col("allocated").cast(pl.String),
        ),
    )
    frames = [red_lines, missing_lines, late_lines, overspent_lines]
    if is_final:
        min_execution = float(p["min_execution"])
        frames.append(
            make_lines(
                funding.filter((pl.col("allocated") > 0) & (pl.col("execution") < min_execution)),
                component="penalty",
                rule_id="low_execution",
                points=-float(p["low_execution"]),
                task_id=pl.col("task_id"),
                detail=pl.format(
                    "任务{} 资金执行率 {}，低于 {}%",
                    pl.col("task_id"),
                    pct_text(pl.col("execution")),
                    pl.lit(param_text(min_execution * 100)),
                ),
            )
        )
    frames.append(
        make_lines(
            voucher_conflict_units(conflicts, tasks, as_of),
            component="penalty",
            rule_id="voucher_conflict",
            points=-float(p["voucher_conflict"]),
            task_id=pl.col("task_id"),
            ref=pl.col("voucher_no"),
            detail=pl.format(
                "凭证 {} 存在冲突记录（涉及任务{}）", pl.col("voucher_no"), pl.col("tasks")
            ),
        )
    )
    return concat_lines(frames)
