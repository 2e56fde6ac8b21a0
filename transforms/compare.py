"""Row-by-row comparison of a rerun's marts with the published ones (docs/reliability.md)."""

from __future__ import annotations

import json

import polars as pl

from schemas.tables import Table

DIFF_SCHEMA = {
    "table_name": pl.String,
    "row_key": pl.String,
    "column_name": pl.String,
    "published": pl.String,
    "rerun": pl.String,
    "kind": pl.String,
}
IGNORED = {"run_id"}  # a rerun is a new run by definition


def diff_table(table: Table, published: pl.DataFrame, rerun: pl.DataFrame) -> pl.DataFrame:
    """Every differing value, missing row and extra row, as text, keyed by the table's key."""
    key = list(table.key)
    values = [c.name for c in table.columns if c.name not in key and c.name not in IGNORED]

    def as_text(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.struct(key).struct.json_encode().alias("row_key"),
            *(
                pl.col(c).cast(pl.String)
                if not isinstance(frame.schema[c], pl.List)
                else pl.col(c).list.join(",")
                for c in values
            ),
        )

    both = (
        as_text(published)
        .with_columns(_p=pl.lit(True))
        .join(
            as_text(rerun).with_columns(_r=pl.lit(True)),
            on="row_key",
            how="full",
            suffix="__rerun",
            coalesce=True,
        )
    )
    whole = both.filter(pl.col("_p").is_null() | pl.col("_r").is_null()).select(
        pl.lit(table.name).alias("table_name"),
        "row_key",
        pl.lit(None, pl.String).alias("column_name"),
        pl.when(pl.col("_p")).then(pl.col("row_key")).alias("published"),
        pl.when(pl.col("_r")).then(pl.col("row_key")).alias("rerun"),
        pl.when(pl.col("_r").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("extra"))
        .alias("kind"),
    )
    matched = both.filter(pl.col("_p") & pl.col("_r"))
    changed = [
        matched.filter(pl.col(c).ne_missing(pl.col(f"{c}__rerun"))).select(
            pl.lit(table.name).alias("table_name"),
            "row_key",
            pl.lit(c).alias("column_name"),
            pl.col(c).alias("published"),
            pl.col(f"{c}__rerun").alias("rerun"),
            pl.lit("changed").alias("kind"),
        )
        for c in values
    ]
    return (
        pl.concat([whole, *changed])
        .cast(DIFF_SCHEMA)
        .sort("table_name", "row_key", "column_name", nulls_last=False)
    )


def altered_inputs(altered: list[tuple[str, str, str]]) -> pl.DataFrame:
    """Archived files whose bytes no longer match the hash the run recorded."""
    return pl.DataFrame(
        [
            (
                "input_file",
                json.dumps({"file": f}, ensure_ascii=False),
                "sha256",
                was,
                now,
                "changed",
            )
            for f, was, now in altered
        ],
        schema=DIFF_SCHEMA,
        orient="row",
    )
