"""Is the warehouse path usable? Checked before any work, changing nothing (docs/reliability.md).

The path must name a DuckDB database file, or nothing yet in a folder that can be written.
A folder, a file that is not a DuckDB database, or a place that cannot be written is refused
with one line, so a mistyped path never turns into a traceback or a damaged file. So is a
warehouse another program has open for writing (warehouse/lock.py, WarehouseInUse).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from warehouse.lock import check_no_other_writer

# A DuckDB database file: an 8-byte checksum, then the magic bytes "DUCK" (storage format).
DUCKDB_MAGIC = b"DUCK"
MAGIC_AT = 8


class RunNotFound(LookupError):
    """Nothing published to read: no warehouse there, or no such run; str() is one line."""


class WarehouseUnusable(Exception):
    """The warehouse path cannot be used; str() is the one-line Chinese reason."""


def is_duckdb_file(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(MAGIC_AT + len(DUCKDB_MAGIC))
    return head[MAGIC_AT:] == DUCKDB_MAGIC


def check_target(path: Path) -> None:
    """Raise WarehouseUnusable unless `path` is a DuckDB file or a new file in a writable place;
    WarehouseInUse when another program has it open for writing."""
    try:
        if path.is_dir():
            raise WarehouseUnusable(
                f"数据仓库路径 {path} 是一个文件夹，应为 DuckDB 文件（如 assess.duckdb）"
            )
        if path.exists() and not path.is_file():
            raise WarehouseUnusable(f"数据仓库路径 {path} 不是普通文件")
        if path.is_file() and not is_duckdb_file(path):
            raise WarehouseUnusable(
                f"{path} 不是 DuckDB 数据仓库文件，未做任何改动；请用 --warehouse 指定正确的文件"
            )
        _probe_writable(path.parent)
        if path.is_file():
            _check_opens(path)
    except OSError as exc:
        raise WarehouseUnusable(f"无法使用数据仓库路径 {path}：{exc.strerror or exc}") from None


def _probe_writable(folder: Path) -> None:
    """Create (if needed) and write one temporary file in `folder`: the only honest test (a
    read-only mount, a parent that is a file, or missing rights all fail here, even for root)."""
    folder = folder if str(folder) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".assess-probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise WarehouseUnusable(
            f"无法在 {folder} 写入数据仓库（{exc.strerror or exc}）；请用 --warehouse 指定可写的位置"
        ) from None


def _check_opens(path: Path) -> None:
    """The file opens as a DuckDB database, and no other program has it open for writing."""
    try:
        check_no_other_writer(path)
    except duckdb.Error as exc:  # damaged, or written by a newer DuckDB
        reason = " ".join(str(exc).split())
        raise WarehouseUnusable(
            f"{path} 无法作为 DuckDB 数据仓库打开（{reason}），未做任何改动；"
            "请用 --warehouse 指定正确的文件"
        ) from None
