"""Take in: one task for the year's files, each file read whole and archived before the task
returns; paths not read are carried beside the files. Runs the task's function directly (no
Prefect server). Which paths are read, and the retries: tests/warehouse/test_inbox.py."""

from __future__ import annotations

import pytest

from flows import tasks
from warehouse import archive, inbox


@pytest.fixture
def folder(tmp_path):
    reports = tmp_path / "inbox" / "reports"
    reports.mkdir(parents=True)
    for i in range(6):
        (reports / f"r{i}.csv").write_text(f"单位编码,任务编号\nU{i},T{i}\n", encoding="utf-8")
    (reports / "copy.csv").write_bytes((reports / "r0.csv").read_bytes())  # same bytes, one copy
    return sorted(reports.iterdir())


def test_every_file_is_archived_in_order(tmp_path, folder):
    root = tmp_path / "archive"
    taken = tasks.take_in.fn(tmp_path / "inbox", root)
    assert [t.file for t in taken.files] == [f"reports/{p.name}" for p in folder]
    for t, path in zip(taken.files, folder, strict=True):
        assert t.folder == "reports" and t.data == path.read_bytes()
        assert t.size_bytes == len(t.data)
        assert archive.fetch(root, t.sha256) == (t.data, t.sha256)
    assert len(list((root / "sha256").rglob("*"))) == 6 + len({t.sha256[:2] for t in taken.files})


def test_paths_not_read_are_not_archived(tmp_path, folder):
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"secret outside the inbox")
    (folder[0].parent / "zz.csv").symlink_to(outside)
    (folder[0].parent / "~$r0.csv").write_bytes(b"lock")
    root = tmp_path / "archive"
    taken = tasks.take_in.fn(tmp_path / "inbox", root)
    assert [(n.file, n.status) for n in taken.not_read] == [
        ("reports/zz.csv", "rejected"),
        ("reports/~$r0.csv", "skipped"),
    ]
    stored = [p.read_bytes() for p in (root / "sha256").rglob("*") if p.is_file()]
    assert len(stored) == 6 and b"secret outside the inbox" not in stored and b"lock" not in stored
    assert inbox.LINK == "符号链接，不读取"


def test_paths_not_read_reach_audit_input_file_with_zero_counts(tmp_path, folder):
    (folder[0].parent / "旧").mkdir()
    (folder[0].parent / "旧" / "r9.csv").write_bytes(b"x")
    (folder[0].parent / ".~lock.r0.csv#").write_bytes(b"lock")
    taken = tasks.take_in.fn(tmp_path / "inbox", tmp_path / "archive")
    rows = tasks.audit_input_files("run", 2021, taken.files, None, None, taken.not_read)
    not_read = rows.filter(rows["status"] != "loaded").select(
        "source", "file", "sha256", "size_bytes", "status", "reason", "rows_read"
    )
    assert not_read.rows() == [
        ("reports", "reports/.~lock.r0.csv#", None, None, "skipped", inbox.TEMPORARY, 0),
        ("reports", "reports/旧/r9.csv", None, None, "rejected", inbox.IN_SUBFOLDER, 0),
    ]
    assert rows.height == 7 + 2 and set(rows["run_id"]) == {"run"}
