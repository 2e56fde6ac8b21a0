"""Which paths of a year's inbox are read, and reading them (see docs/reliability.md, "What is
read").

Only regular files directly inside plan/, reports/, funding/ and surveys/ are read. Everything
else found there is listed with the reason it is not read, and never opened:

- a symbolic link (to a file or a folder, also one in place of one of the four folders) is
  never followed: `符号链接，不读取`;
- a file in a subfolder is never opened (subfolders are walked, without following links, only
  to list their files): `子文件夹中的文件不读取`;
- office lock and temporary files (`~$*`, `.~lock*`, any name starting with `.`) are skipped:
  `临时文件或锁文件，不读取`;
- anything else that is not a regular file (a pipe, a device) and names that are not UTF-8.

Folders are walked through file descriptors (`os.scandir` on a descriptor, `lstat` through
`dir_fd`) and files are opened with `O_NOFOLLOW` relative to their folder, itself opened with
`O_NOFOLLOW`: a file or folder swapped for a link between listing and reading is not followed
either, and nothing outside the inbox is read. A file that cannot be read or changes while it is
read (locked, still being copied in at 02:00) is read again after a back-off, on its own.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from schemas.sources import FOLDERS

READ_THREADS = 4  # files read at once
RETRY_DELAYS = (2, 10, 30)  # seconds before each new attempt at a file that could not be read
MAX_DEPTH = 16  # subfolders deeper than this are listed as one entry, not walked

REJECTED = "rejected"  # audit.input_file status of a path that must not be there
SKIPPED = "skipped"  # audit.input_file status of a lock or temporary file
LINK = "符号链接，不读取"
IN_SUBFOLDER = "子文件夹中的文件不读取"
TEMPORARY = "临时文件或锁文件，不读取"
NOT_A_FILE = "不是普通文件，不读取"
NOT_A_FOLDER = "应为文件夹，不读取"
BAD_NAME = "文件名不是 UTF-8 编码，不读取"
TEMPORARY_PREFIXES = ("~$", ".")  # ".~lock*" (LibreOffice) starts with "." too

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a pipe swapped in after listing must not block the open; no effect on files
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class FileUnstable(OSError):
    """The file changed while being read (still being copied in): read it again later."""


class Unreadable(OSError):
    """A file still could not be read after every retry (its first line says which and why)."""


class InboxUnreadable(OSError):
    """One of the four folders exists but cannot be listed."""


@dataclass(frozen=True)
class NotRead:
    """A path of the inbox that is listed in audit.input_file but never opened."""

    folder: str
    file: str  # path relative to the year's inbox, e.g. "reports/旧/DY01.xlsx"
    status: str  # REJECTED or SKIPPED
    reason: str


@dataclass(frozen=True)
class TakenIn:
    """A file read whole from the inbox, with the hash it is archived under."""

    folder: str
    file: str  # path relative to the year's inbox, e.g. "reports/盐井街道.xlsx"
    sha256: str
    size_bytes: int
    data: bytes


@dataclass(frozen=True)
class Taken:
    """A year's inbox: the files read and the paths listed but not read."""

    files: list[TakenIn]
    not_read: list[NotRead]


@dataclass(frozen=True)
class Listing:
    files: list[str]  # regular files to read ("reports/DY01.xlsx"), folder order, then by name
    not_read: list[NotRead]


def list_inbox(year_dir: Path) -> Listing:
    """Every path under the year's four folders: the files to read and the ones not read."""
    files: list[str] = []
    not_read: list[NotRead] = []
    for folder in FOLDERS:
        read, passed = _list_folder(year_dir, folder)
        files += read
        not_read += passed
    return Listing(files, not_read)


def _list_folder(year_dir: Path, folder: str) -> tuple[list[str], list[NotRead]]:
    try:
        mode = os.lstat(year_dir / folder).st_mode
    except FileNotFoundError:
        return [], []
    if not stat.S_ISDIR(mode):
        return [], [NotRead(folder, folder, REJECTED, LINK if stat.S_ISLNK(mode) else NOT_A_FOLDER)]
    files: list[str] = []
    not_read: list[NotRead] = []
    try:
        with _open_dir(None, year_dir / folder) as fd:
            for name, kind in _entries(fd):
                entry = f"{folder}/{_shown(name)}"
                wanted = _decodable(name) and not _temporary(name)
                if kind == "file" and wanted:
                    files.append(entry)
                elif kind == "dir" and wanted:
                    not_read += _walk(fd, name, folder, entry, 1)
                else:
                    not_read.append(NotRead(folder, entry, *_why_not(name, kind, False)))
    except OSError as exc:
        if _is_link_error(exc, year_dir / folder):  # swapped for a link since the lstat
            return [], [NotRead(folder, folder, REJECTED, LINK)]
        raise InboxUnreadable(f"无法列出文件夹 {folder}：{_why(exc)}") from exc
    return files, not_read


def _walk(parent_fd: int, name: str, folder: str, shown: str, depth: int) -> list[NotRead]:
    """Every path under a subfolder, listed as not read; links are listed, never followed."""
    if depth > MAX_DEPTH:
        return [NotRead(folder, shown, REJECTED, IN_SUBFOLDER)]
    try:
        with _open_dir(parent_fd, name) as fd:
            listed = []
            for child, kind in _entries(fd):
                path = f"{shown}/{_shown(child)}"
                if kind == "dir" and not _temporary(child):
                    listed += _walk(fd, child, folder, path, depth + 1)
                else:
                    listed.append(NotRead(folder, path, *_why_not(child, kind, True)))
            return listed
    except OSError as exc:  # swapped for a link meanwhile, or not readable: listed as itself
        reason = LINK if exc.errno in (errno.ELOOP, errno.ENOTDIR) else IN_SUBFOLDER
        return [NotRead(folder, shown, REJECTED, reason)]


