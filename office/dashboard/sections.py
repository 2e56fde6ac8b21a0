"""The sections of 看板.html (docs/dashboard.md): each function makes what one section shows —
its rows, every value formatted and labelled whole columns at a time with polars — and
templates/parts/<section>.html.j2 lays it out. Values are plain text; the templates escape.

A value a part of which is missing (a unit without a name, a task without an id) is left
out or shown blank, as the page always did: lists leave such rows out, table cells stay empty.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from office.dashboard.values import dash, label, num, pct
from office.labels import (
    CHANGE_TEXT,
    COMPONENT_ORDER,
    RULE_TEXT,
    STATUS_MARK,
    STATUS_TEXT,
    movement_text,
)
from schemas.codes import (
    DOWN,
    EXCELLENT,
    FAIL,
    GOOD,
    GREEN,
    NEWLY_RED,
    PASS,
    PENDING,
    REASON_TEXT,
    RECOVERED,
    RED,
    SAME,
    UP,
    YELLOW,
    YELLOW_TO_RED,
)

View = dict[str, Any]  # what a section's template reads
MONTHS = range(1, 13)
GRADE_CLASS = {EXCELLENT: "g-a", GOOD: "g-b", PASS: "g-c", FAIL: "g-d"}
PENDING_GRADE = "年终评定"  # a provisional run ranks but does not grade
NOT_SURVEYED = "未测评"  # no valid survey response to count yet (0 in the total)
NEW_RED = (NEWLY_RED, YELLOW_TO_RED)
ADJUSTMENTS = ("bonus_cap", "penalty_cap", "floor_zero")  # last in their component
FORECAST_SHOWN = 10  # the most behind; the whole list is in 预警清单.xlsx
C = pl.col


def task_text(task_id: pl.Expr, task_name: pl.Expr) -> pl.Expr:
    """`T001 便民服务中心建设`; the id alone when the task has no name."""
    return pl.concat_str(task_id.cast(pl.String), pl.lit(" "), task_name.fill_null(""))


def grade(column: str = "grade") -> list[pl.Expr]:
    """The grade's badge: its colour class and text; a provisional run has none yet: 年终评定."""
    return [
        C(column)
        .replace_strict(GRADE_CLASS, default="g-p", return_dtype=pl.String)
        .alias("grade_class"),
        C(column).cast(pl.String).fill_null(PENDING_GRADE).alias("grade_text"),
    ]


def movement(rank: pl.Expr, previous: pl.Expr) -> list[pl.Expr]:
    """Last month's rank: the movement (up, down, same: the arrow's class), the arrow (`↑2`)
    and 上月第N名's N; null without it."""
    move = (
        pl.when(previous.is_null())
        .then(None)
        .when(rank < previous)
        .then(pl.lit(UP))
        .when(rank > previous)
        .then(pl.lit(DOWN))
        .otherwise(pl.lit(SAME))
    )
    return [
        move.alias("move"),
        movement_text(rank, previous).alias("arrow"),
        num(previous, 0).alias("previous_text"),
    ]


def bar(left: pl.Expr, width: pl.Expr, prefix: str = "") -> list[pl.Expr]:
    """A bar from `left`% over `width`% of its cell (both kept within 0-100)."""
    return [
        num(left.clip(0, 100), 2).alias(f"{prefix}left"),
        num(width.clip(0, 100), 2).alias(f"{prefix}width"),
    ]


def with_ranks(scores: pl.DataFrame, ranks: pl.DataFrame | None) -> pl.DataFrame:
    """The unit scores with last month's rank and total beside them (null without them)."""
    before = (
        ranks.select("unit_id", "previous_rank", "previous_total")
        if ranks is not None and ranks.height
        else pl.DataFrame(
            schema={"unit_id": pl.String, "previous_rank": pl.Int32, "previous_total": pl.Float64}
        )
    )
    return scores.join(before, on="unit_id", how="left", maintain_order="left")


def ranking(scores: pl.DataFrame) -> View:
    """综合排名: one row per unit in rank order, the numbers of mart.unit_score, last month's
    rank beside each (↑ up, ↓ down, — same)."""
    rows = scores.select(
        C("unit_id"),
        C("unit_name"),
        num(C("rank"), 0).fill_null("").alias("rank"),
        *movement(C("rank"), C("previous_rank")),
        num(C("total")).fill_null("").alias("total"),
        *bar(pl.lit(0.0), C("total").cast(pl.Float64)),
        *grade(),
        dash(num(C("work"))).alias("work"),
        num(C("satisfaction")).fill_null(NOT_SURVEYED).alias("satisfaction"),
        *(num(C(c)).fill_null("").alias(c) for c in ("bonus", "penalty")),
        *(num(C(c), 0).fill_null("").alias(c) for c in ("red_months", "yellow_months")),
    )
    pending = bool(scores.height) and scores["grade"].is_null().all()
    return {"rows": rows.to_dicts(), "pending": pending}


