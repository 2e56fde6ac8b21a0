"""The archive stores a batch durably: bytes synced before any final name, directories after."""

import os

import pytest

from warehouse import archive


def _blobs(*texts: bytes) -> dict[str, bytes]:
    return {archive.sha256_of(t): t for t in texts}


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_store_all_writes_every_new_file_once(tmp_path):
    blobs = _blobs(b"a", b"b", b"c")
    archive.store_all(tmp_path, blobs)
    for digest, data in blobs.items():
        assert archive.fetch(tmp_path, digest) == (data, digest)
    stored = _files(tmp_path)
    assert len(stored) == 3 and not any(".tmp" in name for name in stored)
    archive.store_all(tmp_path, _blobs(b"a", b"d"))  # "a" is there already
    assert len(_files(tmp_path)) == 4


def test_bytes_are_synced_before_any_final_name_and_directories_after(tmp_path, monkeypatch):
    events = []
    fsync, replace = archive.fsync, os.replace

    def record_fsync(path):
        events.append(("fsync-dir" if os.path.isdir(path) else "fsync-file", str(path)))
        fsync(path)

    def record_replace(src, dst):
        events.append(("rename", str(dst)))
        replace(src, dst)

    monkeypatch.setattr(archive, "fsync", record_fsync)
    monkeypatch.setattr(archive.os, "replace", record_replace)
    root = tmp_path / "archive"  # does not exist yet: its own entry must be synced too
    blobs = _blobs(*(bytes([i]) * 10 for i in range(20)))
    archive.store_all(root, blobs)

    kinds = [kind for kind, _ in events]
    assert kinds.count("fsync-file") == kinds.count("rename") == 20
    last_file_sync = max(i for i, k in enumerate(kinds) if k == "fsync-file")
    first_rename = kinds.index("rename")
    last_rename = max(i for i, k in enumerate(kinds) if k == "rename")
    first_dir_sync = kinds.index("fsync-dir")
    assert last_file_sync < first_rename and last_rename < first_dir_sync
    synced_dirs = {path for kind, path in events if kind == "fsync-dir"}
    parents = {str(archive.archive_path(root, d).parent) for d in blobs}
    assert parents | {str(root / "sha256"), str(root), str(tmp_path)} == synced_dirs


def test_a_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    blobs = _blobs(b"a", b"b", b"c")
    bad = archive.sha256_of(b"b")
    write = archive._write

    def failing_write(root, digest, data):
        if digest == bad:
            raise OSError(28, "No space left on device")
        return write(root, digest, data)

    monkeypatch.setattr(archive, "_write", failing_write)
    with pytest.raises(OSError, match="No space"):
        archive.store_all(tmp_path, blobs)
    assert _files(tmp_path) == []
    monkeypatch.setattr(archive, "_write", write)
    archive.store_all(tmp_path, blobs)  # the next run stores them all
    assert len(_files(tmp_path)) == 3
