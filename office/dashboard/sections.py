"""The sections of 看板.html, each built from the published run's frames (docs/dashboard.md).

Each function returns the HTML of one section body; every value is escaped (office.dashboard.values).
"""

from __future__ import annotations

import polars as pl

from office.dashboard.values import Col, bar, dash, esc, head, label, num, pct, table, td, text
from office.labels import (
    CHANGE_TEXT,
    COMPONENT_ORDER,
    RULE_TEXT,
    STATUS_MARK,
    STATUS_TEXT,
)
from schemas.codes import EXCELLENT, FAIL, GOOD, PASS, REASON_TEXT

MONTHS = range(1, 13)
GRADE_CLASS = {EXCELLENT: "g-a", GOOD: "g-b", PASS: "g-c", FAIL: "g-d"}
PENDING_GRADE = "年终评定"  # a provisional run ranks but does not grade
NOT_SURVEYED = "未测评"  # no valid survey response to count yet (0 in the total)
NEW_RED = ("newly_red", "yellow_to_red")
RECOVERED = ("recovered",)
ADJUSTMENTS = ("bonus_cap", "penalty_cap", "floor_zero")  # last in their component
C = pl.col


def unit_link(unit_id: pl.Expr, name: pl.Expr) -> pl.Expr:
    """The unit's name, linking to its score breakdown (#unit-<id>)."""
    return pl.concat_str(
        pl.lit('<a href="#unit-'), esc(unit_id), pl.lit('">'), esc(name), pl.lit("</a>")
    )


def task_text(task_id: pl.Expr, task_name: pl.Expr) -> pl.Expr:
    """`T001 便民服务中心建设`; the id alone when the task has no name."""
    return pl.concat_str(esc(task_id), pl.lit(" "), esc(task_name).fill_null(""))


def grade_badge(grade: pl.Expr) -> pl.Expr:
    """The grade as a coloured badge; a provisional run has none yet: 年终评定."""
    cls = grade.replace_strict(GRADE_CLASS, default="g-p", return_dtype=pl.String)
    return pl.concat_str(
        pl.lit('<span class="grade '),
        cls,
        pl.lit('">'),
        esc(grade).fill_null(PENDING_GRADE),
        pl.lit("</span>"),
    )


