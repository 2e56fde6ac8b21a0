"""Row-by-row comparison of a rerun's marts with the published ones (docs/reliability.md)."""

from __future__ import annotations

import json

import polars as pl

from schemas.tables import MART_TABLES, Table

DIFF_SCHEMA = {
    "table_name": pl.String,
    "row_key": pl.String,
    "column_name": pl.String,
    "published": pl.String,
    "rerun": pl.String,
    "kind": pl.String,
    "reason": pl.String,
}
IGNORED = {"run_id"}  # a rerun is a new run by definition


def _as_text(frame: pl.DataFrame, key: list[str], values: list[str]) -> pl.DataFrame:
    """The row's key as JSON and every value as text (lists joined)."""
    return frame.select(
        pl.struct(key).struct.json_encode().alias("row_key"),
        *(
            pl.col(c).cast(pl.String)
            if not isinstance(frame.schema[c], pl.List)
            else pl.col(c).list.join(",")
            for c in values
        ),
    )


def diff_table(table: Table, published: pl.DataFrame, rerun: pl.DataFrame) -> pl.DataFrame:
    """Every differing value, missing row and extra row, as text, keyed by the table's key."""
    key = list(table.key)
    values = [c.name for c in table.columns if c.name not in key and c.name not in IGNORED]

    def as_text(frame: pl.DataFrame) -> pl.DataFrame:
        return _as_text(frame, key, values)

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
        pl.lit(None, pl.String).alias("reason"),
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
            pl.lit(None, pl.String).alias("reason"),
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
                "归档文件的内容与运行记录的哈希不符",
            )
            for f, was, now in altered
        ],
        schema=DIFF_SCHEMA,
        orient="row",
    )


def diff_marts(published: dict[str, pl.DataFrame], rerun: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """diff_table over every published mart."""
    return pl.concat([diff_table(t, published[t.name], rerun[t.name]) for t in MART_TABLES])


CELL = ["table_name", "row_key", "column_name"]


def explain(final: pl.DataFrame, steps: list[tuple[str, pl.DataFrame]]) -> pl.DataFrame:
    """`final` with each row's reason: the labels of the steps whose differences touched the same
    cell (or, for a whole row missing or extra, the same row), joined by '；'. A step is one
    semantic Change applied on top of the previous ones; a row no step touched keeps a null
    reason (no Change explains it: the inputs or the code differ)."""
    touched = pl.concat(
        [pl.DataFrame(schema=DIFF_SCHEMA).select(*CELL, "reason")]
        + [d.select(*CELL, pl.lit(label).alias("reason")) for label, d in steps]
    )

    def labels(keys: list[str]) -> pl.DataFrame:
        return touched.group_by(keys, maintain_order=True).agg(
            pl.col("reason").unique(maintain_order=True).str.join("；")
        )

    by_row = labels(CELL[:2]).rename({"reason": "_row_reason"})
    return (
        final.drop("reason")
        .join(labels(CELL), on=CELL, how="left", nulls_equal=True)
        .join(by_row, on=CELL[:2], how="left")
        .with_columns(pl.coalesce("reason", "_row_reason").alias("reason"))
        .select(list(DIFF_SCHEMA))
    )
