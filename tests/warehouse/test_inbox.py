"""What is read from a year's inbox: only regular files directly inside the four folders; links,
subfolders, lock files and anything else are listed with a reason and never opened. Reads are
retried alone while a file is unstable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse import inbox
from warehouse.inbox import NotRead

SECRET = b"root:x:0:0:secret-outside-the-inbox\n"


@pytest.fixture
def year_dir(tmp_path: Path) -> Path:
    """A year's inbox with two reports and one plan file, and a secret file outside it."""
    year = tmp_path / "inbox" / "2021"
    for folder in inbox.FOLDERS:
        (year / folder).mkdir(parents=True)
    (year / "plan" / "rules.toml").write_text("[bonus]\ncap = 5\n", encoding="utf-8")
    (year / "reports" / "DY01.csv").write_text("单位编码,任务编号\nDY01,T1\n", encoding="utf-8")
    (year / "reports" / "DY02.csv").write_text("单位编码,任务编号\nDY02,T2\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_bytes(SECRET)
    (outside / "ledger.csv").write_bytes(SECRET)
    return year


def _outside(year_dir: Path) -> Path:
    return year_dir.parents[1] / "outside"


def _not_read(taken: inbox.Taken) -> dict[str, tuple[str, str]]:
    return {n.file: (n.status, n.reason) for n in taken.not_read}


def _assert_secret_never_read(taken: inbox.Taken) -> None:
    assert all(SECRET not in f.data for f in taken.files)


def test_plain_inbox_reads_every_file_in_folder_then_name_order(year_dir):
    taken = inbox.read_inbox(year_dir)
    assert [f.file for f in taken.files] == [
        "plan/rules.toml",
        "reports/DY01.csv",
        "reports/DY02.csv",
    ]
    assert taken.not_read == []
    for f in taken.files:
        assert f.data == (year_dir / f.file).read_bytes() and f.size_bytes == len(f.data)
        assert f.folder == f.file.split("/")[0]


def test_a_link_to_a_file_outside_the_inbox_is_listed_never_read(year_dir):
    (year_dir / "reports" / "zz_passwd.csv").symlink_to(_outside(year_dir) / "passwd")
    (year_dir / "funding" / "台账.csv").symlink_to(_outside(year_dir) / "ledger.csv")
    (year_dir / "reports" / "DY03.csv").symlink_to(year_dir / "reports" / "DY01.csv")  # inside
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {
        "funding/台账.csv": ("rejected", inbox.LINK),
        "reports/DY03.csv": ("rejected", inbox.LINK),
        "reports/zz_passwd.csv": ("rejected", inbox.LINK),
    }
    assert [f.file for f in taken.files] == [
        "plan/rules.toml",
        "reports/DY01.csv",
        "reports/DY02.csv",
    ]
    _assert_secret_never_read(taken)


def test_a_link_in_place_of_a_folder_or_inside_one_is_not_followed(year_dir):
    outside = _outside(year_dir)
    (outside / "funding").mkdir()
    (outside / "funding" / "ledger.csv").write_bytes(SECRET)
    (year_dir / "funding").rmdir()
    (year_dir / "funding").symlink_to(outside / "funding", target_is_directory=True)
    (year_dir / "reports" / "更多").symlink_to(outside, target_is_directory=True)
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {
        "funding": ("rejected", inbox.LINK),
        "reports/更多": ("rejected", inbox.LINK),
    }
    _assert_secret_never_read(taken)


def test_files_in_subfolders_are_listed_at_any_depth_never_opened(year_dir):
    old = year_dir / "reports" / "旧版" / "六月"
    old.mkdir(parents=True)
    (old.parent / "DY01.xlsx").write_bytes(b"PK old")
    (old / "DY02.csv").write_bytes(b"x")
    (old / "link.csv").symlink_to(_outside(year_dir) / "passwd")
    (year_dir / "surveys" / "空文件夹").mkdir()
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {
        "reports/旧版/DY01.xlsx": ("rejected", inbox.IN_SUBFOLDER),
        "reports/旧版/六月/DY02.csv": ("rejected", inbox.IN_SUBFOLDER),
        "reports/旧版/六月/link.csv": ("rejected", inbox.LINK),
    }
    _assert_secret_never_read(taken)


def test_lock_and_temporary_files_are_skipped_and_listed(year_dir):
    for name in ("~$DY01.xlsx", ".~lock.DY01.xlsx#", ".DS_Store", ".DY01.csv.swp"):
        (year_dir / "reports" / name).write_bytes(b"lock")
    (year_dir / "reports" / ".git").mkdir()
    (year_dir / "reports" / ".git" / "HEAD").write_bytes(b"ref")
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {
        f"reports/{name}": ("skipped", inbox.TEMPORARY)
        for name in ("~$DY01.xlsx", ".~lock.DY01.xlsx#", ".DS_Store", ".DY01.csv.swp", ".git")
    }


def test_a_pipe_is_listed_and_never_opened(year_dir):
    os.mkfifo(year_dir / "reports" / "pipe.csv")  # opening it for reading would block
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {"reports/pipe.csv": ("rejected", inbox.NOT_A_FILE)}


def test_a_file_where_a_folder_belongs_is_listed(year_dir):
    (year_dir / "surveys").rmdir()
    (year_dir / "surveys").write_bytes(b"not a folder")
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {"surveys": ("rejected", inbox.NOT_A_FOLDER)}


def test_a_name_that_is_not_utf8_is_listed_with_its_bytes_escaped(year_dir):
    name = "报表".encode("gb18030") + b".csv"
    with open(os.path.join(os.fsencode(year_dir / "reports"), name), "wb") as fh:
        fh.write(b"x")
    taken = inbox.read_inbox(year_dir)
    assert _not_read(taken) == {"reports/\\xb1\\xa8\\xb1\\xed.csv": ("rejected", inbox.BAD_NAME)}


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(year_dir):
    listing = inbox.list_inbox(year_dir)
    target = year_dir / "reports" / "DY02.csv"
    target.unlink()
    target.symlink_to(_outside(year_dir) / "passwd")
    got = inbox.read_all(year_dir, listing.files, sleep=lambda _: None)
    assert got[2] == inbox.LINK
    assert all(SECRET not in g[1] for g in got if isinstance(g, tuple))


def test_a_folder_swapped_for_a_link_after_listing_is_not_followed(year_dir):
    listing = inbox.list_inbox(year_dir)
    reports = year_dir / "reports"
    reports.rename(year_dir / "reports.old")
    reports.symlink_to(_outside(year_dir), target_is_directory=True)
    (_outside(year_dir) / "DY01.csv").write_bytes(SECRET)
    got = inbox.read_all(year_dir, listing.files, sleep=lambda _: None)
    assert got[1:] == [inbox.LINK, inbox.LINK]


def test_a_missing_folder_is_nothing_to_read(year_dir):
    (year_dir / "surveys").rmdir()
    assert inbox.read_inbox(year_dir).not_read == []


def test_an_unstable_file_is_read_again_alone_after_the_back_off(year_dir, monkeypatch):
    files = inbox.list_inbox(year_dir).files
    growing = files[1]
    reads: list[str] = []
    read_one = inbox.read_one

    def flaky(year: Path, file: str) -> bytes | str:
        reads.append(file)
        if file == growing and reads.count(file) < 3:
            raise inbox.FileUnstable(11, "正在被写入，稍后重试", file)
        return read_one(year, file)

    monkeypatch.setattr(inbox, "read_one", flaky)
    slept: list[float] = []
    warned: list[str] = []
    got = inbox.read_all(year_dir, files, sleep=slept.append, warn=warned.append)
    assert slept == [2, 10]
    assert sorted(reads) == sorted([*files, growing, growing])
    assert [data for _, data in got] == [(year_dir / f).read_bytes() for f in files]
    assert warned[0] == f"1 个文件暂时无法读取，2 秒后重试：{growing}：正在被写入，稍后重试"


def test_a_file_that_never_settles_fails_after_three_retries_in_one_line(year_dir, monkeypatch):
    files = inbox.list_inbox(year_dir).files
    read_one = inbox.read_one

    def refuse(year: Path, file: str) -> bytes | str:
        if file == files[0]:
            raise PermissionError(13, "Permission denied", file)
        return read_one(year, file)

    monkeypatch.setattr(inbox, "read_one", refuse)
    slept: list[float] = []
    with pytest.raises(inbox.Unreadable) as raised:
        inbox.read_all(year_dir, files, sleep=slept.append)
    assert slept == [2, 10, 30]
    assert str(raised.value) == "plan/rules.toml 多次重试后仍无法读取：Permission denied"


def test_a_file_growing_during_the_read_is_unstable(year_dir, monkeypatch):
    path = year_dir / "reports" / "DY01.csv"
    real_fstat = os.fstat
    calls: list[int] = []

    def growing_fstat(fd: int) -> os.stat_result:
        calls.append(fd)
        if len(calls) == 2:  # after the read: someone appended meanwhile
            with open(path, "ab") as fh:
                fh.write(b"DY01,T9\n")
        return real_fstat(fd)

    monkeypatch.setattr(inbox.os, "fstat", growing_fstat)
    with pytest.raises(inbox.FileUnstable):
        inbox.read_one(year_dir, "reports/DY01.csv")


def test_not_read_paths_carry_their_folder(year_dir):
    (year_dir / "funding" / "~$台账.xlsx").write_bytes(b"lock")
    assert inbox.read_inbox(year_dir).not_read == [
        NotRead("funding", "funding/~$台账.xlsx", "skipped", inbox.TEMPORARY)
    ]
