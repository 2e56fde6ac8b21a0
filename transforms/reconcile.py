"""Per-file row accounting (rows read = loaded + duplicates + quarantined, docs/inputs.md) and the
audit rows a run stores: audit.input_file and audit.quarantine."""

from __future__ import annotations

import polars as pl

from schemas import tables
from transforms.intake import Loaded

KEY = ["file", "sheet"]


def file_counts(loaded: Loaded) -> pl.DataFrame:
    """file, sheet, rows_read, rows_loaded, rows_duplicate, rows_quarantined, status, reason."""

    def per_file(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by(KEY).agg(pl.len().cast(pl.Int64).alias(name))

    rejected = loaded.quarantine.filter(pl.col("row_number").is_null())
    quarantined_rows = loaded.quarantine.filter(pl.col("row_number").is_not_null()).unique(
        [*KEY, "row_number"]
    )
    duplicates = loaded.duplicates.rename({"_file": "file", "_sheet": "sheet", "_row": "row"})
    counts = (
        loaded.read_counts.join(per_file(loaded.rows, "rows_loaded"), on=KEY, how="left")
        .join(per_file(duplicates, "rows_duplicate"), on=KEY, how="left")
        .join(per_file(quarantined_rows, "rows_quarantined"), on=KEY, how="left")
        .join(rejected.select(*KEY, "reason"), on=KEY, how="left")
        .with_columns(pl.col("rows_loaded", "rows_duplicate", "rows_quarantined").fill_null(0))
    )
    # A file rejected whole: all of its rows are quarantined with the file.
    return counts.with_columns(
        status=pl.when(pl.col("reason").is_not_null())
        .then(pl.lit("rejected"))
        .otherwise(pl.lit("loaded")),
        rows_quarantined=pl.when(pl.col("reason").is_not_null())
        .then(pl.col("rows_read"))
        .otherwise(pl.col("rows_quarantined")),
    ).sort(KEY)


MANIFEST_SCHEMA = {
    "folder": pl.String,
    "file": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "status": pl.String,  # set for a path listed but not read (docs/reliability.md)
    "reason": pl.String,
}
COUNT_SCHEMA = {
    "source": pl.String,
    "file": pl.String,
    "sheet": pl.String,
    "rows_read": pl.Int64,
    "rows_loaded": pl.Int64,
    "rows_duplicate": pl.Int64,
    "rows_quarantined": pl.Int64,
    "status": pl.String,
    "reason": pl.String,
}


def plan_file_counts(read_counts: pl.DataFrame) -> pl.DataFrame:
    """The plan loads whole or fails the run: every row read is loaded."""
    return read_counts.with_columns(
        rows_loaded=pl.col("rows_read"), rows_duplicate=0, rows_quarantined=0
    )


def input_file_rows(
    run_id: str, year: int, manifest: pl.DataFrame, counts: list[pl.DataFrame]
) -> pl.DataFrame:
    """audit.input_file: every archived file, once per sheet read, with its row accounting.
    A file no reader reached (rules.toml, a path listed but not read, or a run that stopped
    early) has zero counts."""
    per_sheet = pl.concat([pl.DataFrame(schema=COUNT_SCHEMA), *counts], how="diagonal_relaxed")
    return (
        manifest.join(per_sheet.cast(COUNT_SCHEMA), on="file", how="left", suffix="_read")
        .with_columns(
            pl.col("rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined").fill_null(0),
            run_id=pl.lit(run_id),
            year=pl.lit(year),
            source=pl.coalesce("source", "folder"),
            sheet=pl.col("sheet").fill_null(""),
            status=pl.coalesce("status_read", "status", pl.lit("loaded")),
            reason=pl.coalesce("reason_read", "reason"),
        )
        .select([c.name for c in tables.INPUT_FILE.columns])
        .cast(tables.INPUT_FILE.polars_schema)
        .sort("file", "sheet")
    )


def quarantine_rows(run_id: str, year: int, frames: list[pl.DataFrame]) -> pl.DataFrame:
    """audit.quarantine: every source's quarantine rows, stamped with the run."""
    rows = pl.concat(frames, how="diagonal_relaxed").with_columns(
        run_id=pl.lit(run_id), year=pl.lit(year)
    )
    return (
        rows.select(  # a column no source gave (e.g. task_id of rejected files only) is null
            pl.col(c.name) if c.name in rows.columns else pl.lit(None).alias(c.name)
            for c in tables.QUARANTINE.columns
        )
        .cast(tables.QUARANTINE.polars_schema)
        .sort("source", "file", "sheet", "row_number", "column", nulls_last=True)
    )
