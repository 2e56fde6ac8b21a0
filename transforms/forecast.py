"""Year-end forecast (预计逾期): which tasks will miss their due month at their own pace, and
each unit's year-end work score as a range (docs/forecast.md).

The method is deliberately simple, so a clerk can redo it by hand and the leadership can judge
how far to trust it (its backtest is in docs/forecast.md):

- a started task not yet complete, due after M, has reported `last` percent by month `m0` (its
  latest effective report at or before M; none: 0 at start_month - 1);
- its own pace is last / (m0 - start_month + 1) percent points a month;
- projected(due) = last + pace * (due_month - m0); below 100 it is projected to miss (预计逾期);
- the pace it needs from its last report is (100 - last) / (due_month - m0) a month, and at its
  own pace it would finish in month m0 + ceil((100 - last) / pace) (null when its pace is 0).
A task green or yellow today that is projected to miss is flagged: today's light says nothing
is wrong yet, and a red light in November is too late to act on.

The unit's year-end work is 6.2's final work with each task's completion projected to December
at two paces: its own (above) and its latest (the change over its last two reports), the range
being the lower and the higher of the two.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import GREEN, YELLOW
from schemas.tables import TASK_FORECAST, UNIT_FORECAST, conform
from transforms.assessment import Assessment, due_date
from transforms.scoring.effective import effective_reports, known_reports, task_report_summary
from transforms.scoring.known import known_at
from transforms.scoring.status import task_months

FINAL = 12


def _latest(effective: pl.DataFrame, last_month: int) -> pl.DataFrame:
    """Per task: its latest effective report at or before M, and the one before it."""
    known = effective.filter(pl.col("month") <= last_month).sort("task_id", "month")
    return known.group_by("task_id", maintain_order=True).agg(
        pl.col("month").last().alias("m0"),
        pl.col("value").last().alias("last"),
        pl.col("month").get(-2, null_on_oob=True).alias("m1"),
        pl.col("value").get(-2, null_on_oob=True).alias("v1"),
    )


def task_forecast(ctx: Assessment, tasks: pl.DataFrame, effective: pl.DataFrame) -> pl.DataFrame:
    """One row per started task not yet complete: last, pace, projected progress at its due month
    and in December, at_risk (projected to miss its due month), needed pace, finish month."""
    m = ctx.last_month
    latest = _latest(effective, m)
    done = effective.filter((pl.col("month") <= m) & (pl.col("value") >= 100)).select("task_id")
    frame = (
        tasks.filter(pl.col("start_month") <= m)
        .select("task_id", "unit_id", "start_month", "due_month", "weight")
        .join(done.unique(), on="task_id", how="anti")
        .join(latest, on="task_id", how="left")
        .with_columns(
            pl.col("m0").fill_null(pl.col("start_month") - 1).cast(pl.Int32),
            pl.col("last").fill_null(0.0).clip(0.0, 100.0),
        )
    )
    elapsed = (pl.col("m0") - pl.col("start_month") + 1).cast(pl.Float64)
    pace = pl.when(elapsed > 0).then(pl.col("last") / elapsed).otherwise(0.0)
    recent = pl.when(pl.col("m1").is_not_null() & (pl.col("m0") > pl.col("m1"))).then(
        (pl.col("last") - pl.col("v1")) / (pl.col("m0") - pl.col("m1")).cast(pl.Float64)
    )
    ahead = (pl.col("due_month") - pl.col("m0")).cast(pl.Float64)
    return (
        frame.with_columns(pace.alias("pace"), recent.fill_null(pace).clip(0.0).alias("recent"))
        .with_columns(
            _project(pl.col("pace"), pl.col("due_month")).alias("projected"),
            _project(pl.col("pace"), pl.lit(FINAL)).alias("projected_year_end"),
            _project(pl.col("recent"), pl.lit(FINAL)).alias("recent_year_end"),
            pl.when(ahead > 0).then((100.0 - pl.col("last")) / ahead).alias("needed_pace"),
            pl.when(pl.col("pace") > 0)
            .then(pl.col("m0") + ((100.0 - pl.col("last")) / pl.col("pace")).ceil().cast(pl.Int32))
            .alias("finish_month"),
        )
        .with_columns((pl.col("projected") < 100).alias("at_risk"))
        .sort("task_id")
    )


def _project(pace: pl.Expr, month: pl.Expr) -> pl.Expr:
    """Progress at `month` at `pace` from the last report, capped at 100."""
    return pl.min_horizontal(pl.lit(100.0), pl.col("last") + pace * (month - pl.col("m0")))


def eligible(forecast: pl.DataFrame, months: pl.DataFrame, last_month: int) -> pl.DataFrame:
    """The forecast rows a flag can be raised on: due after M and green or yellow at M (a red
    task is on the warning list already, an overdue one has missed)."""
    today = months.filter(pl.col("month") == last_month).select("task_id", "status")
    return (
        forecast.filter(pl.col("due_month") > last_month)
        .join(today, on="task_id", how="inner")
        .filter(pl.col("status").is_in([GREEN, YELLOW]))
    )


def flagged(forecast: pl.DataFrame, months: pl.DataFrame, last_month: int) -> pl.DataFrame:
    """Tasks due after M, green or yellow at M, projected to miss: 预计逾期."""
    return eligible(forecast, months, last_month).filter(pl.col("at_risk"))


def unit_forecast(ctx: Assessment, tasks: pl.DataFrame, forecast: pl.DataFrame) -> pl.DataFrame:
    """Per unit: the year-end work score projected at its tasks' own and latest paces (low, high).
    A task complete today counts 1; a task not started yet counts 0 (nothing to project from)."""
    w = ctx.rules.weights.work
    per_task = tasks.select("task_id", "unit_id", "weight", "start_month").join(
        forecast.select("task_id", "projected_year_end", "recent_year_end"),
        on="task_id",
        how="left",
    )
    projected = pl.col("projected_year_end").is_not_null()  # every forecast row has one
    complete = ~projected & (pl.col("start_month") <= ctx.last_month)
    share = {
        name: pl.when(projected)
        .then(pl.col(column) / 100.0)
        .when(complete)
        .then(1.0)
        .otherwise(0.0)
        for name, column in (("own", "projected_year_end"), ("latest", "recent_year_end"))
    }
    return (
        per_task.group_by("unit_id")
        .agg(
            (w * (pl.col("weight") * share[k]).sum() / pl.col("weight").sum()).alias(k)
            for k in share
        )
        .select(
            "unit_id",
            pl.min_horizontal("own", "latest").round(2).alias("work_low"),
            pl.max_horizontal("own", "latest").round(2).alias("work_high"),
        )
        .sort("unit_id")
    )


def missed(tasks: pl.DataFrame, effective: pl.DataFrame) -> pl.DataFrame:
    """The outcome a forecast is judged by: tasks not reported complete (progress >= 100) by
    their due month in the year's final reports, i.e. ended red or completed late."""
    done = (
        effective.join(tasks.select("task_id", "due_month"), on="task_id")
        .filter((pl.col("value") >= 100) & (pl.col("month") <= pl.col("due_month")))
        .select("task_id")
        .unique()
    )
    return tasks.select("task_id").join(done, on="task_id", how="anti")


