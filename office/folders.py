"""A folder of office files replaced whole: written aside, renamed into place (docs/reliability.md).

The office opens out/<year>/ in Explorer at any time, so it must always hold the files of one
run. A failure at any step (a full disk, a folder that cannot be written or moved, an
interrupt) leaves the folder as it was and no hidden `.building`/`.old` folder beside it.

A run writes its office files while it publishes (flows/assess_year.py): they go into place
only once the run is published, which another thread decides (`Go`). Each process writes
aside in a folder of its own (`.2021.building-<pid>`), so two runs at once never write into
one folder; what a killed process left aside is removed by the next writer.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.lock import alive


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


def _remove_leftovers(out_dir: Path, mine: Path) -> None:
    """The aside folders of processes that are gone (killed while writing), and the one of a
    process with this one's id; another live process's folder is its own business."""
    prefix = hidden(out_dir, "building").name
    if not out_dir.parent.is_dir():
        return
    for path in out_dir.parent.iterdir():
        if not path.name.startswith(prefix):
            continue
        pid = path.name[len(prefix) :].lstrip("-")
        if path == mine or not pid.isdigit() or not alive(int(pid)):
            remove(path)


class Go:
    """Whether a folder being written aside goes into place, decided by another thread: the run
    that writes its office files while it publishes keeps them once it is published and
    withdraws them otherwise. Undecided, the writer waits when it is done; withdrawn, it may
    stop early; a decision to keep can still be withdrawn until the folder is in place."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decided = threading.Event()
        self._keep = False
        self._placed = False

    def decide(self, keep: bool) -> bool:
        """Keep or withdraw the folder; False when too late: it is already in place."""
        with self._lock:
            if not self._placed:
                self._keep = keep
            in_time = not self._placed
        self._decided.set()
        return in_time

    def withdrawn(self) -> bool:
        return self._decided.is_set() and not self._keep

    def place(self, swap: Callable[[], None]) -> bool:
        """Wait for the decision; swap the folder into place when it is kept."""
        self._decided.wait()
        with self._lock:
            if self._keep:
                swap()
                self._placed = True
            return self._placed


@contextmanager
def swapped_folder(out_dir: Path, go: Go | None = None) -> Iterator[Path]:
    """A fresh folder beside `out_dir` to write into; on success (and once `go` keeps it) it
    replaces `out_dir`; on any failure, or withdrawn, it is removed and `out_dir` stays as it
    was (put back if it had been moved)."""
    aside, old = hidden(out_dir, f"building-{os.getpid()}"), hidden(out_dir, "old")
    if _exists(old) and not _exists(out_dir):
        old.rename(out_dir)  # a run killed mid-swap: its predecessor's files come back first
    _remove_leftovers(out_dir, aside)
    remove(old)

    def swap() -> None:
        moved = _exists(out_dir)
        if moved:
            out_dir.rename(old)
        try:
            aside.rename(out_dir)
        except BaseException:
            if moved:
                old.rename(out_dir)
            raise

    try:
        aside.mkdir(parents=True)
        yield aside
        if go is None:
            swap()
        else:
            go.place(swap)
    finally:
        remove(aside)
        if _exists(out_dir):  # never the only copy of the last run's files
            remove(old)
