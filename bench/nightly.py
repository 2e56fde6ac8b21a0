"""The nightly against a full run: how much of a run's ingest the parsed files kept beside the
archive save, with the marts published checked identical.

    uv run python -m bench.nightly --scale M [--changed 0.01] [--runs 1]

1. Generates bench/out/<scale>/inbox unless it is there (bench.generate), copies it to
   bench/out/<scale>/nightly/inbox and runs `assess run` there once untimed (archive written,
   Prefect's background server started if none is running).
2. Times whole `assess run --year 2021 --as-of 2022-01-31` processes, in turn:
   - **before**: every file read and parsed, nothing kept or looked up (the code before the
     parsed files were kept; the store is switched off in the measured process only);
   - **--full**: every file read and parsed, the store written anew;
   - **nightly, none changed**: an ordinary run, every file taken from the store;
   - **nightly, 1% changed**: `--changed` of the input files (a seeded sample of the files of
     reports/, funding/ and surveys/) edited as a unit resubmitting it would (one cell of its
     last row), then an ordinary run over the store the unchanged inbox left;
   - **before, changed inbox**: the reference the 1% nightly must publish exactly.
   Each timed run is a fresh process (`--measure`) that runs the command-line app in-process
   with timers around intake() (the reading and parsing the store replaces): *ingest* is the
   sum, over the row sources, of the seconds spent in intake() (two sources run at once, so
   it is thread-seconds); *ingest on the clock* is the wall time during which at least one
   intake() runs (the union of their spans: what a clock on the wall sees of it, comparable
   with a job that reads one file after another). *Whole process* is launch to exit; the
   stages are the run's own stage timer's.
3. Times ingest alone in a fresh process: each row source's intake() in turn for each kind of
   run (the same inboxes and store states), CPU and wall seconds, the least of max(3, --runs)
   repeats: figures that move less with a shared machine's load than whole runs do.
4. Checks that every run published the same rows (every mart.* and core.* row, run ids left
   out) as the before run on the same inbox; prints the table and writes
   bench/out/<scale>/nightly.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.generate import ensure_inbox

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2021
RUN = ["run", "--year", str(YEAR), "--as-of", "2022-01-31", "--quiet"]
LOADERS = ("transforms.reports", "transforms.funding", "transforms.surveys", "transforms.appeals")
STAGES = ("take_in", "plan", "sources", "score", "publish", "office")
ROW_FOLDERS = ("reports", "funding", "surveys")
CHANGED = ("nightly, 1% changed", "before, changed inbox")  # the runs over the changed inbox


# ------------------------------------------------------------------ the measured process
def measure(work: Path, label: str, full: bool, store: bool) -> None:
    """Runs in a fresh process: `assess run` through the command-line app, intake() timed."""
    import importlib

    from cli.app import app

    spent: list[tuple[str, float, float]] = []  # (source, start, end) of each intake()
    lock = threading.Lock()
    for name in LOADERS:
        module = importlib.import_module(name)
        original = module.intake

        def timed(spec, *args, _original=original, **kwargs):
            start = time.perf_counter()
            try:
                return _original(spec, *args, **kwargs)
            finally:
                with lock:
                    spent.append((spec.source, start, time.perf_counter()))

        module.intake = timed
    import flows.assess_year as flow

    if not store:  # before: no store at all, as the code was
        flow.parsed_files = lambda archive_root, full=False: None
    watches = []

    class Watched(flow.Stopwatch):  # the run's own stage timer, kept to read its stages
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            watches.append(self)

    flow.Stopwatch = Watched
    code = app(RUN + (["--full"] if full else []), standalone_mode=False)
    if code:  # not published: its one line is on stderr
        raise SystemExit(code)
    by_source: dict[str, float] = {}
    for source, start, end in spent:
        by_source[source] = by_source.get(source, 0.0) + end - start
    clock = on_the_clock([(start, end) for _, start, end in spent])
    (work / f"{label}.json").write_text(
        json.dumps({"ingest": by_source, "ingest_clock": clock, "stages": watches[-1].stages})
    )


def on_the_clock(spans: list[tuple[float, float]]) -> float:
    """Seconds during which at least one of the spans runs: the length of their union."""
    total, reached = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reached:
            total += end - max(start, reached)
            reached = end
    return total


def ingest_alone(work: Path, original: Path, repeats: int) -> None:
    """Runs in a fresh process: each row source's intake() in turn, nothing else running in
    the process, for each kind of run; CPU seconds of the process and wall seconds, the least
    of `repeats` (figures that move less with the machine's load than whole runs)."""
    from schemas.sources import ROW_SOURCES
    from transforms.intake import intake
    from transforms.parsed import reusing
    from transforms.plan import build_plan
    from transforms.year import by_folder
    from warehouse.inbox import read_inbox
    from warehouse.parsed import ParsedFiles

    before = by_folder(read_inbox(original, lambda line: None).files)
    after = by_folder(read_inbox(work / "inbox" / str(YEAR), lambda line: None).files)
    plan = build_plan(YEAR, before["plan"])
    root, kept = work / "alone" / "parsed", work / "alone" / "kept"

    def once(folders: dict, store) -> dict[str, tuple[float, float]]:
        spent = {}
        for spec in ROW_SOURCES:
            cpu, wall = time.process_time(), time.perf_counter()
            with reusing(store):
                intake(spec, folders.get(spec.folder, []), YEAR, plan.units, plan.semantics)
            spent[spec.source] = (time.process_time() - cpu, time.perf_counter() - wall)
        return spent

    def least(folders: dict, store_of) -> dict:
        runs = [once(folders, store_of()) for _ in range(repeats)]
        return {
            "cpu": min(sum(c for c, _ in r.values()) for r in runs),
            "wall": min(sum(w for _, w in r.values()) for r in runs),
            "cpu_by_source": {s: min(r[s][0] for r in runs) for s in runs[0]},
        }

    def restored() -> ParsedFiles:  # the store as a run over the unchanged inbox left it
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(kept, root)
        return ParsedFiles(root)

    figures = {"before": least(before, lambda: None)}
    figures["--full"] = least(before, lambda: ParsedFiles(root, reuse=False))
    shutil.copytree(root, kept)
    figures["nightly, none changed"] = least(before, lambda: ParsedFiles(root))
    figures["nightly, 1% changed"] = least(after, restored)
    figures["before, changed inbox"] = least(after, lambda: None)
    (work / "alone.json").write_text(json.dumps(figures))


def published_rows(warehouse: Path) -> dict:
    """Every mart and core row of the year, run ids left out (they differ from run to run):
    a changed file's note moves no mark, but its row in core.reports."""
    import duckdb

    from schemas.tables import CORE_TABLES, MART_TABLES

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            t.qualified: con.sql(f"SELECT * FROM {t.qualified}").pl().drop("run_id", strict=False)
            for t in (*CORE_TABLES, *MART_TABLES)
        }
    finally:
        con.close()


