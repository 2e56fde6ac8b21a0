"""transforms/parsed.py: files parsed by an earlier run, reused. The kept rows never change a
number: with a store, every frame intake gives (and so every loaded row, quarantine row, core
table and mart) is exactly the frame it gives without one — for files unchanged, changed,
replaced by another file of the same name, added or removed, after a reader version bump, a
semantics or rules change, and with an entry corrupted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from schemas.semantics import LATEST, Semantics
from schemas.sources import ROW_SOURCES
from transforms import intake as intake_module
from transforms import parsed
from transforms.plan import build_plan
from transforms.sources import load_sources
from transforms.year import by_folder, compute_year
from warehouse.parsed import ParsedFiles

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "inbox" / "2021"
AS_OF = dt.date(2022, 1, 31)
KEY = b"parsed-test-key"


@dataclasses.dataclass(frozen=True)
class File:
    folder: str
    file: str
    data: bytes


def demo_files() -> list[File]:
    return [
        File(p.parent.name, f"{p.parent.name}/{p.name}", p.read_bytes())
        for p in sorted(DEMO.glob("*/*"))
    ]


def hostile(files: list[File]) -> list[File]:
    """The demo inbox with files of every kind intake treats apart: rejected whole (named by
    its file name, by its rows, by neither), unreadable, rows wider than the header, a second
    survey export with a question the others lack, a workbook without the source's sheet."""
    by_name = {f.file: f for f in files}
    report = by_name["reports/DY03_县人社局_2021年进度月报.csv"].data.decode("utf-8-sig")
    header, *rows = report.splitlines()
    survey = by_name["surveys/问卷星_满意度测评_按序号.csv"].data.decode("utf-8-sig")
    s_header, *s_rows = survey.splitlines()
    extra = [
        # rejected (no 任务编号), told by the file name
        ("reports", "DY04_县团委_缺列.csv", "单位编码,报告月份\nDY04,2021年3月\n"),
        # rejected (完成进度 twice), told by its rows
        ("reports", "无名_重复列.csv", "单位编码,任务编号,完成进度,完成进度\nDY05,T001,1,2\n"),
        ("reports", "坏文件.xlsx", "not a workbook"),
        # a row with an unquoted comma: cells beyond the header
        ("reports", "DY03_宽行.csv", "\n".join([header, rows[0] + ",多出来", *rows[1:4]])),
        ("surveys", "问卷星_加一题.csv", "\n".join([s_header + ",9、其他意见", *s_rows[:5]])),
    ]
    return [
        *files,
        *(File(folder, f"{folder}/{name}", text.encode()) for folder, name, text in extra),
    ]


def loaded_frames(got: dict) -> dict[str, pl.DataFrame]:
    frames = {}
    for source, loaded in got.items():
        for name in ("rows", "duplicates", "quarantine", "read_counts"):
            frames[f"{source}.{name}"] = getattr(loaded, name)
        frames |= {f"{source}.{k}": v for k, v in loaded.derived.items()}
    return frames


