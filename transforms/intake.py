"""One folder of input files → one typed frame, row-aligned with its raw text, plus rejections.

Files are read in parallel; header matching happens per file (a 金额(万元) header marks that
file's rows as 万元); blank-row removal, parsing and validation then run once over the folder.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from schemas.fields import Field, SheetChoice, SourceSpec, header_aliases
from schemas.semantics import LATEST, PERCENT_CELLS, Semantics
from schemas.surveys import QUESTION_HEADER, question_column
from transforms import normalise, parsed
from transforms.parsed import LISTING_SCHEMA, Batch
from transforms.read import (
    EXTRA,
    PART,
    ROW,
    Book,
    HeaderSpec,
    ReadError,
    Sheet,
    normalise_header,
    stack,
)
from transforms.validate import (
    PROVENANCE,
    QUARANTINE_SCHEMA,
    Rejected,
    conform_headers,
    parse,
    rejected_file,
)

READERS = min(4, os.cpu_count() or 1)
FILE_UNIT = "_file_unit"  # with_file_unit: the unit whose file a row is in

InputFile = tuple[str, bytes]  # (path relative to the year's inbox, content)


@dataclass(frozen=True)
class Intake:
    source: str
    raw: pl.DataFrame  # canonical columns as text + provenance + _wan (the file said 万元)
    typed: pl.DataFrame  # same rows, typed
    rejected: pl.DataFrame  # quarantine rows of files rejected whole
    read_counts: pl.DataFrame  # file, sheet, rows_read


@dataclass(frozen=True)
class FileSheet:
    """One file's sheet of the source, its columns renamed to canonical names (others `_otherN`).

    `rejection` is set for a file rejected whole: its rows count as read and are not parsed;
    `cells` is None when the file could not be read at all."""

    file: str
    sheet: str
    cells: Sheet | None
    in_wan: bool = False  # its header says 万元
    questions: tuple[str, ...] = ()  # qN columns
    rejection: str | None = None


def intake(
    spec: SourceSpec,
    files: list[InputFile],
    year: int,
    units: pl.DataFrame | None = None,
    semantics: Semantics = LATEST,
) -> Intake:
    """Read the source's sheet of every file, match headers per file, then stack, parse and
    count the rows of the whole folder at once. A file rejected whole is quarantined, naming its
    unit when `units` (unit_id, unit_name) can tell which (docs/validation.md). `semantics`
    says how percent cells and decimal months are read (schemas/semantics.py).

    With a store of parsed files in use (transforms/parsed.py), a file read before with the
    same bytes (and the same reading code, declaration, year and semantics) is not read again:
    its rows come from the store, only the other files are read and parsed, and both are
    merged in file order into the same frames. A source with no files gives the empty frames
    (parsed.empty) without planning a parse."""
    if not files:  # an empty folder: planning the parser's expressions would cost ~20 ms
        return finish(spec.source, parsed.empty(spec), units)
    store = parsed.PARSED.get()
    if store is None:
        return finish(spec.source, parse_batch(spec, files, year, semantics), units)
    batch = parsed.read_through(
        store, spec, files, year, semantics, lambda fresh: parse_batch(spec, fresh, year, semantics)
    )
    return finish(spec.source, batch, units)


def parse_batch(
    spec: SourceSpec, files: list[InputFile], year: int, semantics: Semantics = LATEST
) -> Batch:
    """The files read, their headers matched, their rows stacked and parsed: everything of
    intake that depends on the files alone (not on the plan)."""
    opened = [conform_sheet(spec, name, got) for name, got in open_sheets(spec, files, semantics)]
    questions = list(dict.fromkeys(q for f in opened if f.rejection is None for q in f.questions))
    # EXTRA only when some CSV row is wider than its header: no column for millions of rows
    extra = (
        [EXTRA] if any(f.cells is not None and f.cells.extra is not None for f in opened) else []
    )
    rows = stack_rows(opened, [f.name for f in spec.fields] + questions + extra)
    listing = _listing(opened, rows)
    del opened  # the cells as read: freed before parsing
    named = rows.filter(pl.col("_rejected")).select(
        "_file",
        "_sheet",
        normalise.ident(pl.col("unit_id"))
        if "unit_id" in rows.columns
        else pl.lit(None, pl.String).alias("unit_id"),
    )
    raw = rows.filter(~pl.col("_rejected")).drop("_rejected")
    del rows
    typed = parse(raw, spec.fields, year, semantics).hstack(
        raw.select(normalise.text(pl.col(q)).alias(q) for q in questions)
    )
    return Batch(listing, raw, typed, named)


def finish(source: str, batch: Batch, units: pl.DataFrame | None) -> Intake:
    """The source's intake from its batch: the files rejected whole named by the plan's units."""
    read_counts = batch.listing.select("file", "sheet", "rows_read")
    rejected = rejections(source, batch.listing, batch.named, units)
    return Intake(source, batch.raw, batch.typed, rejected, read_counts)


def open_sheets(
    spec: SourceSpec, files: list[InputFile], semantics: Semantics = LATEST
) -> list[tuple[str, tuple[str, Sheet] | ReadError]]:
    """(file, (sheet name, its cells) or why it cannot be read) for every file, in name order,
    that has the source's sheet (choose_sheet). The readers (calamine, polars) release the GIL:
    files are read in parallel."""
    header = header_spec(spec.fields)
    percent = percent_headers(spec.fields) if semantics.uses(PERCENT_CELLS) else frozenset()

    def open_one(file: InputFile) -> tuple[str, Sheet] | ReadError | None:
        try:
            return choose_sheet(Book(file[1], file[0]), spec.sheet, header, percent)
        except ReadError as exc:
            return exc

    ordered = sorted(files)
    with ThreadPoolExecutor(READERS) as pool:
        opened = list(pool.map(open_one, ordered))
    return [(name, got) for (name, _), got in zip(ordered, opened, strict=True) if got is not None]


def choose_sheet(
    book: Book, choice: SheetChoice, header: HeaderSpec, percent: frozenset[str]
) -> tuple[str, Sheet] | None:
    """The sheet of the source, as offices make workbooks (docs/inputs.md): the named one if
    present; else the first visible sheet whose header names the required columns, so an
    instructions sheet or a hidden sheet placed first is passed over. When no sheet has them,
    the first visible sheet is read (and rejected for the columns it lacks); when only a hidden
    one has them, the file is rejected saying so. None: the file has nothing of the source."""
    names = book.sheet_names
    if choice.name is not None and choice.name in names:
        return choice.name, book.sheet(choice.name, header, percent)
    candidates = [n for n in names if n not in choice.others] if choice.or_first else []
    first: tuple[str, Sheet] | None = None
    error: ReadError | None = None
    hidden: str | None = None
    for name in candidates:
        try:
            found = book.sheet(name or None, header, percent)
        except ReadError as exc:
            error = error or exc
            continue
        complete = header.complete(found.headers)
        if not found.visible:
            hidden = hidden or (name if complete else None)
        elif complete:
            return name, found
        else:
            first = first or (name, found)
    if hidden is not None:
        raise ReadError(f"数据所在的工作表“{hidden}”被隐藏：请取消隐藏，或把数据放在可见的工作表中")
    if first is None and error is not None:
        raise error
    return first


def header_spec(fields: tuple[Field, ...]) -> HeaderSpec:
    """How a header row of these fields looks (read.HeaderSpec), by the headers that
    validate.conform_headers matches."""
    aliases = header_aliases(fields)
    required = tuple(
        frozenset(h for h, name in aliases.items() if name == f.name)
        for f in fields
        if f.required_column
    )
    return HeaderSpec(frozenset(aliases), required)


def percent_headers(fields: tuple[Field, ...]) -> frozenset[str]:
    """The headers naming a percent field: their percent-formatted cells are percent points."""
    percent = {f.name for f in fields if f.kind == "percent"}
    return frozenset(h for h, name in header_aliases(fields).items() if name in percent)


def conform_sheet(spec: SourceSpec, file: str, opened: tuple[str, Sheet] | ReadError) -> FileSheet:
    """One opened sheet with its headers matched; a file that cannot be read or used is kept,
    with the reason it is rejected whole."""
    if isinstance(opened, ReadError):
        return FileSheet(file, spec.sheet.name or "", None, rejection=str(opened))
    name, found = opened
    columns = found.frame.columns
    rejection, questions = None, {}
    try:
        renames = conform_headers(columns, spec.fields, found.headers or None)
        if spec.questions:
            questions = question_columns([c for c in columns if c not in renames])
    except Rejected as exc:
        # the columns still readable (单位编码 when 完成进度 is named twice) tell its unit
        renames, rejection = exc.readable, str(exc)
    in_wan = spec.wan_header is not None and any(
        normalise_header(c) == spec.wan_header for c in columns
    )
    renames = renames | questions
    # other columns (personal ones too) only matter for telling blank rows; dropped when stacked
    frame = found.frame.clone()
    frame.columns = [renames.get(c, f"_other{i}") for i, c in enumerate(columns)]
    cells = Sheet(frame, found.first_row, extra=found.extra)
    return FileSheet(file, name, cells, in_wan, tuple(questions.values()), rejection)


def stack_rows(files: list[FileSheet], columns: list[str]) -> pl.DataFrame:
    """The non-blank rows of every sheet read: `_file`, `_sheet`, `_row`, `columns` as text,
    `_wan` (the file's header said 万元) and `_rejected` (the file is rejected whole)."""
    read = [f for f in files if f.cells is not None]
    info = {
        "_file": pl.Series([f.file for f in read], dtype=pl.String),
        "_sheet": pl.Series([f.sheet for f in read], dtype=pl.String),
        "_wan": pl.Series([f.in_wan for f in read], dtype=pl.Boolean),
        "_rejected": pl.Series([f.rejection is not None for f in read], dtype=pl.Boolean),
    }
    if read:
        rows = stack([f.cells for f in read if f.cells is not None], columns)
    else:
        rows = pl.DataFrame(
            schema={**dict.fromkeys(columns, pl.String), ROW: pl.Int32, PART: pl.UInt32}
        )
    of_part = {
        name: pl.lit(values).gather(pl.col(PART)).alias(name) for name, values in info.items()
    }
    return rows.select(
        of_part["_file"], of_part["_sheet"], ROW, *columns, of_part["_wan"], of_part["_rejected"]
    )


def _listing(files: list[FileSheet], rows: pl.DataFrame) -> pl.DataFrame:
    """A row per file with the source's sheet, rejected ones included (parsed.LISTING_SCHEMA):
    its sheet, why it is rejected, its header's 万元, its questions, and its rows read."""
    listed = pl.DataFrame(
        {
            "file": [f.file for f in files],
            "sheet": [f.sheet for f in files],
            "rejection": [f.rejection for f in files],
            "in_wan": [f.in_wan for f in files],
            "questions": [list(f.questions) for f in files],
            "extra": [f.cells is not None and f.cells.extra is not None for f in files],
        },
        schema={k: v for k, v in LISTING_SCHEMA.items() if k != "rows_read"},
    )
    per_file = rows.group_by("_file", "_sheet").agg(rows_read=pl.len().cast(pl.Int64))
    return listed.join(
        per_file.rename({"_file": "file", "_sheet": "sheet"}),
        on=["file", "sheet"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("rows_read").fill_null(0))


def rejections(
    source: str, listing: pl.DataFrame, named: pl.DataFrame, units: pl.DataFrame | None
) -> pl.DataFrame:
    """The quarantine rows of the files rejected whole (`listing`), each naming its unit when
    one can be told (unit_of_file, from the unit ids of its rows: `named`)."""
    whole = listing.filter(pl.col("rejection").is_not_null())
    rejected = [
        rejected_file(source, file, sheet, reason)
        for file, sheet, reason in whole.select("file", "sheet", "rejection").iter_rows()
    ]
    if not rejected:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    frame = pl.concat(rejected)
    if units is None or units.is_empty():
        return frame
    owner = unit_of_file(frame.select("file", "sheet"), units, named)
    return (
        frame.drop("unit_id")
        .join(owner, on=["file", "sheet"], how="left", maintain_order="left")
        .select(QUARANTINE_SCHEMA.keys())
    )


def unit_of_file(files: pl.DataFrame, units: pl.DataFrame, named: pl.DataFrame) -> pl.DataFrame:
    """(file, sheet, unit_id) for files (file, sheet): the one unit whose id or name the file's
    name contains; else the one unit of the plan every row names (`named`: _file, _sheet,
    unit_id of each row, null where its 单位编码 could not be read); else null."""
    name = pl.col("file").str.split("/").list.last().str.to_uppercase()  # dy10_….csv too
    by_name = (
        files.join(units.select("unit_id", "unit_name"), how="cross")
        .filter(
            name.str.contains(pl.col("unit_id").str.to_uppercase(), literal=True)
            | name.str.contains(pl.col("unit_name"), literal=True)
        )
        .group_by("file", "sheet")
        .agg(pl.col("unit_id").unique().alias("by_name"))
    )
    by_rows = (
        named.drop_nulls("unit_id")
        .group_by(file="_file", sheet="_sheet")
        .agg(pl.col("unit_id").unique().alias("by_rows"))
    )
    known = units["unit_id"].implode()
    return (
        files.join(by_name, on=["file", "sheet"], how="left", maintain_order="left")
        .join(by_rows, on=["file", "sheet"], how="left", maintain_order="left")
        .select(
            "file",
            "sheet",
            pl.coalesce(
                _only("by_name"), pl.when(_only("by_rows").is_in(known)).then(_only("by_rows"))
            ).alias("unit_id"),
        )
    )


def with_file_unit(typed: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """`typed` (with _file, _sheet, unit_id) and FILE_UNIT: the unit whose file each row is in
    (unit_of_file, by the units of the plan its rows name), null when it cannot be told. Only
    looked up when some row names no unit of the plan: otherwise no row needs it."""
    known = units["unit_id"].implode()
    if typed["unit_id"].is_in(known).fill_null(False).all():
        return typed.with_columns(pl.lit(None, pl.String).alias(FILE_UNIT))
    files = typed.select(file="_file", sheet="_sheet").unique(maintain_order=True)
    named = typed.select("_file", "_sheet", "unit_id").filter(pl.col("unit_id").is_in(known))
    owner = unit_of_file(files, units, named).rename(
        {"file": "_file", "sheet": "_sheet", "unit_id": FILE_UNIT}
    )
    return typed.join(owner, on=["_file", "_sheet"], how="left", maintain_order="left")


def _only(column: str) -> pl.Expr:
    """The one value of a list column, null when it has none or several."""
    return pl.when(pl.col(column).list.len() == 1).then(pl.col(column).list.first())


def question_columns(columns: list[str]) -> dict[str, str]:
    """header → qN for every column headed like a question ("3、您对..."). Rejected when two
    columns carry the same question number: which one holds the answers cannot be known."""
    numbers = {c: int(m.group(1)) for c in columns if (m := re.match(QUESTION_HEADER, c))}
    count = Counter(numbers.values())
    twice = sorted(n for n, times in count.items() if times > 1)
    if twice:
        raise Rejected("列名重复：" + "、".join(f"第{n}题" for n in twice))
    return {c: question_column(n) for c, n in numbers.items()}


@dataclass(frozen=True)
class Loaded:
    """A source after validation: what was loaded, what was a duplicate, what was quarantined."""

    rows: pl.DataFrame  # loaded rows, with provenance columns
    duplicates: pl.DataFrame  # provenance of the rows counted as identical duplicates
    quarantine: pl.DataFrame
    read_counts: pl.DataFrame
    derived: dict[str, pl.DataFrame] = field(default_factory=dict)  # further core tables


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
