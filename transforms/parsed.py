"""Files parsed by an earlier run, reused by the next (docs/reliability.md, "Parsed files kept
between runs").

intake (transforms/intake.py) reads, stacks and parses a source's files as one `Batch`. What a
batch holds of one file (its listing row, its rows as text and typed, and for a file rejected
whole the unit ids its rows give) depends on nothing but the file's name and bytes, the
source's declaration, the year, the semantics, and the code and libraries that read and parse
it: a file's key (`file_keys`) hashes exactly these. The plan's units, which name the unit of
a file rejected whole, are applied after the batch (intake.finish), never kept in it.
Everything after intake (validation against the plan, dedupe across files, falling cumulative
values, survey conflicts, refunds in date order) runs over the whole folder as it always did.

A store (warehouse/parsed.py) keeps, per source, the last batch read through it with each
file's key, under a name that hashes everything but the files. Given a store (`reusing`),
intake takes from the kept batch the rows of every file whose key is unchanged, reads and
parses only the other files, and merges both in file order: the same frames, row for row and
column for column, as reading the whole folder (tests/transforms/test_parsed.py). The new batch
is kept when any file's key changed. Without a store (reruns, simulations, tests) nothing is
looked up or kept.

One entry per source, not one per file: a reports folder holds one small file per unit and
month (719 at M scale), and reading 719 entries back costs about a sixth of reading the files
again, where one entry costs milliseconds.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import platform
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

import polars as pl

from schemas.fields import SourceSpec
from schemas.semantics import Semantics
from transforms.read import EXTRA

# Raise when a change of reading or parsing changes what a file gives and is not in the
# modules below (those are hashed: editing them is enough).
READER_VERSION = 1
# The modules whose code decides what a file gives; their source is part of every key.
READING_CODE = (
    "schemas.fields",
    "schemas.semantics",
    "schemas.surveys",
    "transforms.intake",
    "transforms.normalise",
    "transforms.parsed",
    "transforms.read",
    "transforms.validate",
)
# The libraries that read the files and compute the parsed values; their versions too.
LIBRARIES = ("polars", "fastexcel", "xlrd", "pyarrow")
PROVENANCE = ["_file", "_sheet", "_row"]
WAN = "_wan"
LISTING_SCHEMA = {
    "file": pl.String,
    "sheet": pl.String,
    "rejection": pl.String,  # why the file is rejected whole; null: it is not
    "in_wan": pl.Boolean,  # its header said 万元
    "questions": pl.List(pl.String),  # its qN columns
    "extra": pl.Boolean,  # some row has cells beyond its header (read.EXTRA)
    "rows_read": pl.Int64,
}
NAMED_SCHEMA = {"_file": pl.String, "_sheet": pl.String, "unit_id": pl.String}
TYPED = "typed:"  # rows as kept: the raw columns, then the typed ones under this prefix


@dataclass(frozen=True)
class Batch:
    """Files of one source as intake reads them, before anything asks the plan."""

    listing: pl.DataFrame  # a row per file with the source's sheet, in file order
    raw: pl.DataFrame  # rows of the files not rejected: provenance, fields, questions as text
    typed: pl.DataFrame  # the same rows typed
    named: pl.DataFrame  # _file, _sheet, unit_id of each row of the files rejected whole

    def questions(self) -> list[str]:
        """The qN columns of the files not rejected, in file order."""
        kept = self.listing.filter(pl.col("rejection").is_null())["questions"].to_list()
        return list(dict.fromkeys(q for questions in kept for q in questions))

    def extra(self) -> bool:
        """Some file (rejected or not) has a row wider than its header."""
        return bool(self.listing["extra"].any())


@dataclass(frozen=True)
class Kept:
    """A batch as the store keeps it: each file's key (files with nothing of the source
    included), the listing, the rows packed (`packed`) and the named rows."""

    keys: dict[str, str]
    listing: pl.DataFrame
    rows: pl.DataFrame
    named: pl.DataFrame

    def only(self, files: set[str]) -> Kept:
        """What it holds of these files only."""
        if files == set(self.keys):
            return self
        wanted = sorted(files)
        return Kept(
            {f: self.keys[f] for f in wanted},
            self.listing.filter(pl.col("file").is_in(wanted)),
            self.rows.filter(pl.col("_file").is_in(wanted)),
            self.named.filter(pl.col("_file").is_in(wanted)),
        )


class Store(Protocol):
    """Where batches are kept between runs (warehouse/parsed.py): by name, a JSON-able header
    and named frames. `get` gives None for a name it does not hold or cannot give back exactly
    as it was put."""

    def get(self, name: str) -> tuple[dict, dict[str, pl.DataFrame]] | None: ...

    def put(self, name: str, header: dict, frames: dict[str, pl.DataFrame]) -> None: ...


# The store intake uses: set by `reusing` around the loaders (transforms/sources.py), which
# call intake themselves. None: every file is parsed and nothing is kept.
PARSED: ContextVar[Store | None] = ContextVar("parsed", default=None)


@contextmanager
def reusing(store: Store | None) -> Iterator[None]:
    token = PARSED.set(store)
    try:
        yield
    finally:
        PARSED.reset(token)


def read_through(
    store: Store,
    spec: SourceSpec,
    files: Sequence[tuple[str, bytes]],
    year: int,
    semantics: Semantics,
    parse: Callable[[list[tuple[str, bytes]]], Batch],
) -> Batch:
    """The batch of `files`: the kept rows of each file whose key is unchanged, `parse` of the
    others, merged in file order; kept in the store when any key changed."""
    name, keys = file_keys(spec, files, year, semantics)
    kept = _kept(store.get(name))
    same = {f for f, key in keys.items() if kept is not None and kept.keys.get(f) == key}
    fresh = [f for f in files if f[0] not in same]
    if kept is not None and same:
        batch = merge(spec, kept.only(same), parse(fresh) if fresh else None, sorted(keys))
    else:
        batch = parse(fresh)
    if kept is None or kept.keys != keys:
        frames = {"listing": batch.listing, "rows": packed(batch), "named": batch.named}
        store.put(name, {"keys": keys}, frames)
    return batch


def file_keys(
    spec: SourceSpec, files: Sequence[tuple[str, bytes]], year: int, semantics: Semantics
) -> tuple[str, dict[str, str]]:
    """(the name the source's batch is kept under, file → its key). The name is SHA-256 over
    what every file's part depends on: READER_VERSION, the reading code, the library versions,
    the source's declaration (fields, headers, sheet choice), the year (months are read in it)
    and the semantics' changes (percent cells, decimal months). A file's key adds its name (it
    picks the reader, and is the rows' _file) and the SHA-256 of its bytes."""
    declared = [
        READER_VERSION,
        reading_code(),
        libraries(),
        repr(spec),
        year,
        sorted(semantics.changes),
    ]
    name = hashlib.sha256(json.dumps(declared, ensure_ascii=False).encode()).hexdigest()
    return name, {  # a path holds no NUL
        file: hashlib.sha256(
            f"{name}\0{file}\0{hashlib.sha256(data).hexdigest()}".encode()
        ).hexdigest()
        for file, data in files
    }


@functools.cache
def reading_code() -> str:
    digest = hashlib.sha256()
    for name in READING_CODE:
        module = importlib.import_module(name)
        digest.update(name.encode() + b"\0" + Path(module.__file__ or name).read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def libraries() -> dict[str, str]:
    return {"python": platform.python_version()} | {n: metadata.version(n) for n in LIBRARIES}


def packed(batch: Batch) -> pl.DataFrame:
    """The batch's rows as parts keep them: raw columns, then the typed ones prefixed."""
    typed = batch.typed.drop(PROVENANCE)
    return batch.raw.hstack(typed.rename({c: TYPED + c for c in typed.columns}))


def empty(spec: SourceSpec) -> Batch:
    """The batch of no file: the frames' columns and types without a row."""
    provenance = {"_file": pl.String, "_sheet": pl.String, "_row": pl.Int32}
    return Batch(
        pl.DataFrame(schema=LISTING_SCHEMA),
        pl.DataFrame(
            schema=provenance | {f.name: pl.String for f in spec.fields} | {WAN: pl.Boolean}
        ),
        pl.DataFrame(schema=provenance | {f.name: f.dtype for f in spec.fields}),
        pl.DataFrame(schema=NAMED_SCHEMA),
    )


def merge(spec: SourceSpec, kept: Kept, fresh: Batch | None, order: list[str]) -> Batch:
    """The kept files and the fresh ones as one batch, in file order (`order`): the frames that
    reading all of them together gives. A question or EXTRA column that a file lacks is null in
    its rows, as when they are stacked."""
    parts = [kept]
    if fresh is not None:
        parts.append(Kept({}, fresh.listing, packed(fresh), fresh.named))
    rank = {file: i for i, file in enumerate(order)}

    def in_order(frames: list[pl.DataFrame], column: str) -> pl.DataFrame:
        frame = pl.concat(frames, how="diagonal")
        if fresh is None:  # the kept frames are in file order already
            return frame
        return frame.sort(
            pl.col(column).replace_strict(rank, return_dtype=pl.UInt32), maintain_order=True
        )

    none = empty(spec)
    listing = in_order([p.listing for p in parts], "file")
    rows = in_order([packed(none), *(p.rows for p in parts)], "_file")
    named = in_order([none.named, *(p.named for p in parts)], "_file")
    whole = Batch(listing, none.raw, none.typed, none.named)
    questions, extra = whole.questions(), [EXTRA] if whole.extra() else []
    fields = [f.name for f in spec.fields]
    raw = _columns(rows, [*PROVENANCE, *fields, *questions, *extra, WAN])
    typed = _columns(rows, [*PROVENANCE, *fields, *questions], prefix=TYPED)
    return Batch(listing, raw, typed, named)


def _columns(frame: pl.DataFrame, columns: list[str], prefix: str = "") -> pl.DataFrame:
    """`frame`'s columns (`prefix` + name, provenance unprefixed) under their names, in this
    order; a text column no part had is null."""

    def column(name: str) -> pl.Expr:
        stored = name if name in PROVENANCE else prefix + name
        if stored in frame.columns:
            return pl.col(stored).alias(name)
        return pl.lit(None, pl.String).alias(name)

    return frame.select(column(c) for c in columns)


def _kept(got: tuple[dict, dict[str, pl.DataFrame]] | None) -> Kept | None:
    """The batch kept; None when what the store gave is not one."""
    if got is None:
        return None
    header, frames = got
    keys = header.get("keys")
    if not isinstance(keys, dict) or set(frames) != {"listing", "rows", "named"}:
        return None
    listing, rows, named = frames["listing"], frames["rows"], frames["named"]
    if dict(listing.schema) != LISTING_SCHEMA or dict(named.schema) != NAMED_SCHEMA:
        return None
    if not set(PROVENANCE) <= set(rows.columns):
        return None
    files = {*listing["file"], *rows["_file"].unique(), *named["_file"]}
    if not files <= set(keys):  # rows of a file it has no key for: not a batch it kept
        return None
    return Kept(keys, listing, rows, named)
