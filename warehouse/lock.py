"""One writer per warehouse file: a run holds <warehouse>.lock from its first write to its swap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class WarehouseBusy(Exception):
    pass


@contextmanager
def writer_lock(warehouse: Path, wait_seconds: float) -> Iterator[None]:
    """Wait up to `wait_seconds` for the lock, then fail with a clear message.

    The OS releases the lock when its process dies, so a killed run never blocks the next.
    """
    lock = FileLock(str(warehouse) + ".lock")
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WarehouseBusy(
            f"另一运行正在写入 {warehouse}（等待 {wait_seconds:g} 秒后放弃）；请等它结束后再运行"
        ) from None
    try:
        yield
    finally:
        lock.release()
