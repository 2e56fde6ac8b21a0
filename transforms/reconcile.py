"""Per-file row accounting: rows read = loaded + duplicates + quarantined (SPEC §5)."""

from __future__ import annotations

import polars as pl

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
