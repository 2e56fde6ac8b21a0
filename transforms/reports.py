"""Unit progress reports and commendations → core.reports and core.honors (docs/validation.md)."""

from __future__ import annotations

import polars as pl

from schemas import reports as spec
from schemas.codes import QUANTITY
from schemas.semantics import FALLING_CUMULATIVE
from transforms.intake import (
    FILE_UNIT,
    InputFile,
    Loaded,
    dedupe,
    intake,
    with_file_unit,
    with_provenance_names,
)
from transforms.plan import Plan
from transforms.scoring.effective import effective_flag
from transforms.scoring.lines import num_text
from transforms.validate import PROVENANCE, QUARANTINE_SCHEMA, check, row_quarantine

REPORT_VALUES = ["unit_id", "task_id", "month", "progress", "actual", "submitted_on", "note"]
HONOR_VALUES = ["unit_id", "honor", "level", "document_no", "awarded_on"]


def progress_reports(files: list[InputFile], plan: Plan) -> Loaded:
    got = intake(spec.PROGRESS, files, plan.year, plan.units, plan.semantics)
    task_info = plan.tasks.select(
        "task_id", pl.col("unit_id").alias("_task_unit"), pl.col("metric").alias("_metric")
    )
    typed = got.typed.join(task_info, on="task_id", how="left", maintain_order="left")
    typed = with_file_unit(typed, plan.units)
    schema = spec.progress_schema(
        plan.units["unit_id"].to_list(), plan.tasks["task_id"].to_list(), plan.year
    )
    valid, quarantine = check(
        got.raw,
        typed,
        schema,
        spec.PROGRESS_FIELDS,
        "reports",
        unit_of_row=_unit_of_row(plan),
        semantics=plan.semantics,
    )
    kept, duplicates = dedupe(valid.drop(FILE_UNIT), REPORT_VALUES)
    falling = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    if plan.semantics.uses(FALLING_CUMULATIVE):
        kept, falling = falling_cumulative(kept, got.raw)
    rows = with_provenance_names(kept).with_columns(year=pl.lit(plan.year))
    rows = rows.with_columns(effective_flag())
    # the quarantine rows of reports also name their task and month (transforms/validate.py)
    rejected = pl.concat([got.rejected, quarantine, falling], how="diagonal_relaxed")
    return Loaded(rows, duplicates, rejected, got.read_counts)


def cumulative_value() -> pl.Expr:
    """The cumulative value a report is compared by: actual for a 数量 task, else progress."""
    return pl.when(pl.col("_metric") == QUANTITY).then("actual").otherwise("progress")


def falling_reports(kept: pl.DataFrame) -> pl.DataFrame:
    """The reports whose cumulative value falls below the task's earlier months
    (docs/validation.md, "Cumulative values never fall"): `_file`, `_sheet`, `_row` of each, with
    `floor` and `floor_month`, the value and month of the effective report they fall below.

    Month by month per task, in submission order (submitted_on, then file name, then row): a
    month's effective report is its latest whose value is not lower than the effective report of
    the task's earlier months; the reports after it that are lower are falling, and so is every
    report of a month that has no such report.

    Why this is a cumulative max, computed in at most 12 steps: each accepted effective value is
    >= the floor it was compared with, so the effective values of a task never fall, and "not
    lower than the effective reports of every earlier month" is "not lower than the latest one",
    which is the running (cumulative) max of the accepted values: the `floor` carried from month
    to month. The floor of month m depends on which reports of earlier months were accepted, so
    it cannot come from a plain cum_max over all reports (a falling report must not raise or
    lower it); it is carried forward one month at a time, each step one vectorised pass over
    every task's reports of that month. There are at most 12 months, so at most 12 steps,
    whatever the number of rows."""
    order = pl.struct(pl.col("submitted_on"), *PROVENANCE).rank("ordinal")
    reports = kept.select(
        *PROVENANCE, "task_id", "month", cumulative_value().alias("value"), order.alias("_order")
    )
    floors = pl.DataFrame(
        schema={"task_id": pl.String, "floor": pl.Float64, "floor_month": pl.Int32}
    )
    falling = []
    for _, of_month in sorted(reports.partition_by("month", as_dict=True).items()):
        month = of_month.join(floors, on="task_id", how="left")
        accepted = pl.col("floor").is_null() | (pl.col("value") >= pl.col("floor"))
        effective = (
            month.filter(accepted)
            .group_by("task_id")
            .agg(
                pl.col("_order").max().alias("_chosen"),
                pl.col("value").sort_by("_order").last().alias("_v"),
            )
        )
        month = month.join(effective, on="task_id", how="left")
        later = pl.col("_chosen").is_null() | (pl.col("_order") > pl.col("_chosen"))
        falling.append(month.filter(~accepted & later).select(*PROVENANCE, "floor", "floor_month"))
        moved = effective.select(
            "task_id",
            pl.col("_v").alias("floor"),
            pl.lit(of_month["month"][0], pl.Int32).alias("floor_month"),
        )
        floors = pl.concat([floors.join(moved, on="task_id", how="anti"), moved])
    schema = {**reports.select(PROVENANCE).schema, "floor": pl.Float64, "floor_month": pl.Int32}
    return pl.concat([pl.DataFrame(schema=schema), *falling])