def _task_lines(frame: pl.DataFrame, why: pl.Expr) -> View:
    """Tasks as a list: unit, task and why (`why` null: the task is left out)."""
    items = frame.select(
        C("unit_id").cast(pl.String),
        C("unit_name"),
        task_text(C("task_id"), C("task_name")).alias("task"),
        why.alias("why"),
    ).drop_nulls()
    return {"count": frame.height, "items": items.to_dicts()}


def _why(streak: bool = True) -> pl.Expr:
    """`未报送，进度 —／计划 50%，连续 3 个月`."""
    progress = pl.concat_str(
        pl.lit("，进度 "),
        dash(pl.concat_str(num(C("progress"), 0), pl.lit("%"))),
        pl.lit("／计划 "),
        num(C("planned"), 0),
        pl.lit("%"),
    ).fill_null("")
    months = pl.when(C("months_in_row") > 1).then(pl.format("，连续 {} 个月", C("months_in_row")))
    return pl.concat_str(
        label(C("reason"), REASON_TEXT),
        progress,
        months.otherwise(pl.lit("")) if streak else pl.lit(""),
    )


def overview(scores: pl.DataFrame, warnings: pl.DataFrame) -> list[tuple[str, Any, str]]:
    """Headline figures: units (by grade once graded), red tasks now, turned red, recovered."""
    grades = scores["grade"].value_counts()
    by_grade = dict(zip(grades["grade"].to_list(), grades["count"].to_list(), strict=True))
    change = warnings["change"]
    graded = [(g, by_grade.get(g, 0), cls) for g, cls in GRADE_CLASS.items()]
    return [
        ("参评单位", scores.height, ""),
        *(graded if scores["grade"].is_not_null().any() else [(PENDING_GRADE, "—", "g-p")]),
        ("当前红灯", int((warnings["status"] == RED).sum()), "red"),
        ("当前黄灯", int((warnings["status"] == YELLOW).sum()), "yellow"),
        ("本月转红", int(change.is_in(NEW_RED).sum()), "red"),
        ("已恢复", int((change == RECOVERED).sum()), "green"),
    ]


def brief(
    scores: pl.DataFrame,
    warnings: pl.DataFrame,
    units: pl.DataFrame,
    month: int,
    ahead: pl.DataFrame | None = None,
) -> View:
    """本月要点, what the leadership asks first: who is red now, what turned red this month
    (against last month, inside this run), which units moved in the ranking, and which tasks
    green or yellow today will miss their due month at their own pace (预计逾期, `ahead`:
    mart.task_forecast with the tasks' names)."""
    listed = warnings.join(units, on="unit_id", how="left", maintain_order="left")
    turned = listed.filter(C("change").is_in(NEW_RED))
    ranked = scores.filter(C("previous_rank").is_not_null() & (C("rank") != C("previous_rank")))
    why = pl.concat_str(
        pl.lit("现第"),
        num(C("rank"), 0),
        pl.lit("名，总分 "),
        num(C("total")),
        pl.lit("（上月 "),
        dash(num(C("previous_total"))),
        pl.lit("）"),
    )
    moved = ranked.sort("rank").select(
        C("unit_id"), C("unit_name"), *movement(C("rank"), C("previous_rank")), why.alias("why")
    )
    return {
        "cards": overview(scores, warnings),
        "month": month,
        "since": f"{month - 1}月" if month > 1 else "上月",
        "red": _task_lines(listed.filter(C("status") == RED), _why()),
        "turned": _task_lines(
            turned, pl.concat_str(label(C("change"), CHANGE_TEXT), pl.lit("："), _why(False))
        ),
        "compared": not scores["previous_rank"].is_null().all(),
        "moved": {
            "count": ranked.height,
            "items": moved.drop_nulls(["unit_id", "unit_name", "why"]).to_dicts(),
        },
        "ahead": forecast_ask(ahead, units),
    }


