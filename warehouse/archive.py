"""Content-addressed archive of every input file and rules.toml (SPEC §7).

A file is read once into memory, hashed, and stored under archive/sha256/<ab>/<hash> before
anything parses it: the bytes the pipeline reads are exactly the bytes archived.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class FileUnstable(OSError):
    """The file changed while being read (still being copied in): read it again later."""


def archive_path(root: Path, sha256: str) -> Path:
    return root / "sha256" / sha256[:2] / sha256


def store(root: Path, data: bytes) -> str:
    """Store `data` (idempotent, atomic) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = archive_path(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
    return digest


def read_stable(path: Path) -> bytes:
    """Read a whole file, refusing one whose size or mtime changes during the read."""
    before = path.stat()
    data = path.read_bytes()
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise FileUnstable(f"{path} 正在被写入，稍后重试")
    return data


def fetch(root: Path, sha256: str) -> tuple[bytes, str]:
    """An archived file's bytes and the SHA-256 they have now (differs if the archive was altered)."""
    data = archive_path(root, sha256).read_bytes()
    return data, hashlib.sha256(data).hexdigest()
