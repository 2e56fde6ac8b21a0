"""From a raw text frame to typed, validated rows plus quarantine rows with actionable reasons.

Every source goes through the same three steps: `conform_headers` (rename to canonical
names, drop personal columns, reject a file lacking required columns or naming one twice),
`parse` (text → typed values) and `check` (parse failures + the source's pandera schema →
quarantine rows). The checks and their reasons are listed in docs/validation.md.
Raw frames carry `_file`, `_sheet` and `_row` (the spreadsheet row number) throughout.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from schemas.fields import (
    DECIMAL_MONTH_ERROR,
    EXTRA_CELLS_ERROR,
    EXTRA_CELLS_LABEL,
    MONEY_PLACES_ERROR,
    PARSE_ERRORS,
    PERSONAL_HEADER,
    Field,
    header_aliases,
)
from schemas.semantics import DECIMAL_MONTH, LATEST, Semantics
from transforms import normalise
from transforms.read import EXTRA, normalise_header

PROVENANCE = ["_file", "_sheet", "_row"]

QUARANTINE_SCHEMA = {
    "source": pl.String,
    "file": pl.String,
    "sheet": pl.String,
    "row_number": pl.Int32,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
    "unit_id": pl.String,
}


def row_quarantine(
    frame: pl.DataFrame,
    source: str,
    column: pl.Expr,
    value: pl.Expr,
    reason: pl.Expr,
    unit_id: pl.Expr | None = None,
    **extra: pl.Expr,
) -> pl.DataFrame:
    """One quarantine row per row of `frame` (which has _file, _sheet, _row): where it is, the
    column and value it is about, the reason and the unit it goes back to (plus `extra` columns,
    e.g. the task and month a report row was about)."""
    return frame.select(
        pl.lit(source).alias("source"),
        pl.col("_file").alias("file"),
        pl.col("_sheet").alias("sheet"),
        pl.col("_row").cast(pl.Int32).alias("row_number"),
        column.alias("column"),
        value.alias("value"),
        reason.alias("reason"),
        (pl.lit(None, pl.String) if unit_id is None else unit_id).alias("unit_id"),
        *(expr.alias(name) for name, expr in extra.items()),
    ).cast(QUARANTINE_SCHEMA)


class Rejected(Exception):
    """A whole file cannot be used; str() is the Chinese reason. `readable`: column → canonical
    name of the columns that can still be read (to tell whose file it is)."""

    def __init__(self, reason: str, readable: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.readable = readable or {}


def conform_headers(
    columns: list[str], fields: tuple[Field, ...], written: Sequence[str] | None = None
) -> dict[str, str]:
    """Column → canonical name for the columns kept (personal columns never are). `written` is
    each column's header as written (default: the column names).

    Rejected: a file naming one field twice after header matching (完成进度 twice, or beside
    完成进度 with a full-width space, or beside progress): which of the two is meant cannot be
    known; a file lacking a required column (docs/validation.md)."""
    written = list(columns if written is None else written)
    kept = [
        (column, header)
        for column, header in zip(columns, written, strict=True)
        if not re.search(PERSONAL_HEADER, normalise_header(header))
    ]
    aliases = header_aliases(fields)
    canonical = [(column, aliases.get(normalise_header(header))) for column, header in kept]
    named = Counter(name for _, name in canonical if name is not None)
    renames = {column: name for column, name in canonical if name and named[name] == 1}
    twice = [f.label for f in fields if named[f.name] > 1]
    if twice:
        raise Rejected("列名重复：" + "、".join(twice), renames)
    missing = [f.label for f in fields if f.required_column and f.name not in named]
    if missing:
        raise Rejected("缺少必需的列：" + "、".join(missing), renames)
    return renames


def _parse(
    expr: pl.Expr, kind: str, year: int, wan: pl.Expr, semantics: Semantics = LATEST
) -> pl.Expr:
    match kind:
        case "text":
            return normalise.text(expr)
        case "free_text":
            return normalise.free_text(expr)
        case "id":
            return normalise.ident(expr)
        case "month":
            return normalise.month(expr, year, decimal=not semantics.uses(DECIMAL_MONTH))
        case "money":
            return (
                pl.when(wan)
                .then(normalise.money(expr, wan=True))
                .otherwise(normalise.money(expr, wan=False))
            )
        case _:
            return getattr(normalise, kind)(expr)


def _fast_parse(expr: pl.Expr, kind: str, wan: pl.Expr) -> pl.Expr | None:
    """The kind's fast path (normalise.fast_*): its common forms only, null for the rest; None
    when the kind has none."""
    match kind:
        case "date" | "datetime" | "seconds" | "number" | "percent" | "free_text":
            return getattr(normalise, f"fast_{kind}")(expr)
        case "money":
            return normalise.fast_money(expr, wan)
        case _:
            return None


def parse(
    frame: pl.DataFrame, fields: tuple[Field, ...], year: int, semantics: Semantics = LATEST
) -> pl.DataFrame:
    """Typed columns for every field (a missing optional column is all null), plus provenance.
    `semantics` says how a month written as a decimal number is read (schemas/semantics.py).

    Money is in 万元 on rows whose `_wan` column is true (their file's header said 金额(万元)).

    The values are those of the general parsers (normalise.date, ...), found in two passes: a
    kind with a fast path (normalise.fast_*) first reads every cell by it, then the general
    parser runs on the cells left null that have a raw value, and their values are put back in
    place. polars evaluates every branch of when/then or coalesce on every row, so the general
    parser's regexes only skip the cells of the common forms when the frame is split like this.
    """
    wan = pl.col("_wan").fill_null(False) if "_wan" in frame.columns else pl.lit(False)
    present = [f for f in fields if f.name in frame.columns]
    general = {
        f.name: _parse(pl.col(f.name), f.kind, year, wan, semantics).cast(f.dtype) for f in present
    }
    fast = {
        f.name: fast.cast(f.dtype)
        for f in present
        if (fast := _fast_parse(pl.col(f.name), f.kind, wan)) is not None
    }
    first = general | fast  # a kind with a fast path takes it first
    typed = frame.select(
        *PROVENANCE,
        *(first.get(f.name, pl.lit(None, f.dtype)).alias(f.name) for f in fields),
    )
    for name in fast:  # second pass: only the undecided cells, written back at their rows
        rows = (frame[name].is_not_null() & typed[name].is_null()).arg_true()
        if rows.len():
            values = frame[rows].select(general[name]).to_series()
            typed = typed.with_columns(typed[name].scatter(rows, values))
    return typed


FAILURE_SCHEMA = {"index": pl.Int64, "column": pl.String, "message": pl.String}
_INDEX = "_idx"  # the row's position in the raw and typed frames (row-aligned)


def check(
    raw: pl.DataFrame,
    typed: pl.DataFrame,
    schema: pa.DataFrameSchema,
    fields: tuple[Field, ...],
    source: str,
    unit_of_row: pl.Expr | None = None,
    semantics: Semantics = LATEST,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split typed rows into (valid rows, quarantine rows). raw and typed are row-aligned.

    A value that does not parse is reported once, as a parse failure, not again by the schema.
    A row with cells beyond its header (raw EXTRA) is quarantined whole.
    """
    typed = typed.with_row_index(_INDEX)
    raw = raw.with_row_index(_INDEX)
    parsing = pl.concat([parse_failures(raw, typed, fields, semantics), extra_cells(raw)])
    checking = schema_failures(typed, schema).join(
        parsing.select("index", "column"), on=["index", "column"], how="anti"
    )
    failures = pl.concat([parsing, checking]).unique(maintain_order=True)
    quarantine = quarantine_rows(raw, typed, failures, fields, source, unit_of_row)
    failed_rows = failures.select(pl.col("index").alias(_INDEX).cast(pl.UInt32)).unique()
    valid = typed.join(failed_rows, on=_INDEX, how="anti").drop(_INDEX)
    return valid, quarantine


def extra_cells(raw: pl.DataFrame) -> pl.DataFrame:
    """(index, EXTRA, message) for every row with more cells than its header: an unquoted comma
    (12,345.00) split a cell, so which cell holds what cannot be known and no cell is dropped."""
    if EXTRA not in raw.columns:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    return raw.filter(pl.col(EXTRA).is_not_null()).select(
        pl.col(_INDEX).cast(pl.Int64).alias("index"),
        pl.lit(EXTRA).alias("column"),
        pl.lit(EXTRA_CELLS_ERROR).alias("message"),
    )


def parse_failures(
    raw: pl.DataFrame,
    typed: pl.DataFrame,
    fields: tuple[Field, ...],
    semantics: Semantics = LATEST,
) -> pl.DataFrame:
    """(index, column, message) for every cell with a raw value that did not parse as its kind."""
    parsed = [f for f in fields if f.kind in PARSE_ERRORS and f.name in raw.columns]
    if not parsed:
        return pl.DataFrame(schema=FAILURE_SCHEMA)
    wan = pl.col("_wan").fill_null(False) if "_wan" in raw.columns else pl.lit(False)
    return pl.concat(
        [
            raw.filter(
                typed[f.name].is_null()
                & raw.select(normalise.text(pl.col(f.name))).to_series().is_not_null()
            ).select(
                pl.col(_INDEX).cast(pl.Int64).alias("index"),
                pl.lit(f.name).alias("column"),
                _parse_failure_message(f, pl.col(f.name), wan, semantics).alias("message"),
            )
            for f in parsed
        ],
        how="vertical",
    )


def _parse_failure_message(
    f: Field, cell: pl.Expr, wan: pl.Expr, semantics: Semantics = LATEST
) -> pl.Expr:
    """Why the cell is not a value of its kind: an amount in fractions of 分 is told so, and so
    is a month written as a decimal number (2021.1: January, or October as Excel keeps it)."""
    message = pl.lit(PARSE_ERRORS[f.kind])
    if f.kind == "month" and semantics.uses(DECIMAL_MONTH):
        return (
            pl.when(normalise.decimal_month(cell))
            .then(pl.lit(DECIMAL_MONTH_ERROR))
            .otherwise(message)
        )
    if f.kind != "money":
        return message
    too_precise = (
        pl.when(wan)
        .then(normalise.money_too_precise(cell, wan=True))
        .otherwise(normalise.money_too_precise(cell, wan=False))
    )
    return pl.when(too_precise).then(pl.lit(MONEY_PLACES_ERROR)).otherwise(message)


def schema_failures(typed: pl.DataFrame, schema: pa.DataFrameSchema) -> pl.DataFrame:
    """(index, column, message) for every pandera failure, lazily collected over the whole frame."""
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        return cases.filter(pl.col("index").is_not_null()).select(
            pl.col("index").cast(pl.Int64),
            pl.col("column"),
            pl.when(pl.col("check") == "not_nullable")
            .then(pl.lit("未填写"))
            .when(pl.col("check").str.contains("uniqu"))
            .then(pl.lit("重复"))
            .otherwise(pl.col("check"))
            .alias("message"),
        )
    return pl.DataFrame(schema=FAILURE_SCHEMA)


def quarantine_rows(
    raw: pl.DataFrame,
    typed: pl.DataFrame,
    failures: pl.DataFrame,
    fields: tuple[Field, ...],
    source: str,
    unit_of_row: pl.Expr | None,
) -> pl.DataFrame:
    """One quarantine row per failure: file, sheet, row, the column's label, its raw value, and
    the reason `第N行 <表头> "<原值>" <message>`."""
    labels = {f.name: f.label for f in fields} | {EXTRA: EXTRA_CELLS_LABEL}
    unit = (unit_of_row if unit_of_row is not None else pl.lit(None, pl.String)).alias("unit_id")
    # the task and month a row names (when they parse): a unit's findings tell a report that
    # was submitted but not loaded from one never submitted (office/workbooks/findings.py)
    names_month = {"task_id", "month"} <= set(typed.columns)  # progress reports
    task_month = [pl.col("task_id").cast(pl.String), pl.col("month").cast(pl.Int32)]
    row_info = typed.select(
        pl.col(_INDEX).cast(pl.Int64).alias("index"),
        *PROVENANCE,
        unit,
        *(task_month if names_month else []),
    )
    return (
        failures.join(_raw_cells(raw, failures, fields), on=["index", "column"], how="left")
        .join(row_info, on="index", how="left")
        .with_columns(label=pl.col("column").replace_strict(labels, default=pl.col("column")))
        .select(
            pl.lit(source).alias("source"),
            pl.col("_file").alias("file"),
            pl.col("_sheet").alias("sheet"),
            pl.col("_row").cast(pl.Int32).alias("row_number"),
            pl.col("label").alias("column"),
            pl.col("value"),
            _reason().alias("reason"),
            pl.col("unit_id"),
            *(["task_id", "month"] if names_month else []),
        )
        .sort("file", "sheet", "row_number", "column")
    )


def _raw_cells(
    raw: pl.DataFrame, failures: pl.DataFrame, fields: tuple[Field, ...]
) -> pl.DataFrame:
    """(index, column, value): the raw cells of the failing rows only (unpivoting every cell of
    millions of rows costs gigabytes); free text shows with its personal numbers masked."""
    cells = [_shown(f) for f in fields if f.name in raw.columns]
    if EXTRA in raw.columns:
        cells.append(pl.col(EXTRA))
    return (
        raw.filter(pl.col(_INDEX).cast(pl.Int64).is_in(failures["index"].unique().implode()))
        .select(pl.col(_INDEX).cast(pl.Int64).alias("index"), *cells)
        .unpivot(index="index", variable_name="column", value_name="value")
    )


def _shown(f: Field) -> pl.Expr:
    cell = pl.col(f.name).cast(pl.String)
    return normalise.free_text(cell).alias(f.name) if f.kind == "free_text" else cell


def _reason() -> pl.Expr:
    """第N行 <label> "<value>" <message>; without the quoted value when the cell is empty."""
    quoted = (
        pl.when(pl.col("value").is_not_null())
        .then(pl.format('"{}" ', pl.col("value")))
        .otherwise(pl.lit(""))
    )
    return (
        pl.format("第{}行 {} ", pl.col("_row"), pl.col("label")).add(quoted).add(pl.col("message"))
    )


def rejected_file(source: str, file: str, sheet: str, reason: str) -> pl.DataFrame:
    """The quarantine row of a file rejected whole."""
    return pl.DataFrame(
        [
            {
                "source": source,
                "file": file,
                "sheet": sheet,
                "row_number": None,
                "column": None,
                "value": None,
                "reason": f"文件被拒收：{reason}",
                "unit_id": None,
            }
        ],
        schema=QUARANTINE_SCHEMA,
    )
