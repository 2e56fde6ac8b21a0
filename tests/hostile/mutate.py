"""Changes a hostile case makes to its copy of the demo workspace (tests/hostile/corpus.py)."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

SENTINEL = "SENTINEL-7f3a9c1e-outside-the-inbox"  # never to be found in archive/ or warehouse
REPORT_CSV = "reports/DY03_县人社局_2021年进度月报.csv"  # UTF-8 with BOM, 数量 tasks T009/T010
LEDGER_CSV = "funding/项目资金台账_上半部分.csv"  # GB18030


# ------------------------------------------------------------------------------ text files


def read_text(path: Path) -> tuple[str, str]:
    """A CSV or TOML file's text and encoding (detected as the readers do: BOM, UTF-8, GB18030)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def write_text(path: Path, text: str, encoding: str) -> None:
    path.write_bytes(text.encode(encoding))


def reencode(path: Path, encoding: str) -> None:
    write_text(path, read_text(path)[0], encoding)


def edit_text(path: Path, change: Callable[[str], str]) -> None:
    text, encoding = read_text(path)
    changed = change(text)
    assert changed != text, f"nothing changed in {path.name}"
    write_text(path, changed, encoding)


def append_lines(path: Path, *lines: str) -> None:
    edit_text(path, lambda t: t.rstrip("\r\n") + "\r\n" + "\r\n".join(lines) + "\r\n")


def line(path: Path, number: int) -> str:
    """A line of a text file as a spreadsheet numbers rows (the header is 1)."""
    return read_text(path)[0].splitlines()[number - 1]


def set_line(path: Path, number: int, new: str) -> None:
    def change(text: str) -> str:
        lines = text.splitlines()
        lines[number - 1] = new
        return "\r\n".join(lines) + "\r\n"

    edit_text(path, change)


def row_count(path: Path) -> int:
    """Data rows of a CSV (lines after the header)."""
    return len(read_text(path)[0].splitlines()) - 1


# ------------------------------------------------------------------------------ outside


def make_outside(year: Path, outside: Path) -> None:
    """Files outside the inbox that would be loaded if a link were followed, each holding
    SENTINEL: a passwd-like file, a ledger, a reports folder, a whole funding folder, rules."""
    outside.mkdir()
    (outside / "passwd").write_text(f"root:x:0:0:{SENTINEL}:/root:/bin/bash\n", encoding="utf-8")
    ledger_header = line(year / LEDGER_CSV, 1)
    (outside / "ledger.csv").write_text(
        f"{ledger_header}\r\n2021/3/1,记-03-7001,T001,民政局,支出,5000.00,{SENTINEL}\r\n",
        encoding="utf-8",
    )
    (outside / "reports").mkdir()
    (outside / "reports" / "DY03_外部.csv").write_text(
        f"{line(year / REPORT_CSV, 1)}\r\nDY03,T009,2021年12月,,99,2022/1/4,{SENTINEL}\r\n",
        encoding="utf-8",
    )
    shutil.copytree(year / "funding", outside / "funding")
    append_lines(
        outside / LEDGER_CSV,
        f"2021/3/2,记-03-7002,T001,民政局,支出,6000.00,{SENTINEL}",
    )
    rules = read_text(year / "plan" / "rules.toml")[0]
    (outside / "rules.toml").write_text(f"{rules}# {SENTINEL}\n", encoding="utf-8")


def replace_with_link(path: Path, target: Path) -> None:
    """Put a symbolic link where a file or folder of the inbox was."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.symlink_to(target, target_is_directory=target.is_dir())


# ------------------------------------------------------------------------------ workbooks


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def encrypt_workbook(path: Path, password: str = "1234") -> None:
    """Save a workbook as Excel does with a password to open: an OLE compound file holding the
    encrypted package (made with msoffcrypto-tool, a dev dependency)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(path.read_bytes())).encrypt(password, out)
    path.write_bytes(out.getvalue())


CFB_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def cfb_header_only(path: Path) -> None:
    """An OLE compound-file header and nothing else (what is left of a damaged encrypted or
    legacy workbook): the reader sees a file that is not a zip and not a readable BIFF book."""
    header = CFB_MAGIC + bytes(16) + bytes.fromhex("3e000300feff0900")
    path.write_bytes(header + bytes(512 - len(header)))


def zip_without_workbook(path: Path) -> None:
    """A Word document saved under an Excel name: a valid zip, but no workbook inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document/>")
    path.write_bytes(buffer.getvalue())


# ------------------------------------------------------------------------------ while running


def keep_appending(path: Path, after_read: float = 3.0) -> Callable[[threading.Event], None]:
    """A writer still copying a file in: blank lines (not data) appended every 20 ms until the
    run has read the file (its access time moves) and `after_read` seconds more, or the run
    ends, so the file keeps changing around the read. Whether one read sees it change is
    timing; that a read that does is retried is tests/warehouse/test_inbox.py's."""

    def run(stop: threading.Event) -> None:
        seen, read_at = path.stat().st_atime_ns, None
        while not stop.wait(0.02):
            with path.open("ab") as fh:
                fh.write(b"\r\n")
            if read_at is None and path.stat().st_atime_ns != seen:
                read_at = time.monotonic()
            if read_at is not None and time.monotonic() - read_at > after_read:
                return

    return run


def fifo(path: Path) -> None:
    os.mkfifo(path)