def assert_same(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        try:
            assert_frame_equal(left[name], right[name], check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


class Counting:
    """parse_batch, counting the files of row sources it is given (the plan's are never kept:
    it is read before the sources, without a store)."""

    def __init__(self, monkeypatch) -> None:
        self.files: list[str] = []
        original = intake_module.parse_batch

        def parse_batch(spec, files, *args, **kwargs):
            if spec in ROW_SOURCES:
                self.files += [f"{spec.source}:{name}" for name, _ in files]
            return original(spec, files, *args, **kwargs)

        monkeypatch.setattr(intake_module, "parse_batch", parse_batch)


def load(files: list[File], store=None, semantics: Semantics = LATEST) -> dict[str, pl.DataFrame]:
    folders = by_folder(files)
    plan = dataclasses.replace(build_plan(2021, folders["plan"]), semantics=semantics)
    return loaded_frames(load_sources(plan, folders, KEY, store))


@pytest.fixture
def store(tmp_path) -> ParsedFiles:
    return ParsedFiles(tmp_path / "parsed")


def test_cold_then_warm_give_the_frames_of_no_store_and_the_warm_run_parses_nothing(
    store, monkeypatch
):
    files = hostile(demo_files())
    without = load(files)
    assert_same(load(files, store), without)  # cold: every file parsed, and kept
    kept = sorted(p.name for p in store.root.iterdir())
    assert len(kept) == len([s for s in ROW_SOURCES if any(f.folder == s.folder for f in files)])
    counting = Counting(monkeypatch)
    assert_same(load(files, store), without)
    assert counting.files == []
    assert sorted(p.name for p in store.root.iterdir()) == kept  # nothing changed: not rewritten


def test_changed_replaced_added_and_removed_files_are_parsed_again_and_only_they(
    store, monkeypatch
):
    files = hostile(demo_files())
    load(files, store)
    by_name = {f.file: f for f in files}
    edited = "reports/DY06_县财政局_2021年进度月报.csv"
    replaced = "reports/DY10_县教体局_2021年进度月报.csv"
    other = "reports/DY11_县文广旅局_2021年进度月报.csv"
    now = [f for f in files if f.file != "reports/DY14_县司法局_2021年进度月报.csv"]  # removed
    now = [
        dataclasses.replace(f, data=f.data.replace(b"2021", b"2020", 1))
        if f.file == edited
        else dataclasses.replace(f, data=by_name[other].data)  # another file, the same name
        if f.file == replaced
        else f
        for f in now
    ]
    added = File("reports", "reports/DY02_补报.csv", by_name[edited].data)  # sorts among kept
    now.append(added)
    without = load(now)
    counting = Counting(monkeypatch)
    assert_same(load(now, store), without)
    parsed_again = {name.split(":", 1)[1] for name in counting.files}
    assert parsed_again == {edited, replaced, added.file}
    counting.files.clear()
    assert_same(load(now, store), without)  # and the new batch was kept
    assert counting.files == []


def test_a_reader_version_bump_or_other_semantics_parse_every_file_again(store, monkeypatch):
    files = demo_files()
    without, first = load(files), Semantics.of(1)  # version 1: percent cells read as before
    without_first = load(files, semantics=first)
    load(files, store)
    counting = Counting(monkeypatch)
    monkeypatch.setattr(parsed, "READER_VERSION", parsed.READER_VERSION + 1)
    assert_same(load(files, store), without)
    rows = [f for f in files if f.folder != "plan"]
    reports = [f for f in files if f.folder == "reports"]  # read by reports and by honors
    assert len(counting.files) == len(rows) + len(reports)
    counting.files.clear()
    assert_same(load(files, store, first), without_first)
    assert len(counting.files) == len(rows) + len(reports)


def test_a_corrupt_or_foreign_entry_is_a_miss(store, monkeypatch):
    files = demo_files()
    without = load(files)
    load(files, store)
    entries = sorted(store.root.iterdir())
    flipped = bytearray(entries[0].read_bytes())
    flipped[-10] ^= 0xFF  # inside a frame: only the checksum tells
    entries[0].write_bytes(bytes(flipped))
    entries[1].write_bytes(entries[1].read_bytes()[:100])  # truncated
    entries[2].write_bytes(b"")
    entries[3].write_bytes(entries[4].read_bytes())  # another source's entry, intact
    counting = Counting(monkeypatch)
    assert_same(load(files, store), without)
    assert len({name.split(":")[0] for name in counting.files}) == 4  # the four sources


def test_a_rules_change_scores_the_kept_rows_under_the_new_rules(store):
    files = demo_files()
    before = compute_year(2021, AS_OF, files, lambda: KEY, parsed=store)
    rules = next(f for f in files if f.file == "plan/rules.toml")
    text = (
        rules.data.decode()
        .replace("work = 80", "work = 70")
        .replace("satisfaction = 20", "satisfaction = 30")
    )
    now = [dataclasses.replace(rules, data=text.encode()) if f is rules else f for f in files]
    with_store = compute_year(2021, AS_OF, now, lambda: KEY, parsed=store)
    without = compute_year(2021, AS_OF, now, lambda: KEY)
    assert_same(with_store.marts, without.marts)
    assert_same(with_store.core, without.core)
    assert not with_store.marts["unit_score"].equals(before.marts["unit_score"])


def test_merge_restores_file_order_and_columns_whatever_is_kept(store):
    """A batch merged from kept and fresh files is the batch of all of them read together,
    including columns (questions, EXTRA) only some files have."""
    files = hostile(demo_files())
    spec = next(s for s in ROW_SOURCES if s.source == "reports")
    reports = [(f.file, f.data) for f in files if f.folder == "reports"]
    whole = intake_module.parse_batch(spec, reports, 2021)
    for kept_every in (2, 3):
        kept = {name for i, (name, _) in enumerate(reports) if i % kept_every}
        old = intake_module.parse_batch(spec, [f for f in reports if f[0] in kept], 2021)
        keys = {name: name for name, _ in reports}
        stored = parsed.Kept(keys, old.listing, parsed.packed(old), old.named).only(kept)
        fresh = intake_module.parse_batch(spec, [f for f in reports if f[0] not in kept], 2021)
        merged = parsed.merge(spec, stored, fresh, sorted(keys))
        for name in ("listing", "raw", "typed", "named"):
            assert_frame_equal(getattr(merged, name), getattr(whole, name), check_exact=True)


@pytest.mark.parametrize("spec", ROW_SOURCES, ids=lambda s: s.source)
def test_a_source_without_files_gives_the_frames_parsing_no_file_gives(spec):
    """intake of an empty folder skips the parser (parsed.empty): the same frames, columns and
    types as parsing no file."""
    got = intake_module.intake(spec, [], 2021)
    none = intake_module.finish(spec.source, intake_module.parse_batch(spec, [], 2021), None)
    for name in ("raw", "typed", "rejected", "read_counts"):
        assert_frame_equal(getattr(got, name), getattr(none, name), check_exact=True)


def test_every_module_the_reading_code_imports_is_in_the_key():
    """The modules hashed into every key (parsed.READING_CODE) are closed under imports: a
    change of any module the reading code uses reads every file again."""
    import ast

    project = {"schemas", "transforms"}
    for name in parsed.READING_CODE:
        path = ROOT / (name.replace(".", "/") + ".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            modules = [
                n
                for n in names
                if n.split(".")[0] in project and (ROOT / (n.replace(".", "/") + ".py")).exists()
            ]
            assert set(modules) <= set(parsed.READING_CODE), (name, modules)
