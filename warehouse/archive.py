"""Content-addressed archive of every input file and rules.toml (docs/reliability.md).

A file is read once into memory, hashed, and stored under archive/sha256/<ab>/<hash> before
anything parses it: the bytes the pipeline reads are exactly the bytes archived.

Files are stored a batch at a time (`store_all`): every new file is written under a temporary
name, then all of them are fsynced, renamed into place, and the directories that gained an
entry are fsynced. When `store_all` returns, every file of the batch is durable under its
final name, and a file never appears under its final name before its bytes are on disk; the
batch costs one round of syncing instead of a synchronous write per file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from warehouse.disk import fsync

SYNC_THREADS = 4  # fsyncs in flight at once: the filesystem commits them together


def archive_path(root: Path, sha256: str) -> Path:
    return root / "sha256" / sha256[:2] / sha256


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_all(root: Path, files: Mapping[str, bytes]) -> None:
    """Store every `sha256 → bytes` of `files` that the archive does not hold yet (idempotent,
    atomic per file, durable when this returns). The caller hashed the bytes: `files` must map
    each file's own SHA-256 to it."""
    new = {d: data for d, data in files.items() if not archive_path(root, d).exists()}
    if not new:
        return
    synced_dirs = set()
    for parent in {archive_path(root, d).parent for d in new}:
        synced_dirs.add(parent)
        missing = parent
        while not missing.exists():  # each directory created gets its entry synced too
            synced_dirs.add(missing.parent)
            missing = missing.parent
        parent.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, str] = {}
    try:
        with ThreadPoolExecutor(SYNC_THREADS) as pool:
            written = {d: pool.submit(_write, root, d, data) for d, data in new.items()}
            failed = []
            for digest, future in written.items():  # waits for every write, failed or not
                try:
                    temporary[digest] = future.result()
                except Exception as exc:
                    failed.append(exc)
            if failed:
                raise failed[0]
            list(pool.map(fsync, temporary.values()))
            for digest, name in list(temporary.items()):
                os.replace(name, archive_path(root, digest))
                del temporary[digest]
            list(pool.map(fsync, synced_dirs))
    finally:
        for name in temporary.values():  # only after a failure: no temporary file stays behind
            Path(name).unlink(missing_ok=True)


def _write(root: Path, digest: str, data: bytes) -> str:
    """Write the bytes beside their final place under a temporary name (not synced yet)."""
    fd, name = tempfile.mkstemp(dir=archive_path(root, digest).parent, prefix=".", suffix=".tmp")
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


class ArchiveMissing(LookupError):
    """An archived input of a run is not in the archive; str() names it (a rerun cannot run)."""


def fetch(root: Path, sha256: str) -> tuple[bytes, str]:
    """An archived file's bytes and the SHA-256 they have now (differs if the archive was altered)."""
    data = archive_path(root, sha256).read_bytes()
    return data, hashlib.sha256(data).hexdigest()