def same_rows(left: dict, right: dict) -> bool:
    return left.keys() == right.keys() and all(left[t].equals(right[t]) for t in left)


# ------------------------------------------------------------------ changing files
def resubmit(path: Path) -> None:
    """The file as its unit would resubmit it: one cell of its last row edited (a note added
    to the text, the bytes otherwise those of the same writer)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = path.read_bytes()
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else None
        for candidate in [encoding] if encoding else ["utf-8", "gb18030"]:
            try:
                text = data.decode(candidate)
                encoding = candidate
                break
            except UnicodeDecodeError:
                continue
        rows = list(csv.reader(io.StringIO(text)))
        rows[-1][-1] = rows[-1][-1] + "（更正）"
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
        path.write_bytes(out.getvalue().encode(encoding))
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        cell = sheet.cell(sheet.max_row, sheet.max_column)
        cell.value = f"{cell.value if cell.value is not None else ''}（更正）"
        book.save(path)
    elif suffix == ".xls":
        import xlrd
        import xlwt

        source = xlrd.open_workbook(str(path), formatting_info=False)
        book = xlwt.Workbook(encoding="utf-8")
        for sheet in source.sheets():
            out = book.add_sheet(sheet.name)
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    value = sheet.cell_value(r, c)
                    last = r == sheet.nrows - 1 and c == sheet.ncols - 1
                    if last and sheet.number == 0:
                        value = f"{value}（更正）"
                    out.write(r, c, value)
        book.save(str(path))
    else:
        raise ValueError(f"cannot resubmit {path.name}")


def changed_files(year_dir: Path, share: float, seed: int = 21) -> list[Path]:
    files = sorted(p for folder in ROW_FOLDERS for p in (year_dir / folder).iterdir())
    count = max(1, round(share * len(sorted(year_dir.glob("*/*")))))
    return sorted(random.Random(seed).sample(files, count))


# ------------------------------------------------------------------ the driver
def run(work: Path, label: str, full: bool = False, store: bool = True) -> dict:
    env = {**os.environ, "ASSESS_PII_KEY": os.environ.get("ASSESS_PII_KEY", "bench-only-key")}
    env.update(ASSESS_INBOX=str(work / "inbox"), ASSESS_WAREHOUSE=str(work / "assess.duckdb"))
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    command = [sys.executable, "-m", "bench.nightly", f"--measure={label}", "--work", str(work)]
    command += (["--full"] if full else []) + ([] if store else ["--no-store"])
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    got = json.loads((work / f"{label}.json").read_text())
    got |= {"wall": wall, "published": published_rows(work / "assess.duckdb")}
    got["ingest_total"] = sum(got["ingest"].values())
    return got


def median_of(runs: list[dict]) -> dict:
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "ingest_total": statistics.median(r["ingest_total"] for r in runs),
        "ingest_clock": statistics.median(r["ingest_clock"] for r in runs),
        "ingest": {
            s: statistics.median(r["ingest"].get(s, 0.0) for r in runs) for s in runs[0]["ingest"]
        },
        "stages": {
            s: statistics.median(r["stages"].get(s, 0.0) for r in runs) for s in runs[0]["stages"]
        },
        "runs": [{k: v for k, v in r.items() if k != "published"} for r in runs],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--changed", type=float, default=0.01, help="share of files changed")
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each kind")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-store", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--alone", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.work, args.measure, args.full, not args.no_store)
        return
    if args.alone:
        ingest_alone(args.work, args.alone, max(3, args.runs))
        return

    base = ROOT / "bench" / "out" / args.scale
    ensure_inbox(args.scale, base)
    work = base / "nightly"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(base / "inbox", work / "inbox")
    year_dir = work / "inbox" / str(YEAR)
    store = work / "archive" / "parsed"
    run(work, "first", full=True)  # untimed: archive, warehouse, Prefect server
    kinds: dict[str, list[dict]] = {}

    def timed(kind: str, **how) -> dict:
        slug = "-".join("".join(c if c.isalnum() else " " for c in kind).split())
        got = run(work, f"{slug}-{len(kinds.get(kind, []))}", **how)
        kinds.setdefault(kind, []).append(got)
        return got

    for _ in range(args.runs):
        timed("before", store=False)
        timed("--full", full=True)
        timed("nightly, none changed")
    snapshot = work / "parsed-unchanged"
    shutil.copytree(store, snapshot)
    originals = {p: p.read_bytes() for p in changed_files(year_dir, args.changed)}
    for path in originals:
        resubmit(path)
    for _ in range(args.runs):
        shutil.rmtree(store)
        shutil.copytree(snapshot, store)  # the store as the unchanged inbox left it
        timed("nightly, 1% changed")
    for _ in range(args.runs):
        timed("before, changed inbox", store=False)

    subprocess.run(
        [sys.executable, "-m", "bench.nightly", f"--alone={base / 'inbox' / str(YEAR)}"]
        + ["--work", str(work), "--runs", str(args.runs)],
        cwd=ROOT,
        check=True,
    )
    reference = {
        kind: kinds["before, changed inbox" if kind in CHANGED else "before"][0]["published"]
        for kind in kinds
    }
    identical = {
        kind: all(same_rows(r["published"], reference[kind]) for r in runs)
        for kind, runs in kinds.items()
    }
    result = {
        "scale": args.scale,
        "load_average": os.getloadavg(),
        "changed_files": [str(p.relative_to(year_dir)) for p in originals],
        "input_files": len(list(year_dir.glob("*/*"))),
        "kinds": {kind: median_of(runs) for kind, runs in kinds.items()},
        "identical_rows": identical,
        "ingest_alone": json.loads((work / "alone.json").read_text()),
    }
    (base / "nightly.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(table(result))


def table(result: dict) -> str:
    kinds, alone = result["kinds"], result["ingest_alone"]
    before = kinds["before"]
    names = list(kinds)
    width = 24
    lines = [
        f"scale {result['scale']}: {result['input_files']} input files; changed: "
        f"{len(result['changed_files'])} ({', '.join(result['changed_files'])})",
        "",
        f"{'':34}" + "".join(f"{n:>{width}}" for n in names),
        f"{'ingest (intake, thread-seconds)':34}"
        + "".join(f"{kinds[n]['ingest_total']:>{width - 2}.2f} s" for n in names),
        f"{'  share of before':34}"
        + "".join(
            f"{kinds[n]['ingest_total'] / before['ingest_total']:>{width}.1%}" for n in names
        ),
        f"{'ingest on the clock (wall)':34}"
        + "".join(f"{kinds[n]['ingest_clock']:>{width - 2}.2f} s" for n in names),
        f"{'  share of before':34}"
        + "".join(
            f"{kinds[n]['ingest_clock'] / before['ingest_clock']:>{width}.1%}" for n in names
        ),
        *(
            f"{'  ' + source:34}"
            + "".join(f"{kinds[n]['ingest'].get(source, 0):>{width - 2}.2f} s" for n in names)
            for source in before["ingest"]
        ),
        *(
            f"{'stage ' + s:34}"
            + "".join(f"{kinds[n]['stages'].get(s, 0):>{width - 2}.2f} s" for n in names)
            for s in STAGES
        ),
        f"{'whole process (launch to exit)':34}"
        + "".join(f"{kinds[n]['wall']:>{width - 2}.2f} s" for n in names),
        f"{'published rows = before':34}"
        + "".join(f"{'yes' if result['identical_rows'][n] else 'NO':>{width}}" for n in names),
        "",
        "ingest alone (each source's intake() in turn, the least of the repeats):",
        f"{'  CPU seconds':34}" + "".join(f"{alone[n]['cpu']:>{width - 2}.2f} s" for n in names),
        f"{'  share of before':34}"
        + "".join(f"{alone[n]['cpu'] / alone['before']['cpu']:>{width}.1%}" for n in names),
        f"{'  wall seconds':34}" + "".join(f"{alone[n]['wall']:>{width - 2}.2f} s" for n in names),
        "",
        f"load average at the end: {tuple(round(x, 2) for x in result['load_average'])}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
