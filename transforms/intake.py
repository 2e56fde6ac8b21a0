"""One folder of input files → one typed frame, row-aligned with its raw text, plus rejections.

Reading and header matching happen per file (a 金额(万元) header marks that file's rows as
万元); parsing and validation then run once over the whole folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from schemas.fields import Field
from schemas.surveys import QUESTION_HEADER, question_column
from transforms import normalise
from transforms.read import ReadError, normalise_header, read_table, sheet_names
from transforms.validate import (
    PROVENANCE,
    QUARANTINE_SCHEMA,
    Rejected,
    conform_headers,
    parse,
    rejected_file,
)

InputFile = tuple[str, bytes]  # (path relative to the year's inbox, content)

READ_COUNT_SCHEMA = {"file": pl.String, "sheet": pl.String, "rows_read": pl.Int64}


@dataclass(frozen=True)
class Intake:
    source: str
    raw: pl.DataFrame  # canonical columns as text + provenance
    typed: pl.DataFrame  # same rows, typed
    rejected: pl.DataFrame  # quarantine rows of files rejected whole
    read_counts: pl.DataFrame  # file, sheet, rows_read


def pick_sheet(
    names: list[str], wanted: str | None, first_if_missing: bool, others: tuple[str, ...] = ()
) -> str | None:
    """The sheet to read: `wanted` if present, else (when asked) the first sheet that is not one
    of `others` (sheets of another source, e.g. 荣誉), else None: nothing to read here."""
    if wanted is not None and wanted in names:
        return wanted
    rest = [n for n in names if n not in others]
    return rest[0] if first_if_missing and rest else None


def intake(
    source: str,
    files: list[InputFile],
    fields: tuple[Field, ...],
    year: int,
    sheet: str | None = None,
    first_sheet_fallback: bool = True,
    scale_wan_header: str | None = None,
    questions: bool = False,
    other_sheets: tuple[str, ...] = (),
) -> Intake:
    """Read every file's sheet (`sheet`, else the first one when `first_sheet_fallback`).

    With `questions`, survey question columns ("N、text") are kept as text, named qN.
    """
    raws, rejected, counts, questions_seen = [], [], [], {}
    for name, data in sorted(files):
        try:
            chosen = pick_sheet(sheet_names(data, name), sheet, first_sheet_fallback, other_sheets)
            if chosen is None:
                continue  # an optional sheet this file does not have
            frame = read_table(data, name, chosen or None)
        except ReadError as exc:
            counts.append((name, sheet or "", 0))
            rejected.append(rejected_file(source, name, sheet or "", str(exc)))
            continue
        frame = frame.with_columns(_file=pl.lit(name), _sheet=pl.lit(chosen))
        counts.append((name, chosen, frame.height))
        try:
            canonical = conform_headers(frame, fields)
        except Rejected as exc:
            rejected.append(rejected_file(source, name, chosen, str(exc)))
            continue
        wan = scale_wan_header is not None and any(
            normalise_header(c) == scale_wan_header for c in frame.columns
        )
        extra = _question_columns(canonical) if questions else {}
        questions_seen.update(dict.fromkeys(extra.values()))
        canonical = canonical.rename(extra)
        keep = [f.name for f in fields if f.name in canonical.columns] + list(extra.values())
        raws.append(canonical.select(*PROVENANCE, *keep).with_columns(_wan=pl.lit(wan)))
    text_schema = {c: pl.String for c in (*PROVENANCE, *(f.name for f in fields))}
    empty = pl.DataFrame(schema=text_schema).with_columns(pl.col("_row").cast(pl.Int32))
    # Parsing runs once per folder, not per file: one expression graph over all rows.
    raw = pl.concat(raws, how="diagonal_relaxed") if raws else empty.with_columns(_wan=False)
    typed = parse(raw, fields, year).hstack(
        raw.select(normalise.text(pl.col(q)).alias(q) for q in questions_seen)
    )
    return Intake(
        source=source,
        raw=raw.drop("_wan"),
        typed=typed,
        rejected=pl.concat(rejected) if rejected else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        read_counts=pl.DataFrame(counts, schema=READ_COUNT_SCHEMA, orient="row"),
    )


def _question_columns(frame: pl.DataFrame) -> dict[str, str]:
    """header → qN for every column headed like a question ("3、您对...")."""
    out = {}
    for column in frame.columns:
        match = re.match(QUESTION_HEADER, column)
        if match and question_column(int(match.group(1))) not in out.values():
            out[column] = question_column(int(match.group(1)))
    return out


@dataclass(frozen=True)
class Loaded:
    """A source after validation: what was loaded, what was a duplicate, what was quarantined."""

    rows: pl.DataFrame  # loaded rows, with provenance columns
    duplicates: pl.DataFrame  # provenance of the rows counted as identical duplicates
    quarantine: pl.DataFrame
    read_counts: pl.DataFrame


def dedupe(frame: pl.DataFrame, columns: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first (file, sheet, row order) of rows equal in `columns`; return (kept, dropped)."""
    ordered = frame.sort(PROVENANCE)
    first = ordered.select(pl.struct(columns).is_first_distinct()).to_series()
    return ordered.filter(first), ordered.filter(~first).select(PROVENANCE)


def with_provenance_names(frame: pl.DataFrame) -> pl.DataFrame:
    """_file, _sheet, _row → the warehouse's file, sheet, row_number."""
    return frame.rename({"_file": "file", "_sheet": "sheet", "_row": "row_number"})
