"""Who may write the warehouse file (docs/reliability.md).

One run at a time: a run holds <warehouse>.lock from its first write to its swap, and writes
its process id and run id into it, so a run that has to wait says whom it waits for.

No other program at all: an analyst's DBeaver or notebook that opened the file read-write holds
DuckDB's exclusive lock on it, and a file renamed over it would throw away what that session
commits. That lock is the signal to refuse, never to work around: `no_other_writer` refuses
while another process holds it, and otherwise keeps a read-only session on the file, which
DuckDB's own lock turns into "nobody may open it for writing" until the swap is done.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

# DuckDB's message for a file another process holds: `... Conflicting lock is held in
# /usr/bin/python3 (PID 1234) ...` (the program and pid, when the OS says).
HELD_BY = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(Exception):
    pass


class WarehouseInUse(WarehouseBusy):
    """Another program has the warehouse file open for writing, or left changes in its WAL."""


def say_on_stderr(text: str) -> None:
    """The waiting line: on stderr, so a log shows it and a result read from stdout does not."""
    print(f"assess: {text}", file=sys.stderr, flush=True)


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (another user's process counts as running). A number
    no process can have (0 and below address process groups; too large for the kernel) is no
    live process: it comes from a file or folder name that anyone may have edited."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # another user's process
        pass
    return True


def _holder(lock_path: Path) -> str:
    """`进程 123，运行 …` from what the lock's holder wrote into it, or "" when unknown."""
    try:
        fields = dict(
            part.split("=", 1)
            for part in lock_path.read_text(encoding="utf-8").split()
            if "=" in part
        )
        pid = int(fields["pid"])
    except (OSError, ValueError, KeyError):
        return ""
    if not alive(pid):  # a killed holder's words are stale
        return ""
    run = f"，运行 {fields['run']}" if fields.get("run") else ""
    return f"进程 {pid}{run}"


def _record(lock_path: Path, holder: str) -> None:
    """Write who holds the lock into the lock file (best effort: it only informs waiters)."""
    with suppress(OSError):
        lock_path.write_text(f"pid={os.getpid()} run={holder}\n", encoding="utf-8")


@contextmanager
def writer_lock(
    warehouse: Path,
    wait_seconds: float,
    holder: str = "",
    on_wait: Callable[[str], None] | None = say_on_stderr,
) -> Iterator[None]:
    """Wait up to `wait_seconds` for the lock (saying once, through `on_wait`, whom for), then
    fail with a clear message. `holder` (a run id) is recorded for the next waiter.

    The OS releases the lock when its process dies, so a killed run never blocks the next.
    """
    lock_path = Path(str(warehouse) + ".lock")
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = _holder(lock_path)
        if on_wait is not None and wait_seconds > 0:
            on_wait(
                f"等待写入锁：另一运行正在写入 {warehouse}{f'（{who}）' if who else ''}，"
                f"最多等待 {wait_seconds:g} 秒（ASSESS_LOCK_WAIT）…"
            )
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise WarehouseBusy(
                f"另一运行正在写入 {warehouse}（{f'{who}；' if who else ''}"
                f"等待 {wait_seconds:g} 秒后放弃）；请等它结束后再运行"
            ) from None
    try:
        _record(lock_path, holder)
        yield
    finally:
        lock.release()


def open_elsewhere(path: Path, exc: duckdb.Error) -> WarehouseInUse | None:
    """The refusal for DuckDB's "another process holds this file" error, else None."""
    text = str(exc)
    if not isinstance(exc, duckdb.IOException) or "lock" not in text.lower():
        return None
    found = HELD_BY.search(text)
    who = f"（{Path(found['program']).name}，进程 {found['pid']}）" if found else ""
    return WarehouseInUse(
        f"数据仓库 {path} 正被另一个程序{who}以读写方式打开，未做任何改动；请关闭该程序"
        "（如 DBeaver、notebook）中的连接后再运行，查询请只读打开（assess sql、duckdb -readonly）"
    )


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextmanager
def no_other_writer(path: Path) -> Iterator[bool]:
    """While inside, no other process has `path` open for writing, and none can open it so:
    a read-only DuckDB session is held on it. Yields whether the file exists.

    Refuses (WarehouseInUse) when another process holds it read-write, or when a write-ahead
    log beside it holds changes a writer that died never folded into the file: copying the
    file alone would lose them, and the old log replayed onto a new file could damage it."""
    if not path.exists():
        yield False
        return
    try:
        guard = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        refused = open_elsewhere(path, exc)
        if refused is None:
            raise
        raise refused from None
    try:
        if _wal(path).exists():
            raise WarehouseInUse(
                f"数据仓库 {path} 旁有未合并的写入日志 {_wal(path).name}（另一个程序读写打开后"
                "未正常关闭），未做任何改动；请确认没有程序在用它，用 duckdb 读写打开一次再正常"
                "退出（合并日志）后再运行"
            )
        yield True
    finally:
        guard.close()


def check_no_other_writer(path: Path) -> None:
    """Refuse now, before any work, what `no_other_writer` would refuse at publication."""
    with no_other_writer(path):
        pass