def forecast_ask(forecast: pl.DataFrame | None, units: pl.DataFrame) -> View | None:
    """预计逾期: tasks green or yellow today projected to miss their due month (docs/forecast.md),
    the FORECAST_SHOWN most behind; None without a forecast."""
    if forecast is None:
        return None
    flagged = (
        forecast.filter(C("flagged"))
        .join(units, on="unit_id", how="left", maintain_order="left")
        .sort("projected", "unit_id", "task_id")
    )
    why = pl.concat_str(
        pl.lit("按目前进度到"),
        num(C("due_month"), 0),
        pl.lit("月约 "),
        num(C("projected"), 0),
        pl.lit("%，按期完成每月需 "),
        num(C("needed_pace"), 1),
        pl.lit(" 个百分点"),
    )
    return {
        "count": flagged.height,
        "shown": _task_lines(flagged.head(FORECAST_SHOWN), why),
        "more": max(flagged.height - FORECAST_SHOWN, 0),
    }


def _listed(frame: pl.DataFrame, *columns: pl.Expr) -> list[dict]:
    """The rows of the changes and corrections tables: unit, task and `columns`."""
    return frame.select(
        C("unit_id").cast(pl.String),
        C("unit_name"),
        task_text(C("task_id"), C("task_name")).fill_null("").alias("task"),
        *columns,
    ).to_dicts()


def _status(column: str, alias: str, mapping: dict[str, str] = STATUS_TEXT) -> list[pl.Expr]:
    """A status badge: its code (the class) and its label; null without a status."""
    return [
        C(column).cast(pl.String).alias(alias),
        label(C(column), mapping).alias(f"{alias}_text"),
    ]


def changes(
    warnings: pl.DataFrame, corrections: pl.DataFrame | None, units: pl.DataFrame, month: int
) -> View:
    """预警变化: every task red or yellow now with its change against last month (inside this
    run, so every night of the month shows the same), the recovered tasks, and corrections of
    earlier months apart."""
    listed = warnings.join(units, on="unit_id", how="left", maintain_order="left")
    counts = listed["change"].drop_nulls().value_counts(sort=True)
    changed = [
        *_status("status", "status"),
        label(C("reason"), REASON_TEXT).fill_null("").alias("reason"),
        pl.concat_str(dash(num(C("progress"), 0)), pl.lit(" / "), num(C("planned"), 0))
        .fill_null("")
        .alias("progress"),
        num(C("months_in_row"), 0).fill_null("").alias("months_in_row"),
        *_status("previous_status", "previous"),
        label(C("change"), CHANGE_TEXT).fill_null("").alias("change"),
    ]
    fixed = corrections if corrections is not None and corrections.height else None
    return {
        "month": month,
        "chips": [(code, CHANGE_TEXT.get(code, code), n) for code, n in counts.iter_rows()],
        "now": _listed(listed.filter(C("status").is_in([RED, YELLOW])), *changed),
        "recovered": _listed(listed.filter(C("change") == RECOVERED), *changed),
        "fixes": None
        if fixed is None
        else _listed(
            fixed.join(units, on="unit_id", how="left", maintain_order="left"),
            pl.concat_str(num(C("month"), 0), pl.lit("月")).fill_null("").alias("month"),
            *_status("previous_status", "previous"),
            *_status("status", "status"),
            label(C("reason"), REASON_TEXT).fill_null("").alias("reason"),
        ),
    }


def _cell_title() -> pl.Expr:
    """The hover text of a matrix cell: month, reason, progress against plan, late."""
    progress = pl.concat_str(
        pl.lit("，进度 "), num(C("progress"), 1), pl.lit("%（计划 "), num(C("planned"), 1)
    )
    return pl.concat_str(
        num(C("month"), 0),
        pl.lit("月："),
        label(C("reason"), REASON_TEXT),
        pl.concat_str(progress, pl.lit("%）")).fill_null(""),
        pl.when(C("late")).then(pl.lit("，迟报")).otherwise(pl.lit("")),
    )


