"""Parsed input files, kept beside the archive so that a run reads again only the files that
changed (docs/reliability.md, "Parsed files kept between runs").

An entry is what intake last made of one source's files (transforms/parsed.py: each file's key,
and a few frames), stored as `<archive>/parsed/<name>`, the name hashing everything the files'
parts depend on except the files themselves (the source's declaration, the year, the
semantics, the reading code and library versions). Within an entry, each file's rows are
only ever used when the file's key (its name and SHA-256 among them) is unchanged. The store
is only a shortcut, never a record: deleting the folder costs one run that reads every file
again and changes no result.

Format: MAGIC, the header's length (4 bytes, little-endian), the header (JSON: the entry's own
header, each frame's name, format and length, the SHA-256 of the frames' bytes), then each
frame as Arrow IPC or, when it has many rows, Parquet (`encode`). An entry is written under a
temporary name and renamed into place, so no reader ever sees part of one, and a run writing
an entry while another reads it gives the reader the old entry or the new one, whole. It is
not fsynced: an entry a crash leaves incomplete fails its checksum and is a miss like any
other that cannot be read back exactly (missing, another format, a wrong checksum, a frame
that does not decode).

A hit sets the entry's modification time: `prune` removes the entries no run has used for
KEEP (those of an older reading code, or of a year no longer run). Failing to write an entry
(disk full, no permission) only means the files are read again next time: the run goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import time
from pathlib import Path

import polars as pl

MAGIC = b"assess parsed file 1\n"
PARQUET_ROWS = 10_000  # a frame with this many rows is stored as Parquet, a smaller one as IPC
KEEP = dt.timedelta(days=14)  # an entry no run has used for this long is removed
STALE_TEMPORARY = dt.timedelta(hours=1)  # a temporary file older than this was left by a crash


class ParsedFiles:
    """The store of parsed files under `root`. `reuse=False` (assess run --full): nothing is
    read from it, every file is parsed, and the entries are written anew."""

    def __init__(self, root: Path, reuse: bool = True) -> None:
        self.root = root
        self.reuse = reuse

    def get(self, name: str) -> tuple[dict, dict[str, pl.DataFrame]] | None:
        """The header and frames kept as `name`, exactly as they were put; None: not kept, or
        not usable."""
        if not self.reuse:
            return None
        path = self.root / name
        try:
            got = decode(path.read_bytes())
        # missing, unreadable or corrupt: read again (a reader that panics on bytes it cannot
        # decode raises PanicException, which is no Exception)
        except (Exception, pl.exceptions.PanicException):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: kept by prune
        return got

    def put(self, name: str, header: dict, frames: dict[str, pl.DataFrame]) -> None:
        """Keep `header` (JSON-able) and `frames` as `name`, atomically: whole or not at all."""
        temporary = None
        try:
            data = encode(header, frames)
            self.root.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")
            with open(fd, "wb") as fh:
                fh.write(data)
            os.replace(temporary, self.root / name)
            temporary = None
        except OSError:  # cannot be written: read again next time
            pass
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    def prune(self, keep: dt.timedelta = KEEP) -> int:
        """Remove the entries not used for `keep`, and temporary files a crash left; returns
        how many files were removed."""
        now = time.time()
        removed = 0
        try:
            entries = list(self.root.iterdir())
        except OSError:
            return 0
        for entry in entries:
            age = STALE_TEMPORARY if entry.name.startswith(".") else keep
            try:
                if entry.is_file() and now - entry.stat().st_mtime > age.total_seconds():
                    entry.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


def encode(header: dict, frames: dict[str, pl.DataFrame]) -> bytes:
    """An entry's bytes. A frame of many rows is stored as Parquet (LZ4), which polars reads
    back several times faster than Arrow IPC when most columns are text; a small one as Arrow
    IPC, which costs a fraction of Parquet's fixed cost per frame. Both give back the frame
    exactly (types and values)."""
    parts, kinds = [], []
    for frame in frames.values():
        buffer = io.BytesIO()
        if frame.height >= PARQUET_ROWS:
            frame.write_parquet(buffer, compression="lz4", statistics=False)
            kinds.append("parquet")
        else:
            frame.write_ipc_stream(buffer)
            kinds.append("ipc")
        parts.append(buffer.getvalue())
    body = b"".join(parts)
    head = json.dumps(
        {
            "header": header,
            "frames": [
                [name, kind, len(p)] for name, kind, p in zip(frames, kinds, parts, strict=True)
            ],
            "sha256": hashlib.sha256(body).hexdigest(),
        },
        ensure_ascii=False,
    ).encode()
    return MAGIC + len(head).to_bytes(4, "little") + head + body


def decode(data: bytes) -> tuple[dict, dict[str, pl.DataFrame]]:
    """The header and frames of an entry; raises ValueError (or a reader's error) for anything
    that is not an intact entry."""
    if not data.startswith(MAGIC):
        raise ValueError("not an entry of this format")
    start = len(MAGIC) + 4
    length = int.from_bytes(data[len(MAGIC) : start], "little")
    head = json.loads(data[start : start + length])
    body = memoryview(data)[start + length :]
    if hashlib.sha256(body).hexdigest() != head["sha256"]:
        raise ValueError("checksum")
    frames, at = {}, 0
    for name, kind, size in head["frames"]:
        read = READERS[kind]  # another kind: KeyError, a miss
        frames[name] = read(io.BytesIO(body[at : at + size]))
        at += size
    if at != len(body):
        raise ValueError("length")
    return head["header"], frames


READERS = {"ipc": pl.read_ipc_stream, "parquet": pl.read_parquet}
