"""out/<year>/ and 填报模板/ are replaced whole or not at all, and a failure at any step (a full
disk, a folder that cannot be moved or written) leaves no hidden `.building`/`.old` behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from office.files import swapped_folder
from office.folders import Go
from office.workbooks.fill_in import write_templates
from tests import plan_fixture


def listing(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (hidden ones too), with the text of the files."""
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8") if p.is_file() else "/"
        for p in sorted(folder.rglob("*"))
    }


def files(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "考核结果.xlsx").write_text("last run", encoding="utf-8")
    return tmp_path


def refuse_rename(monkeypatch, when) -> None:
    """Path.rename fails (as on a folder that cannot be written or moved) when `when(src, dst)`."""
    rename = Path.rename

    def failing(self: Path, target):
        if when(Path(self), Path(target)):
            raise OSError(errno.EACCES, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)


@pytest.mark.parametrize("step", ["move the old folder away", "move the new folder in"])
def test_a_swap_that_cannot_be_done_leaves_the_last_files_and_nothing_hidden(
    out, monkeypatch, step
):
    before = listing(out)
    if step == "move the old folder away":
        refuse_rename(monkeypatch, lambda src, dst: src.name == "2021")
    else:
        refuse_rename(monkeypatch, lambda src, dst: src.name.startswith(".2021.building"))
    with pytest.raises(OSError), swapped_folder(out / "2021") as aside:
        (aside / "考核结果.xlsx").write_text("this run", encoding="utf-8")
    assert listing(out) == before


def test_a_file_where_the_folder_belongs_leaves_nothing_hidden(tmp_path):
    (tmp_path / "2021").write_text("not a folder", encoding="utf-8")
    with swapped_folder(tmp_path / "2021") as aside:
        (aside / "考核结果.xlsx").write_text("this run", encoding="utf-8")
    assert listing(tmp_path) == {"2021": "/", "2021/考核结果.xlsx": "this run"}


def test_a_full_disk_while_writing_templates_leaves_the_last_set(tmp_path, monkeypatch):
    plan = plan_fixture.plan()
    folder = tmp_path / "填报模板"
    write_templates(folder, year=2021, month=3, units=plan.units, tasks=plan.tasks)
    before = files(tmp_path)
    written = []

    def second_is_too_many(path: Path, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        path.write_bytes(b"partial")

    monkeypatch.setattr("office.workbooks.fill_in.write_template", second_is_too_many)
    with pytest.raises(OSError, match="No space left"):
        write_templates(folder, year=2021, month=4, units=plan.units, tasks=plan.tasks)
    assert files(tmp_path) == before


def _write_aside(out: Path, go: Go, text: str) -> threading.Thread:
    """A writer in a thread of its own, as the flow's office task: it writes, then waits for
    `go` before its folder goes into place."""

    def write() -> None:
        with swapped_folder(out / "2021", go) as aside:
            (aside / "考核结果.xlsx").write_text(text, encoding="utf-8")

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@pytest.mark.parametrize("published", [True, False])
def test_files_written_while_publishing_go_into_place_only_once_kept(out, published):
    before = listing(out)
    go = Go()
    writer = _write_aside(out, go, "this run")
    writer.join(0.5)
    assert writer.is_alive()  # written, and waiting for the decision
    assert listing(out / "2021") == before_year(before)
    assert go.decide(published)
    writer.join(10)
    expected = {"2021": "/", "2021/考核结果.xlsx": "this run" if published else "last run"}
    assert listing(out) == expected  # nothing hidden either way


def before_year(before: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("2021/"): v for k, v in before.items() if k.startswith("2021/")}


def test_once_in_place_the_files_can_no_longer_be_withdrawn(out):
    go = Go()
    assert go.decide(True)
    _write_aside(out, go, "this run").join(10)
    assert go.decide(False) is False  # too late: the run must say they are there
    assert listing(out)["2021/考核结果.xlsx"] == "this run"


def test_a_killed_writers_folder_is_removed_and_a_live_ones_is_left(out):
    """Each process writes aside in a folder of its own: the next writer removes a dead
    process's (and an unnumbered one of an earlier version) but not a live one's."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = out / f".2021.building-{int(dead.stdout)}"
    unnumbered = out / ".2021.building"
    no_process = [out / f".2021.building-{n}" for n in ("0", "99999999999999999999")]
    alive = out / f".2021.building-{os.getppid()}"  # the test's parent process lives on
    for folder in (gone, unnumbered, *no_process, alive):
        folder.mkdir()
        (folder / "考核结果.xlsx").write_text("partial", encoding="utf-8")
    with swapped_folder(out / "2021") as aside:
        (aside / "考核结果.xlsx").write_text("this run", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [alive.name, "2021"]