def matrix(status: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> View:
    """三、红黄绿矩阵: every task (units in rank order) by month; blank = not assessed. And the
    phone's list of the same."""
    title = _cell_title()
    cells = status.select(
        "task_id",
        C("month").cast(pl.Int32),
        pl.when(title.is_not_null()).then(C("status").cast(pl.String)).alias("status"),
        title.alias("title"),
        label(C("status"), STATUS_MARK).alias("mark"),
    )
    grid = (
        tasks.select("task_id", "unit_id", "task_name")
        .join(pl.DataFrame({"month": list(MONTHS)}, schema={"month": pl.Int32}), how="cross")
        .join(cells, on=["task_id", "month"], how="left")
        .sort("task_id", "month")
        .group_by("task_id", "unit_id", "task_name", maintain_order=True)
        .agg(pl.struct("status", "title", "mark").alias("cells"))
        .join(order, on="unit_id", how="left")
        .sort("order", "unit_id", "task_id", nulls_last=True)
        .select(
            C("unit_name").fill_null(""),
            task_text(C("task_id"), C("task_name")).fill_null("").alias("task"),
            "cells",
        )
    )
    return {
        "marks": STATUS_MARK,
        "month_heads": [(f"{m}月", "m") for m in MONTHS],
        "rows": grid.to_dicts(),
        "phone": phone_matrix(status, tasks, order),
    }


def phone_matrix(status: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> list[dict]:
    """The matrix for a phone (shown on narrow screens only): one block per task, its months
    latest first, each with its reason written out (a phone cannot hover)."""
    behind = pl.concat_str(pl.lit(" "), num(C("progress"), 0), pl.lit("/"), num(C("planned"), 0))
    why = pl.concat_str(
        label(C("reason"), REASON_TEXT),
        pl.when(C("status") != GREEN)  # how far behind, where it matters
        .then(behind)
        .otherwise(pl.lit(""))
        .fill_null(""),
        pl.when(C("late")).then(pl.lit(" 迟报")).otherwise(pl.lit("")),
    )
    chip = pl.struct(
        C("status").cast(pl.String).alias("status"),
        num(C("month"), 0).alias("month"),
        label(C("status"), STATUS_MARK).alias("mark"),
        why.alias("why"),
    )
    complete = pl.all_horizontal(C("status", "month", "reason").is_not_null())
    chips = (
        status.sort("task_id", "month", descending=[False, True])
        .select("task_id", pl.when(complete).then(chip).alias("chip"))
        .group_by("task_id", maintain_order=True)
        .agg(C("chip").alias("chips"))
    )
    return (
        tasks.select("task_id", "unit_id", "task_name")
        .join(chips, on="task_id", how="inner")
        .join(order.select("unit_id", "unit_name", "order"), on="unit_id", how="left")
        .sort("order", "unit_id", "task_id", nulls_last=True)
        .select(
            C("unit_name").fill_null(""),
            task_text(C("task_id"), C("task_name")).alias("task"),
            "chips",
        )
        .to_dicts()
    )


def funding(execution: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> View:
    """四、资金执行: one row per task that has money allocated or spent, amounts in 万元."""
    rows = (
        execution.join(tasks.select("task_id", "task_name"), on="task_id", how="left")
        .join(order, on="unit_id", how="left")
        .with_columns(C("allocated", "spent").cast(pl.Float64))
        .filter((C("allocated") != 0) | (C("spent") != 0))
        .sort("order", "unit_id", "task_id", nulls_last=True)
    )
    overspent = C("spent") > C("allocated")
    shown = rows.select(
        C("unit_name").fill_null(""),
        task_text(C("task_id"), C("task_name")).fill_null("").alias("task"),
        num(C("allocated") / 10_000).fill_null("").alias("allocated"),
        num(C("spent") / 10_000).fill_null("").alias("spent"),
        dash(pct(C("execution"))).alias("execution"),
        *bar(pl.lit(0.0), C("execution").fill_null(0) * 100),
        pl.when(overspent)
        .then(pl.lit("red"))
        .otherwise(C("status").fill_null("none"))
        .alias("kind"),
        *_status("status", "status"),
        overspent.fill_null(False).alias("overspent"),
    )
    allocated, spent = rows["allocated"].sum(), rows["spent"].sum()
    return {
        "rows": shown.to_dicts(),
        "allocated": f"{allocated / 10_000:.2f}",
        "spent": f"{spent / 10_000:.2f}",
        "rate": f"{spent / allocated * 100:.1f}%" if allocated else "—",
    }


def satisfaction(communities: pl.DataFrame, names: pl.DataFrame, lines: pl.DataFrame) -> View:
    """五、社区满意度: one row per community; whether it counts towards units' scores."""
    counted = (
        lines.filter(C("rule_id") == "community_satisfaction")
        .select(C("ref").alias("community_id"))
        .unique()
        .with_columns(pl.lit(True).alias("counted"))
    )
    rows = (
        communities.join(names, on="community_id", how="left")
        .join(counted, on="community_id", how="left")
        .sort("community_id")
        .select(
            pl.concat_str(C("community_id"), pl.lit(" "), C("community_name"))
            .fill_null("")
            .alias("community"),
            C("town").fill_null(""),
            *(
                num(C(c), 0).fill_null("").alias(c)
                for c in ("valid_responses", "invalid_responses")
            ),
            dash(num(C("score"))).alias("score"),
            *bar(pl.lit(0.0), C("score").fill_null(0)),
            dash(pct(C("satisfaction_rate"))).alias("rate"),
            pl.when(C("counted")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("counted"),
        )
    )
    return {"rows": rows.to_dicts()}


def appeal_marks(lines: pl.DataFrame, appeals: pl.DataFrame | None) -> pl.DataFrame:
    """Each line with `mark`: 复核决定 on a decision's line, 申诉中 or 已复核 on a contested line
    (docs/appeals.md)."""
    key = ["unit_id", "rule_id", "task_id", "month", "ref"]
    if appeals is None or not appeals.height:
        contested = pl.DataFrame(schema={**lines.select(key).schema, "status": pl.String})
    else:
        contested = appeals.select(*key, "status").unique(key, keep="first")
    return lines.join(
        contested, on=key, how="left", nulls_equal=True, maintain_order="left"
    ).select(
        *lines.columns,
        pl.when(C("rule_id").str.starts_with("decision"))
        .then(pl.lit("复核决定"))
        .when(C("status") == PENDING)
        .then(pl.lit("申诉中"))
        .when(C("status").is_not_null())
        .then(pl.format("已复核：{}", C("status")))
        .alias("mark"),
    )


def line_items(lines: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """Every line item in waterfall order (work, satisfaction, bonus, penalty; a cap or floor
    adjustment last in its component) with the running total before and after it."""
    order = C("component").replace_strict(COMPONENT_ORDER, default=9, return_dtype=pl.Int8)
    adjustment = C("rule_id").is_in(ADJUSTMENTS)
    return (
        lines.join(tasks.select("task_id", "task_name"), on="task_id", how="left")
        .sort("unit_id", order, adjustment, "rule_id", "task_id", "month", "ref", nulls_last=True)
        .with_columns(after=C("points").cum_sum().over("unit_id"))
        .with_columns(before=C("after") - C("points"))
    )


def _line(low: float, span: float) -> pl.Expr:
    """One line of a unit's waterfall; its bar places [low, low + span] points across the cell."""
    left = (pl.min_horizontal("before", "after") - low) / span * 100
    sign = pl.when(C("points") >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
    return pl.struct(
        label(C("rule_id"), RULE_TEXT).fill_null("").alias("rule"),
        pl.concat_str(sign, num(C("points"))).fill_null("").alias("points"),
        num(C("after")).fill_null("").alias("after"),
        *bar(left, C("points").abs() / span * 100),
        pl.when(C("points") >= 0).then(pl.lit("up")).otherwise(pl.lit("down")).alias("kind"),
        dash(task_text(C("task_id"), C("task_name"))).alias("task"),
        dash(pl.concat_str(num(C("month"), 0), pl.lit("月"))).alias("month"),
        dash(C("ref").cast(pl.String)).alias("ref"),
        C("detail").cast(pl.String).fill_null("").alias("detail"),
        C("mark").fill_null("").alias("mark"),
    )


def waterfalls(
    scores: pl.DataFrame,
    lines: pl.DataFrame,
    tasks: pl.DataFrame,
    appeals: pl.DataFrame | None = None,
) -> View:
    """六、单位得分构成: every unit's line items as a waterfall from 0 to its total (units in
    rank order; the page shows the selected one, print shows all or the selected one), contested
    and decision lines marked."""
    items = line_items(appeal_marks(lines, appeals), tasks)
    # the axis: from 0 (or below, if a running total ever dips under 0) to 100 (or above)
    low, high = items.select(
        pl.min_horizontal(C("before").min(), C("after").min(), 0.0).alias("low"),
        pl.max_horizontal(C("before").max(), C("after").max(), 100.0).alias("high"),
    ).row(0)
    low, span = float(low), float(high) - float(low)
    per_unit = items.group_by("unit_id", maintain_order=True).agg(_line(low, span).alias("lines"))
    total = C("total").cast(pl.Float64)
    blocks = scores.join(per_unit, on="unit_id", how="left", maintain_order="left").select(
        C("unit_id"),
        num(C("rank"), 0).alias("rank"),
        C("unit_name"),
        num(total).alias("total"),
        *grade(),
        # null parts count as 0 in the total: no survey response yet (未测评), no started task (—)
        dash(num(C("work"))).alias("work"),
        num(C("satisfaction")).fill_null(NOT_SURVEYED).alias("satisfaction"),
        *(dash(num(C(c))).alias(c) for c in ("bonus", "penalty")),
        *bar(pl.lit(-low / span * 100), total / span * 100, "total_"),
        "lines",
    )
    named = blocks.drop_nulls(["unit_id", "rank", "unit_name"])
    return {
        "options": named.select("unit_id", "rank", "unit_name").to_dicts(),
        "units": named.drop_nulls("total").to_dicts(),
    }