def movement(rank: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """Last month's rank as an arrow: `↑2`, `↓1`, `—` (same); blank without last month."""
    steps = (previous - rank).abs().cast(pl.String)
    arrow = (
        pl.when(rank < previous)
        .then(pl.concat_str(pl.lit('<span class="mv up">↑'), steps))
        .when(rank > previous)
        .then(pl.concat_str(pl.lit('<span class="mv down">↓'), steps))
        .otherwise(pl.lit('<span class="mv same">—'))
    )
    title = pl.concat_str(pl.lit("</span><small>上月第"), num(previous, 0), pl.lit("名</small>"))
    return pl.when(previous.is_not_null()).then(pl.concat_str(arrow, title))


def status_badge(status: pl.Expr, mapping: dict[str, str] = STATUS_TEXT) -> pl.Expr:
    return pl.concat_str(
        pl.lit('<span class="st '),
        esc(status),
        pl.lit('">'),
        label(status, mapping),
        pl.lit("</span>"),
    )


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


def ranking(scores: pl.DataFrame) -> str:
    """综合排名: one row per unit in rank order, the numbers of mart.unit_score, last month's
    rank beside each (↑ up, ↓ down, — same)."""
    cols = [
        Col("排名", num(C("rank"), 0), "num", "rank"),
        Col("较上月", dash(movement(C("rank"), C("previous_rank"))), "mark", "movement"),
        Col("单位", unit_link(C("unit_id"), C("unit_name")), "name", "unit_name"),
        Col("总分", num(C("total")), "num total", "total"),
        Col("", bar(pl.lit(0.0), C("total").cast(pl.Float64), "total"), "bar"),
        Col("等次", grade_badge(C("grade")), "mark", "grade"),
        Col("工作实绩", dash(num(C("work"))), "num", "work"),
        Col("群众满意度", num(C("satisfaction")).fill_null(NOT_SURVEYED), "num", "satisfaction"),
        Col("加分", num(C("bonus")), "num", "bonus"),
        Col("扣分", num(C("penalty")), "num", "penalty"),
        Col("红灯月数", num(C("red_months"), 0), "num", "red_months"),
        Col("黄灯月数", num(C("yellow_months"), 0), "num", "yellow_months"),
    ]
    row_attrs = pl.concat_str(pl.lit('data-unit="'), esc(C("unit_id")), pl.lit('"'))
    note = (
        '<p class="note">等次在年终（评估至12月）评定；临时结果只排名。'
        "群众满意度“未测评”表示尚无可计入的有效答卷，总分中按 0 计。</p>"
        if scores["grade"].is_null().all() and scores.height
        else ""
    )
    return note + table(scores, cols, "ranking", row_attrs)


def overview(scores: pl.DataFrame, warnings: pl.DataFrame) -> str:
    """Headline figures: units (by grade once graded), red tasks now, turned red, recovered."""
    grades = scores["grade"].value_counts()
    by_grade = dict(zip(grades["grade"].to_list(), grades["count"].to_list(), strict=True))
    change = warnings["change"]
    graded = [(grade, by_grade.get(grade, 0), cls) for grade, cls in GRADE_CLASS.items()]
    figures = [
        ("参评单位", scores.height, ""),
        *(graded if scores["grade"].is_not_null().any() else [(PENDING_GRADE, "—", "g-p")]),
        ("当前红灯", int((warnings["status"] == "red").sum()), "red"),
        ("当前黄灯", int((warnings["status"] == "yellow").sum()), "yellow"),
        ("本月转红", int(change.is_in(NEW_RED).sum()), "red"),
        ("已恢复", int(change.is_in(RECOVERED).sum()), "green"),
    ]
    cards = "".join(
        f'<div class="card {cls}"><b>{value}</b><span>{text(name)}</span></div>'
        for name, value, cls in figures
    )
    return f'<div class="cards">{cards}</div>'


def _task_line(frame: pl.DataFrame, extra: pl.Expr) -> str:
    """One <li> per task: unit, task and `extra` (HTML)."""
    if frame.height == 0:
        return '<p class="none">无</p>'
    item = pl.concat_str(
        pl.lit("<li>"),
        unit_link(C("unit_id"), C("unit_name")),
        pl.lit("　"),
        task_text(C("task_id"), C("task_name")),
        pl.lit('<span class="why">'),
        extra,
        pl.lit("</span></li>"),
    )
    return (
        '<ul class="brief-list">' + frame.select(item.alias("i"))["i"].str.join("").item() + "</ul>"
    )


def _why(frame_has_streak: bool = True) -> pl.Expr:
    """`未报送，进度 —／计划 50%，连续 3 个月`."""
    progress = pl.concat_str(
        pl.lit("，进度 "),
        dash(pl.concat_str(num(C("progress"), 0), pl.lit("%"))),
        pl.lit("／计划 "),
        num(C("planned"), 0),
        pl.lit("%"),
    ).fill_null("")
    streak = (
        pl.when(C("months_in_row") > 1)
        .then(pl.format("，连续 {} 个月", C("months_in_row")))
        .otherwise(pl.lit(""))
        if frame_has_streak
        else pl.lit("")
    )
    return pl.concat_str(label(C("reason"), REASON_TEXT), progress, streak)


def brief(
    scores: pl.DataFrame,
    warnings: pl.DataFrame,
    units: pl.DataFrame,
    month: int,
    ahead: pl.DataFrame | None = None,
) -> str:
    """本月要点, what the leadership asks first: who is red now, what turned red this month
    (against last month, inside this run), which units moved in the ranking, and which tasks
    green or yellow today will miss their due month at their own pace (预计逾期, `ahead`:
    mart.task_forecast with the tasks' names)."""
    listed = warnings.join(units, on="unit_id", how="left", maintain_order="left")
    red = listed.filter(C("status") == "red")
    turned = listed.filter(C("change").is_in(NEW_RED))
    ranked = scores.filter(C("previous_rank").is_not_null() & (C("rank") != C("previous_rank")))
    if scores["previous_rank"].is_null().all():
        moved = '<p class="none">上月没有发布结果，暂无名次比较。</p>'
    elif ranked.height == 0:
        moved = '<p class="none">各单位名次与上月相同。</p>'
    else:
        item = pl.concat_str(
            pl.lit("<li>"),
            unit_link(C("unit_id"), C("unit_name")),
            pl.lit("　"),
            movement(C("rank"), C("previous_rank")),
            pl.lit('<span class="why">现第'),
            num(C("rank"), 0),
            pl.lit("名，总分 "),
            num(C("total")),
            pl.lit("（上月 "),
            dash(num(C("previous_total"))),
            pl.lit("）</span></li>"),
        )
        moved = (
            '<ul class="brief-list">'
            + ranked.sort("rank").select(item.alias("i"))["i"].str.join("").item()
            + "</ul>"
        )
    since = f"{month - 1}月" if month > 1 else "上月"
    return (
        overview(scores, warnings)
        + '<div class="brief">'
        + f'<div class="ask"><h3>当前红灯（{month}月）<b class="count red">{red.height}</b></h3>'
        + _task_line(red, _why())
        + "</div>"
        + f'<div class="ask"><h3>本月转红（与{text(since)}相比）<b class="count red">{turned.height}</b></h3>'
        + _task_line(
            turned, pl.concat_str(label(C("change"), CHANGE_TEXT), pl.lit("："), _why(False))
        )
        + "</div>"
        + f'<div class="ask"><h3>名次变化<b class="count">{ranked.height}</b></h3>{moved}</div>'
        + forecast_ask(ahead, units)
        + "</div>"
    )


def forecast_ask(forecast: pl.DataFrame | None, units: pl.DataFrame) -> str:
    """预计逾期: tasks green or yellow today projected to miss their due month (docs/forecast.md)."""
    if forecast is None:
        return ""
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
    shown = 10  # the most behind; the whole list is in 预警清单.xlsx
    more = (
        f'<p class="none">另有 {flagged.height - shown} 项，见预警清单.xlsx“预计逾期”。</p>'
        if flagged.height > shown
        else ""
    )
    return (
        f'<div class="ask"><h3>预计逾期（今天绿灯或黄灯）<b class="count">{flagged.height}</b></h3>'
        + _task_line(flagged.head(shown), why)
        + more
        + "</div>"
    )


def _changes_table(frame: pl.DataFrame) -> str:
    cols = [
        Col("单位", unit_link(C("unit_id"), C("unit_name")), "name"),
        Col("任务", task_text(C("task_id"), C("task_name")), "task"),
        Col("本月", status_badge(C("status")), "name"),
        Col("原因", label(C("reason"), REASON_TEXT), "name"),
        Col(
            "进度／计划",
            pl.concat_str(dash(num(C("progress"), 0)), pl.lit(" / "), num(C("planned"), 0)),
            "num",
        ),
        Col("连续月数", num(C("months_in_row"), 0), "num"),
        Col("上月", dash(status_badge(C("previous_status"))), "name"),
        Col("变化", label(C("change"), CHANGE_TEXT), "name"),
    ]
    return table(frame, cols, "changes")


def _corrections_table(frame: pl.DataFrame) -> str:
    cols = [
        Col("单位", unit_link(C("unit_id"), C("unit_name")), "name"),
        Col("任务", task_text(C("task_id"), C("task_name")), "task"),
        Col("月份", pl.concat_str(num(C("month"), 0), pl.lit("月")), "num"),
        Col("上月发布时", status_badge(C("previous_status")), "name"),
        Col("现在", status_badge(C("status")), "name"),
        Col("原因", label(C("reason"), REASON_TEXT), "name"),
    ]
    return table(frame, cols, "corrections")


def changes(
    warnings: pl.DataFrame, corrections: pl.DataFrame | None, units: pl.DataFrame, month: int
) -> str:
    """预警变化: every task red or yellow now with its change against last month (inside this
    run, so every night of the month shows the same), the recovered tasks, and corrections of
    earlier months apart."""
    listed = warnings.join(units, on="unit_id", how="left", maintain_order="left")
    counts = listed["change"].drop_nulls().value_counts(sort=True)
    chips = "".join(
        f'<span class="chip {text(code)}">{text(CHANGE_TEXT.get(code, code))} {n} 项</span>'
        for code, n in counts.iter_rows()
    )
    since = (
        f"{month}月各任务的状态与{month - 1}月相比（同一次评估之内：当月每晚相同，复算亦同）："
        if month > 1
        else f"{month}月是第一个评估月，没有上月可比。"
    )
    fixed = corrections if corrections is not None else pl.DataFrame()
    fixes = (
        _corrections_table(fixed.join(units, on="unit_id", how="left", maintain_order="left"))
        if fixed.height
        else '<p class="none">无：早于本月的各月状态与上月发布时相同。</p>'
    )
    return (
        f'<p class="note">{text(since)}</p><p class="chips">{chips or "无红灯、黄灯任务"}</p>'
        f"<h3>红灯、黄灯任务（{month}月）</h3>"
        + _changes_table(listed.filter(C("status").is_in(["red", "yellow"])))
        + "<h3>已恢复（上月红灯或黄灯，本月绿灯）</h3>"
        + _changes_table(listed.filter(C("change").is_in(RECOVERED)))
        + "<h3>更正（早于本月的月份，状态与上月发布时不同）</h3>"
        + fixes
    )


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


def matrix(status: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> str:
    """三、红黄绿矩阵: every task (units in rank order) by month; blank = not assessed."""
    cells = status.select(
        "task_id",
        "month",
        pl.concat_str(
            pl.lit('<td class="st '),
            esc(C("status")),
            pl.lit('" title="'),
            _cell_title(),
            pl.lit('">'),
            label(C("status"), STATUS_MARK),
            pl.lit("</td>"),
        ).alias("cell"),
    )
    grid = (
        tasks.select("task_id", "unit_id", "task_name")
        .join(pl.DataFrame({"month": list(MONTHS)}, schema={"month": pl.Int32}), how="cross")
        .join(cells.with_columns(C("month").cast(pl.Int32)), on=["task_id", "month"], how="left")
        .with_columns(C("cell").fill_null("<td></td>"))
        .sort("task_id", "month")
        .group_by("task_id", "unit_id", "task_name", maintain_order=True)
        .agg(C("cell").str.join(""))
        .join(order, on="unit_id", how="left")
        .sort("order", "unit_id", "task_id", nulls_last=True)
    )
    months = "".join(f'<th class="m">{m}月</th>' for m in MONTHS)
    cols = [
        Col("单位", esc(C("unit_name")), "name"),
        Col("任务", task_text(C("task_id"), C("task_name")), "task"),
        Col("月份", C("cell"), whole=months),
    ]
    return legend() + table(grid, cols, "matrix") + phone_matrix(status, tasks, order)


def phone_matrix(status: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> str:
    """The matrix for a phone (shown on narrow screens only): one block per task, its months
    latest first, each with its reason written out (a phone cannot hover)."""
    chips = (
        status.sort("task_id", "month", descending=[False, True])
        .select(
            "task_id",
            pl.concat_str(
                pl.lit('<li class="st '),
                esc(C("status")),
                pl.lit('"><b>'),
                num(C("month"), 0),
                pl.lit("月 "),
                label(C("status"), STATUS_MARK),
                pl.lit("</b> "),
                label(C("reason"), REASON_TEXT),
                pl.when(C("status") != "green")  # how far behind, where it matters
                .then(
                    pl.concat_str(
                        pl.lit(" "), num(C("progress"), 0), pl.lit("/"), num(C("planned"), 0)
                    )
                )
                .otherwise(pl.lit(""))
                .fill_null(""),
                pl.when(C("late")).then(pl.lit(" 迟报")).otherwise(pl.lit("")),
                pl.lit("</li>"),
            ).alias("chip"),
        )
        .group_by("task_id", maintain_order=True)
        .agg(C("chip").str.join(""))
    )
    blocks = (
        tasks.select("task_id", "unit_id", "task_name")
        .join(chips, on="task_id", how="inner")
        .join(order.select("unit_id", "unit_name", "order"), on="unit_id", how="left")
        .sort("order", "unit_id", "task_id", nulls_last=True)
        .select(
            pl.concat_str(
                pl.lit('<div class="mtask"><p>'),
                esc(C("unit_name")).fill_null(""),
                pl.lit("　"),
                task_text(C("task_id"), C("task_name")),
                pl.lit("</p><ol>"),
                C("chip"),
                pl.lit("</ol></div>"),
            ).alias("b")
        )
    )
    return (
        '<div class="mlist">' + blocks["b"].str.join("").item() + "</div>" if blocks.height else ""
    )


def legend() -> str:
    items = [
        ("red", "红灯：未报送、逾期未完成或进度严重滞后"),
        ("yellow", "黄灯：进度滞后"),
        ("green", "绿灯：已完成或按计划推进"),
        ("", "空白：任务未开始或该月尚未到评估期"),
    ]
    spans = "".join(
        f'<span><i class="st {cls}">{STATUS_MARK.get(cls, "　")}</i>{text(t)}</span>'
        for cls, t in items
    )
    return f'<p class="legend">{spans}</p>'


def funding(execution: pl.DataFrame, tasks: pl.DataFrame, order: pl.DataFrame) -> str:
    """四、资金执行: one row per task that has money allocated or spent, amounts in 万元."""
    rows = (
        execution.join(tasks.select("task_id", "task_name"), on="task_id", how="left")
        .join(order, on="unit_id", how="left")
        .with_columns(C("allocated", "spent").cast(pl.Float64))
        .filter((C("allocated") != 0) | (C("spent") != 0))
        .sort("order", "unit_id", "task_id", nulls_last=True)
    )
    overspent = C("spent") > C("allocated")
    kind = pl.when(overspent).then(pl.lit("red")).otherwise(C("status").fill_null("none"))
    cols = [
        Col("单位", esc(C("unit_name")), "name"),
        Col("任务", task_text(C("task_id"), C("task_name")), "task"),
        Col("下达（万元）", num(C("allocated") / 10_000), "num"),
        Col("支出（万元）", num(C("spent") / 10_000), "num"),
        Col("执行率", dash(pct(C("execution"))), "num"),
        Col("", bar(pl.lit(0.0), C("execution").fill_null(0) * 100, kind), "bar"),
        Col("状态", dash(status_badge(C("status")))),
        Col("", pl.when(overspent).then(pl.lit('<span class="flag">超支</span>')), "mark"),
    ]
    allocated, spent = rows["allocated"].sum(), rows["spent"].sum()
    rate = f"{spent / allocated * 100:.1f}%" if allocated else "—"
    total = (
        f'<p class="note">合计：下达 {allocated / 10_000:.2f} 万元，支出 {spent / 10_000:.2f} 万元，'
        f"执行率 {rate}。执行率 = 支出 / 下达；状态按评估月计划进度判定。</p>"
    )
    return total + table(rows, cols, "funding")


def satisfaction(communities: pl.DataFrame, names: pl.DataFrame, lines: pl.DataFrame) -> str:
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
    )
    cols = [
        Col("社区", pl.concat_str(esc(C("community_id")), pl.lit(" "), esc(C("community_name")))),
        Col("所属镇街", esc(C("town")), "name"),
        Col("有效答卷", num(C("valid_responses"), 0), "num"),
        Col("无效答卷", num(C("invalid_responses"), 0), "num"),
        Col("满意度得分", dash(num(C("score"))), "num"),
        Col("", bar(pl.lit(0.0), C("score").fill_null(0), "score"), "bar"),
        Col("满意率", dash(pct(C("satisfaction_rate"))), "num"),
        Col("计入单位得分", pl.when(C("counted")).then(pl.lit("是")).otherwise(pl.lit("否"))),
    ]
    note = "满意度得分为有效答卷得分的平均；有效答卷不足规定份数的社区不计入单位得分。"
    return f'<p class="note">{note}</p>' + table(rows, cols, "satisfaction")


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


def _waterfall_cols(low: float, span: float) -> list[Col]:
    """The waterfall's columns; its bars place [low, low + span] points across the cell."""
    left = (pl.min_horizontal("before", "after") - low) / span * 100
    width = C("points").abs() / span * 100
    sign = pl.when(C("points") >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
    kind = pl.when(C("points") >= 0).then(pl.lit("up")).otherwise(pl.lit("down"))
    return [
        Col("规则", label(C("rule_id"), RULE_TEXT), "rule"),
        Col("分值", pl.concat_str(sign, num(C("points"))), "num pts", "points"),
        Col("累计", num(C("after")), "num"),
        Col("", bar(left, width, kind), "bar wf"),
        Col("任务", dash(task_text(C("task_id"), C("task_name"))), "task"),
        Col("月份", dash(pl.concat_str(num(C("month"), 0), pl.lit("月"))), "num"),
        Col("来源", dash(esc(C("ref"))), "name"),
        Col("说明", esc(C("detail")), "detail"),
    ]


def _unit_block(low: float, span: float, wf_head: str) -> pl.Expr:
    """One unit's <article>: heading, the sum in words, its waterfall table, the total row."""
    total = C("total").cast(pl.Float64)
    total_row = pl.concat_str(
        pl.lit('<tr class="sum"><td>总分</td><td class="num pts">'),
        num(total),
        pl.lit('</td><td class="num">'),
        num(total),
        pl.lit('</td><td class="bar wf">'),
        bar(pl.lit(-low / span * 100), total / span * 100, "total"),
        pl.lit('</td><td colspan="4"></td></tr>'),
    )
    sums = [("工作实绩 ", "work"), (" ＋ 群众满意度 ", "satisfaction"), (" ＋ 加分 ", "bonus")]
    # null parts count as 0 in the total: no survey response yet (未测评), no started task (—)
    empty = {"satisfaction": NOT_SURVEYED}
    shown = {c: num(C(c)).fill_null(empty.get(c, "—")) for _, c in sums}
    return pl.concat_str(
        pl.lit('<article class="unit-wf" id="unit-'),
        esc(C("unit_id")),
        pl.lit('" data-unit="'),
        esc(C("unit_id")),
        pl.lit('"><h3>第'),
        num(C("rank"), 0),
        pl.lit("名　"),
        esc(C("unit_name")),
        pl.lit('<span class="sum" data-col="total">总分 '),
        num(total),
        pl.lit("</span>"),
        grade_badge(C("grade")),
        pl.lit('</h3><p class="eq">'),
        *(e for text_, col in sums for e in (pl.lit(text_), shown[col])),
        pl.lit(" － 扣分 "),
        num(C("penalty")).fill_null("—"),
        pl.lit(" ＝ "),
        num(total),
        pl.lit(f'</p><div class="scroll"><table class="wf">{wf_head}<tbody>'),
        C("rows").fill_null(""),
        total_row,
        pl.lit("</tbody></table></div></article>"),
    )


def waterfalls(scores: pl.DataFrame, lines: pl.DataFrame, tasks: pl.DataFrame) -> str:
    """六、单位得分构成: every unit's line items as a waterfall from 0 to its total (units in
    rank order; the page shows the selected one, print shows all or the selected one)."""
    items = line_items(lines, tasks)
    # the axis: from 0 (or below, if a running total ever dips under 0) to 100 (or above)
    low, high = items.select(
        pl.min_horizontal(C("before").min(), C("after").min(), 0.0).alias("low"),
        pl.max_horizontal(C("before").max(), C("after").max(), 100.0).alias("high"),
    ).row(0)
    span = float(high) - float(low)
    cols = _waterfall_cols(float(low), span)
    row = pl.concat_str(pl.lit("<tr>"), *(td(c) for c in cols), pl.lit("</tr>"))
    per_unit = (
        items.with_columns(row.alias("row"))
        .group_by("unit_id", maintain_order=True)
        .agg(C("row").str.join("").alias("rows"))
    )
    blocks = scores.join(per_unit, on="unit_id", how="left", maintain_order="left").select(
        _unit_block(float(low), span, head(cols)).alias("block")
    )
    return _unit_controls(scores) + blocks["block"].str.join("").item()


def _unit_controls(scores: pl.DataFrame) -> str:
    options = scores.select(
        pl.concat_str(
            pl.lit('<option value="'),
            esc(C("unit_id")),
            pl.lit('">第'),
            num(C("rank"), 0),
            pl.lit("名 "),
            esc(C("unit_name")),
            pl.lit("</option>"),
        ).alias("o")
    )["o"].str.join("")
    return (
        '<div class="controls"><label>单位 <select id="unit-pick">'
        f"{options.item() if scores.height else ''}</select></label>"
        '<label class="print-opt"><input type="checkbox" id="print-all" checked> '
        "打印全部单位（不勾选则只打印所选单位）</label></div>"
    )