def backtest(ctx_final: Assessment, tasks: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """As of the due date of each month 1..11, the tasks flagged with what was known then, judged
    by the year's final outcome: flagged, of them missed (precision), eligible tasks that missed
    (green or yellow, due later) and of them flagged (recall)."""
    year, rules = ctx_final.year, ctx_final.rules
    final = effective_reports(known_reports(known_at("reports", reports, ctx_final.as_of), tasks))
    bad = set(missed(tasks, final)["task_id"].to_list())
    rows = []
    for month in range(1, FINAL):  # 11 as-of dates, each a whole set-based pass
        ctx = Assessment(
            year, due_date(year, month, rules.reports.due_day), rules, ctx_final.semantics
        )
        effective = effective_reports(known_reports(known_at("reports", reports, ctx.as_of), tasks))
        summary = task_report_summary(tasks, effective, ctx.last_month)
        months = task_months(ctx, tasks=tasks, effective=effective, summary=summary)
        forecast = task_forecast(ctx, tasks, effective)
        could = eligible(forecast, months, ctx.last_month)
        hit = set(could.filter(pl.col("at_risk"))["task_id"].to_list())
        ended_bad = set(could["task_id"].to_list()) & bad
        rows.append((month, len(hit), len(hit & bad), len(ended_bad), len(ended_bad & hit)))
    return pl.DataFrame(
        rows,
        schema={
            "as_of_month": pl.Int32,
            "flagged": pl.Int32,
            "flagged_missed": pl.Int32,
            "eligible_missed": pl.Int32,
            "missed_flagged": pl.Int32,
        },
        orient="row",
    )


def forecast_marts(
    ctx: Assessment, tasks: pl.DataFrame, reports: pl.DataFrame, months: pl.DataFrame, run_id: str
) -> dict[str, pl.DataFrame]:
    """mart.task_forecast and mart.unit_forecast of a run (after its marts: `months` is its
    mart.task_month_status; `tasks` and `reports` its core tables)."""
    tasks = tasks.filter(pl.col("year") == ctx.year)
    effective = effective_reports(known_reports(known_at("reports", reports, ctx.as_of), tasks))
    forecast = task_forecast(ctx, tasks, effective)
    today = months.filter(pl.col("month") == ctx.last_month).select("task_id", "status")
    stamp = [
        pl.lit(ctx.year, pl.Int32).alias("year"),
        pl.lit(ctx.last_month, pl.Int32).alias("month"),
        pl.lit(run_id, pl.String).alias("run_id"),
    ]
    flags = flagged(forecast, months, ctx.last_month).select(
        "task_id", pl.lit(True).alias("flagged")
    )
    tasks_out = (
        forecast.join(today, on="task_id", how="left")
        .join(tasks.select("task_id", "task_name"), on="task_id", how="left")
        .join(flags, on="task_id", how="left")
        .with_columns(
            *stamp,
            pl.col("m0").alias("last_report_month"),
            pl.col("last").alias("last_progress"),
            pl.col("flagged").fill_null(False),
        )
    )
    units_out = unit_forecast(ctx, tasks, forecast).with_columns(*stamp)
    return {
        "task_forecast": conform(tasks_out, TASK_FORECAST),
        "unit_forecast": conform(units_out, UNIT_FORECAST),
    }
