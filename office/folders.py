"""A folder of office files replaced whole: written aside, renamed into place (docs/reliability.md).

The office opens out/<year>/ in Explorer at any time, so it must always hold the files of one
run. A failure at any step (a full disk, a folder that cannot be written or moved, an
interrupt) leaves the folder as it was and no hidden `.building`/`.old` folder beside it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def hidden(out_dir: Path, what: str) -> Path:
    return out_dir.with_name(f".{out_dir.name}.{what}")


def remove(path: Path) -> None:
    """Remove a file, a link or a folder tree, if there is one."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


@contextmanager
def swapped_folder(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside `out_dir` to write into; on success it replaces `out_dir`, on
    any failure it is removed and `out_dir` stays as it was (put back if it had been moved)."""
    aside, old = hidden(out_dir, "building"), hidden(out_dir, "old")
    if _exists(old) and not _exists(out_dir):
        old.rename(out_dir)  # a run killed mid-swap: its predecessor's files come back first
    remove(aside)
    remove(old)
    try:
        aside.mkdir(parents=True)
        yield aside
        moved = _exists(out_dir)
        if moved:
            out_dir.rename(old)
        try:
            aside.rename(out_dir)
        except BaseException:
            if moved:
                old.rename(out_dir)
            raise
    finally:
        remove(aside)
        if _exists(out_dir):  # never the only copy of the last run's files
            remove(old)
