"""Unit progress reports and commendations → core.reports and core.honors (docs/validation.md)."""

from __future__ import annotations

import polars as pl

from schemas import reports as spec
from transforms.intake import InputFile, Loaded, dedupe, intake, with_provenance_names
from transforms.plan import Plan
from transforms.scoring.effective import effective_flag
from transforms.validate import check

REPORT_VALUES = ["unit_id", "task_id", "month", "progress", "actual", "submitted_on", "note"]
HONOR_VALUES = ["unit_id", "honor", "level", "document_no", "awarded_on"]


def progress_reports(files: list[InputFile], plan: Plan) -> Loaded:
    got = intake(spec.PROGRESS, files, plan.year, plan.units)
    task_info = plan.tasks.select(
        "task_id", pl.col("unit_id").alias("_task_unit"), pl.col("metric").alias("_metric")
    )
    typed = got.typed.join(task_info, on="task_id", how="left", maintain_order="left")
    schema = spec.progress_schema(
        plan.units["unit_id"].to_list(), plan.tasks["task_id"].to_list(), plan.year
    )
    valid, quarantine = check(
        got.raw, typed, schema, spec.PROGRESS_FIELDS, "reports", unit_of_row=pl.col("unit_id")
    )
    kept, duplicates = dedupe(valid, REPORT_VALUES)
    rows = with_provenance_names(kept).with_columns(year=pl.lit(plan.year))
    rows = rows.with_columns(effective_flag())
    # the quarantine rows of reports also name their task and month (transforms/validate.py)
    rejected = pl.concat([got.rejected, quarantine], how="diagonal_relaxed")
    return Loaded(rows, duplicates, rejected, got.read_counts)


def honors(files: list[InputFile], plan: Plan) -> Loaded:
    got = intake(spec.HONORS, files, plan.year, plan.units)
    schema = spec.honor_schema(plan.units["unit_id"].to_list(), plan.year)
    valid, quarantine = check(
        got.raw, got.typed, schema, spec.HONOR_FIELDS, "honors", unit_of_row=pl.col("unit_id")
    )
    kept, duplicates = dedupe(valid, HONOR_VALUES)
    rows = with_provenance_names(kept).with_columns(year=pl.lit(plan.year))
    return Loaded(rows, duplicates, pl.concat([got.rejected, quarantine]), got.read_counts)
