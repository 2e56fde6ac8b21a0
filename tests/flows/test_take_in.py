"""Take in: one task for the year's files, each file read whole, retried alone while it is unstable,
archived before the task returns. Runs the task's function directly (no Prefect server)."""

from __future__ import annotations

import pytest

from flows import tasks
from warehouse import archive


@pytest.fixture
def folder(tmp_path):
    inbox = tmp_path / "inbox" / "reports"
    inbox.mkdir(parents=True)
    for i in range(6):
        (inbox / f"r{i}.csv").write_text(f"单位编码,任务编号\nU{i},T{i}\n", encoding="utf-8")
    (inbox / "copy.csv").write_bytes((inbox / "r0.csv").read_bytes())  # same bytes, one copy
    return sorted(inbox.iterdir())


def test_every_file_is_archived_in_order(tmp_path, folder):
    root = tmp_path / "archive"
    taken = tasks.take_in.fn(tmp_path / "inbox", root)
    assert [t.file for t in taken] == [f"reports/{p.name}" for p in folder]
    for t, path in zip(taken, folder, strict=True):
        assert t.folder == "reports" and t.data == path.read_bytes()
        assert t.size_bytes == len(t.data)
        assert archive.fetch(root, t.sha256) == (t.data, t.sha256)
    assert len(list((root / "sha256").rglob("*"))) == 6 + len({t.sha256[:2] for t in taken})


def test_an_unstable_file_is_read_again_alone_after_the_back_off(folder, monkeypatch):
    growing = folder[2]
    reads: list = []
    read_stable = archive.read_stable

    def flaky(path):
        reads.append(path)
        if path == growing and reads.count(path) < 3:
            raise archive.FileUnstable(f"{path} 正在被写入，稍后重试")
        return read_stable(path)

    monkeypatch.setattr(archive, "read_stable", flaky)
    slept: list[float] = []
    got = tasks.read_all(folder, sleep=slept.append)
    assert slept == [2, 10]
    assert sorted(reads, key=str) == sorted([*folder, growing, growing], key=str)
    assert [data for _, data in got] == [p.read_bytes() for p in folder]


def test_a_file_that_never_settles_fails_after_three_retries(folder, monkeypatch):
    locked = folder[0]
    read_stable = archive.read_stable

    def refuse(path):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read_stable(path)

    monkeypatch.setattr(archive, "read_stable", refuse)
    slept: list[float] = []
    with pytest.raises(PermissionError):
        tasks.read_all(folder, sleep=slept.append)
    assert slept == [2, 10, 30]