def falling_cumulative(kept: pl.DataFrame, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the reports kept, quarantine rows of the falling ones, each naming the month and value
    it falls below so that the unit corrects the month that is wrong)."""
    falling = falling_reports(kept)
    label = pl.when(pl.col("_metric") == QUANTITY).then(pl.lit("实际完成值"))
    cells = raw.select(*PROVENANCE, pl.col("progress").alias("_p"), pl.col("actual").alias("_a"))
    month = pl.format("{}月", "floor_month")
    quarantine = (
        kept.join(falling, on=PROVENANCE, how="inner", maintain_order="left")
        .join(cells, on=PROVENANCE, how="left")
        .with_columns(
            label.otherwise(pl.lit("完成进度")).alias("_label"),
            pl.when(pl.col("_metric") == QUANTITY).then("_a").otherwise("_p").alias("_value"),
        )
        .pipe(
            row_quarantine,
            "reports",
            pl.col("_label"),
            pl.col("_value"),
            pl.format(
                '第{}行 {} "{}" 累计值低于{}报告的{}，如{}有误请更正{}报告',
                "_row",
                "_label",
                "_value",
                month,
                num_text(pl.col("floor"), 4),
                month,
                month,
            ),
            pl.col("unit_id"),
            task_id=pl.col("task_id").cast(pl.String),  # submitted: not 未报送 (office/workbooks)
            month=pl.col("month").cast(pl.Int32),
        )
        .sort("file", "sheet", "row_number")
    )
    return kept.join(falling, on=PROVENANCE, how="anti", maintain_order="left"), quarantine


def honors(files: list[InputFile], plan: Plan) -> Loaded:
    got = intake(spec.HONORS, files, plan.year, plan.units, plan.semantics)
    schema = spec.honor_schema(plan.units["unit_id"].to_list(), plan.year)
    valid, quarantine = check(
        got.raw,
        with_file_unit(got.typed, plan.units),
        schema,
        spec.HONOR_FIELDS,
        "honors",
        unit_of_row=_unit_of_row(plan),
        semantics=plan.semantics,
    )
    kept, duplicates = dedupe(valid.drop(FILE_UNIT), HONOR_VALUES)
    rows = with_provenance_names(kept).with_columns(year=pl.lit(plan.year))
    return Loaded(rows, duplicates, pl.concat([got.rejected, quarantine]), got.read_counts)


def _unit_of_row(plan: Plan) -> pl.Expr:
    """Whose findings a quarantined row reaches: the unit it names, when that is a unit of the
    plan; else the unit whose file it is in (an unknown or empty 单位编码 in DY10's own file)."""
    named = pl.col("unit_id")
    return pl.when(named.is_in(plan.units["unit_id"].implode())).then(named).otherwise(FILE_UNIT)
