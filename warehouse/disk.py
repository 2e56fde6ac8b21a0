"""Durability on disk: what has been written is on the disk, not only in the page cache."""

from __future__ import annotations

import os
from pathlib import Path


def fsync(path: str | Path) -> None:
    """fsync a file, or a directory (so that an entry renamed or created in it survives a crash)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