def _why_not(name: str, kind: str, in_subfolder: bool) -> tuple[str, str]:
    """(status, reason) of a path that is not read."""
    if kind == "link":
        return REJECTED, LINK
    if _temporary(name):
        return SKIPPED, TEMPORARY
    if not _decodable(name):
        return REJECTED, BAD_NAME
    if in_subfolder:
        return REJECTED, IN_SUBFOLDER
    return REJECTED, NOT_A_FILE


@contextmanager
def _open_dir(parent_fd: int | None, path: str | Path) -> Iterator[int]:
    fd = os.open(path, _DIR_FLAGS, dir_fd=parent_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _entries(fd: int) -> list[tuple[str, str]]:
    """(name, kind) of a folder's entries by name; kind is link, dir, file or other (lstat)."""
    with os.scandir(fd) as it:
        found = [(entry.name, _kind(entry)) for entry in it]
    return sorted(found)


def _kind(entry: os.DirEntry) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


def _temporary(name: str) -> bool:
    return name.startswith(TEMPORARY_PREFIXES)


def _decodable(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as lone surrogates)."""
    return _shown(name) == name


def _shown(name: str) -> str:
    """The name as text: bytes that are not UTF-8 are shown as \\xNN escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


# ------------------------------------------------------------------------------ reading


def read_inbox(
    year_dir: Path,
    warn: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_read: Callable[[], None] | None = None,
) -> Taken:
    """List the year's inbox and read every file to read, whole (see `read_all`); `on_total`
    hears how many files will be read, `on_read` each one read (a progress display)."""
    listing = list_inbox(year_dir)
    if on_total is not None:
        on_total(len(listing.files))
    files: list[TakenIn] = []
    not_read = list(listing.not_read)
    got_all = read_all(year_dir, listing.files, warn=warn, on_read=on_read)
    for file, got in zip(listing.files, got_all, strict=True):
        folder = file.split("/", 1)[0]
        if isinstance(got, str):
            not_read.append(NotRead(folder, file, REJECTED, got))
        else:
            sha256, data = got
            files.append(TakenIn(folder, file, sha256, len(data), data))
    return Taken(files, sorted(not_read, key=lambda n: n.file))


def read_all(
    year_dir: Path,
    files: Sequence[str],
    retry_delays: Sequence[float] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    warn: Callable[[str], None] | None = None,
    on_read: Callable[[], None] | None = None,
) -> list[tuple[str, bytes] | str]:
    """Every file's SHA-256 and bytes (or, for a file swapped for a link or a pipe since it was listed, the
    reason it is not read), read whole by a few threads. A file that cannot be read or changes
    while it is read is read again after each of `retry_delays` seconds, alone; if it still
    fails, `Unreadable` is raised."""
    done: dict[int, tuple[str, bytes] | str] = {}
    pending = list(range(len(files)))
    with ThreadPoolExecutor(READ_THREADS) as pool:
        for delay in (*retry_delays, None):
            reads = {i: pool.submit(_hashed, year_dir, files[i]) for i in pending}
            failed: dict[int, OSError] = {}
            for i, future in reads.items():
                try:
                    done[i] = future.result()
                except OSError as exc:
                    failed[i] = exc
                else:
                    if on_read is not None:
                        on_read()
            if not failed:
                break
            if delay is None:
                i, exc = next(iter(failed.items()))
                raise Unreadable(f"{files[i]} 多次重试后仍无法读取：{_why(exc)}") from exc
            if warn is not None:
                listed = "；".join(f"{files[i]}：{_why(e)}" for i, e in list(failed.items())[:3])
                warn(f"{len(failed)} 个文件暂时无法读取，{delay} 秒后重试：{listed}")
            sleep(delay)
            pending = list(failed)
    return [done[i] for i in range(len(files))]


def _hashed(year_dir: Path, file: str) -> tuple[str, bytes] | str:
    data = read_one(year_dir, file)
    return data if isinstance(data, str) else (hashlib.sha256(data).hexdigest(), data)


def read_one(year_dir: Path, file: str) -> bytes | str:
    """A listed file's bytes, read whole through its folder without following any link; the
    reason it is not read if it is no longer a regular file. Raises FileUnstable when its size
    or modification time changes during the read."""
    folder, name = file.split("/", 1)
    try:
        with _open_dir(None, year_dir / folder) as dir_fd:
            fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if _is_link_error(exc, year_dir / folder):
            return LINK
        raise
    with open(fd, "rb") as fh:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return NOT_A_FILE
        data = fh.read()
        after = os.fstat(fd)
    changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    if changed or len(data) != after.st_size:
        raise FileUnstable(errno.EAGAIN, "正在被写入，稍后重试", file)
    return data


def _is_link_error(exc: OSError, folder: Path) -> bool:
    """True when an O_NOFOLLOW open failed on a link: the file (ELOOP) or its folder (ENOTDIR
    for a folder opened with O_DIRECTORY)."""
    return exc.errno == errno.ELOOP or (exc.errno == errno.ENOTDIR and folder.is_symlink())


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
