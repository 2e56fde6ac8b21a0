"""Funding ledger exports → core.ledger_entries and core.voucher_conflicts (docs/validation.md)."""

from __future__ import annotations

import polars as pl

from schemas import funding as spec
from transforms.intake import PROVENANCE, InputFile, Loaded, dedupe, intake, with_provenance_names
from transforms.plan import Plan
from transforms.validate import QUARANTINE_SCHEMA, check

LEDGER_VALUES = ["entry_date", "voucher_no", "task_id", "source", "kind", "amount", "summary"]


def ledger(files: list[InputFile], plan: Plan) -> tuple[Loaded, pl.DataFrame]:
    """(the loaded ledger, its conflicting vouchers). Conflicting rows are all quarantined."""
    got = intake(spec.LEDGER, files, plan.year, plan.units, plan.semantics)
    owner = plan.tasks.select("task_id", pl.col("unit_id").alias("_owner"))
    typed = got.typed.join(owner, on="task_id", how="left", maintain_order="left")
    schema = spec.ledger_schema(plan.tasks["task_id"].to_list(), plan.year)
    valid, quarantine = check(
        got.raw, typed, schema, spec.LEDGER_FIELDS, "funding", unit_of_row=pl.col("_owner")
    )
    kept, duplicates = dedupe(valid, LEDGER_VALUES)

    versions = pl.col("voucher_no").count().over("voucher_no")
    conflicting = kept.filter(versions > 1)
    conflicts = with_provenance_names(conflicting).select(
        pl.lit(plan.year).alias("year"),
        "voucher_no",
        "task_id",
        "entry_date",
        "kind",
        "amount",
        "file",
        "sheet",
        "row_number",
    )
    rows = with_provenance_names(kept.filter(versions == 1).drop("_owner")).with_columns(
        year=pl.lit(plan.year)
    )
    loaded = Loaded(
        rows,
        duplicates,
        pl.concat([got.rejected, quarantine, _conflict_quarantine(conflicting)]),
        got.read_counts,
    )
    return loaded, conflicts


def _conflict_quarantine(conflicting: pl.DataFrame) -> pl.DataFrame:
    """One quarantine row per conflicting ledger row, naming the rows it conflicts with."""
    where = pl.format("{} 第{}行", "_file", "_row")
    return (
        conflicting.sort(PROVENANCE)
        .with_columns(others=where.implode().over("voucher_no"), count=pl.len().over("voucher_no"))
        .select(
            pl.lit("funding").alias("source"),
            pl.col("_file").alias("file"),
            pl.col("_sheet").alias("sheet"),
            pl.col("_row").cast(pl.Int32).alias("row_number"),
            pl.lit("凭证号").alias("column"),
            pl.col("voucher_no").alias("value"),
            pl.format(
                '第{}行 凭证号 "{}" 冲突：同一凭证号有{}条内容不同的记录（{}），请核对后只保留正确的一条',
                "_row",
                "voucher_no",
                "count",
                pl.col("others").list.join("、"),
            ).alias("reason"),
            pl.col("_owner").alias("unit_id"),
        )
        .cast(QUARANTINE_SCHEMA)
    )
