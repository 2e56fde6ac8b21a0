"""One folder of input files → one typed frame, row-aligned with its raw text, plus rejections.

Files are read in parallel; header matching happens per file (a 金额(万元) header marks that
file's rows as 万元); blank-row removal, parsing and validation then run once over the folder.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from schemas.fields import Field
from schemas.surveys import QUESTION_HEADER, question_column
from transforms import normalise
from transforms.read import PART, ROW, Book, ReadError, Sheet, normalise_header, stack
from transforms.validate import (
    PROVENANCE,
    QUARANTINE_SCHEMA,
    Rejected,
    conform_headers,
    parse,
    rejected_file,
)

PART_INFO = ("_file", "_sheet", "_wan")
READERS = min(4, os.cpu_count() or 1)

InputFile = tuple[str, bytes]  # (path relative to the year's inbox, content)


@dataclass(frozen=True)
class Intake:
    source: str
    raw: pl.DataFrame  # canonical columns as text + provenance + _wan (the file said 万元)
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
    sheets: list[Sheet] = []
    read: list[tuple[str, str, int | None, bool | None]] = []  # file, sheet, part, 万元
    rejected, questions_seen = [], {}

    def open_sheet(file: InputFile) -> tuple[str, Sheet] | ReadError | None:
        try:
            book = Book(file[1], file[0])
            chosen = pick_sheet(book.sheet_names, sheet, first_sheet_fallback, other_sheets)
            return None if chosen is None else (chosen, book.sheet(chosen or None))
        except ReadError as exc:
            return exc

    # the readers (calamine, polars) release the GIL: files are read in parallel
    with ThreadPoolExecutor(READERS) as pool:
        opened = pool.map(open_sheet, sorted(files))
    for (name, _), result in zip(sorted(files), opened, strict=True):
        if result is None:
            continue  # an optional sheet this file does not have
        if isinstance(result, ReadError):
            read.append((name, sheet or "", None, None))
            rejected.append(rejected_file(source, name, sheet or "", str(result)))
            continue
        chosen, found = result
        columns = found.frame.columns
        try:
            renames = conform_headers(columns, fields, found.headers or None)
        except Rejected as exc:
            rejected.append(rejected_file(source, name, chosen, str(exc)))
            renames, wan = {}, None  # its rows still count as read, and are not parsed
        else:
            wan = scale_wan_header is not None and any(
                normalise_header(c) == scale_wan_header for c in columns
            )
        if questions and wan is not None:
            extra = _question_columns([c for c in columns if c not in renames])
            questions_seen.update(dict.fromkeys(extra.values()))
            renames |= extra
        # other columns (personal ones too) only matter for telling blank rows; dropped below
        frame = found.frame.clone()
        frame.columns = [renames.get(c, f"_other{i}") for i, c in enumerate(columns)]
        read.append((name, chosen, len(sheets), wan))
        sheets.append(Sheet(frame, found.first_row))

    files_read = pl.DataFrame(
        read,
        schema={"_file": pl.String, "_sheet": pl.String, PART: pl.UInt32, "_wan": pl.Boolean},
        orient="row",
    )
    kept = [f.name for f in fields] + list(questions_seen)
    rows = (
        stack(sheets, kept)
        if sheets
        else pl.DataFrame(schema={**dict.fromkeys(kept, pl.String), ROW: pl.Int32, PART: pl.UInt32})
    )
    del sheets  # the cells as read: free them before parsing
    counted = files_read.join(
        rows.group_by(PART).agg(rows_read=pl.len()), on=PART, how="left", maintain_order="left"
    ).select(
        file="_file", sheet="_sheet", rows_read=pl.col("rows_read").fill_null(0).cast(pl.Int64)
    )
    # each row's file, sheet and 万元 flag: row `_part` of the files that were read
    part = files_read.filter(pl.col(PART).is_not_null())
    of_part = {c: pl.lit(part[c]).gather(pl.col(PART)).alias(c) for c in PART_INFO}
    raw = rows.select(of_part["_file"], of_part["_sheet"], ROW, *kept, of_part["_wan"])
    del rows
    if raw["_wan"].null_count():
        raw = raw.filter(pl.col("_wan").is_not_null())  # rows of files rejected whole
    typed = parse(raw, fields, year).hstack(
        raw.select(normalise.text(pl.col(q)).alias(q) for q in questions_seen)
    )
    return Intake(
        source=source,
        raw=raw,
        typed=typed,
        rejected=pl.concat(rejected) if rejected else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        read_counts=counted,
    )


def _question_columns(columns: list[str]) -> dict[str, str]:
    """header → qN for every column headed like a question ("3、您对...")."""
    out: dict[str, str] = {}
    for column in columns:
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
    """Keep the first (file, sheet, row order) of rows equal in `columns`; return (kept, dropped).

    Rows keep the order they came in (core tables are sorted by key when published): no sorted
    copy of a frame of millions of rows."""
    ranked = frame.select(*columns, _rank=pl.arg_sort_by(PROVENANCE).arg_sort())
    first = ranked.select(pl.col("_rank") == pl.col("_rank").min().over(columns)).to_series()
    return frame.filter(first), frame.filter(~first).select(PROVENANCE)


def with_provenance_names(frame: pl.DataFrame) -> pl.DataFrame:
    """_file, _sheet, _row → the warehouse's file, sheet, row_number."""
    return frame.rename({"_file": "file", "_sheet": "sheet", "_row": "row_number"})
