"""Run the full `assess_year` flow on a generated inbox and compare it with its floor.

    uv run python -m bench.run --scale S|M|L [--skip-generate] [--profile]

1. Generates ``bench/out/<scale>/inbox`` (bench.generate) unless it is there for that scale
   (``--regenerate`` forces it, ``--skip-generate`` never generates).
2. In a fresh child process (so that start-up, peak memory and the page cache of the
   generator do not blur the figures) runs ``assess_year(2021, as_of=2022-01-31)`` into a
   fresh warehouse ``bench/out/<scale>/run/assess.duckdb``, then measures the floor:
   - read: every input file with the fastest reader (fastexcel, all sheets, all-string
     dtypes, for xlsx/xls; CSV decoded as the pipeline detects it, then polars read_csv
     without schema inference);
   - write: the published core and mart tables (the same rows and types, read back from the
     warehouse untimed) written into a fresh DuckDB file from Arrow, then CHECKPOINT.
3. Prints the table and writes ``bench/out/<scale>/result.json``.

Times: *start-up* is process start → the flow body's first stage (interpreter, imports,
Prefect's temporary server, flow-run creation); *pipeline* is the flow body (first stage
start → end of publish); *ratio* = pipeline / floor. Peak memory is the highest RSS sampled
every 20 ms (the flow process; its Prefect server child process is reported apart).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2021
AS_OF = dt.date(2022, 1, 31)
GIB = 1024**3
STAGES = ("take_in", "plan", "sources", "score", "publish", "office")  # in flow order
STAGE_NOTES = {
    "take_in": "read bytes + archive",
    "plan": "read + validate the plan",
    "sources": "read + parse + validate + core",
    "score": "marts",
    "publish": "audit rows + DuckDB + swap",
    "office": "office workbooks",
}
TARGET_L_RATIO = 2.0
TARGET_L_PEAK_GIB = 4.0
TARGET_S_PIPELINE_SECONDS = 1.0


# ------------------------------------------------------------------ machine and memory
def machine() -> dict:
    import psutil

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / GIB, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


class MemorySampler(threading.Thread):
    """Highest RSS of this process (and, apart, of its children) per named phase."""

    def __init__(self, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.phase = "start"
        self.peaks: dict[str, int] = {}
        self.child_peaks: dict[str, int] = {}
        self._halt = threading.Event()

    def sample(self) -> None:
        import psutil

        rss = self.process.memory_info().rss
        children = 0
        for child in self.process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                children += child.memory_info().rss
        self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), rss)
        self.child_peaks[self.phase] = max(self.child_peaks.get(self.phase, 0), children)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def enter(self, phase: str) -> None:
        self.sample()
        self.phase = phase
        self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


# ------------------------------------------------------------------ floor
def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_floor(year_dir: Path) -> dict:
    """Read every input file with the fastest reader; seconds and data rows per folder."""
    import fastexcel
    import polars as pl

    out: dict[str, dict] = {}
    started = time.perf_counter()
    for folder in ("plan", "reports", "funding", "surveys"):
        t0, rows, files = time.perf_counter(), 0, 0
        for path in sorted((year_dir / folder).glob("*")):
            suffix = path.suffix.lower()
            if suffix == ".csv":
                text = _decode(path.read_bytes())
                frame = pl.read_csv(
                    io.BytesIO(text.encode("utf-8")), infer_schema=False, truncate_ragged_lines=True
                )
                rows += frame.height
            elif suffix in (".xlsx", ".xls"):
                book = fastexcel.read_excel(path.read_bytes())
                for name in book.sheet_names:
                    rows += book.load_sheet(name, dtypes="string").to_polars().height
            else:
                path.read_bytes()
                continue
            files += 1
        out[folder] = {"seconds": time.perf_counter() - t0, "rows": rows, "files": files}
    out["total"] = {
        "seconds": time.perf_counter() - started,
        "rows": sum(v["rows"] for v in out.values()),
        "files": sum(v["files"] for v in out.values()),
    }
    return out


def published_tables(warehouse: Path) -> dict:
    """The published core and mart tables as Arrow (untimed input of the write floor)."""
    from schemas.tables import CORE_TABLES, MART_TABLES
    from warehouse.publish import connect

    con = connect(warehouse, read_only=True)
    try:
        return {
            t.qualified: con.sql(f"SELECT * FROM {t.qualified}").to_arrow_table()
            for t in (*CORE_TABLES, *MART_TABLES)
        }
    finally:
        con.close()


def write_floor(tables: dict, path: Path) -> dict:
    """Write the same tables into a fresh DuckDB file from Arrow, in one transaction."""
    import duckdb

    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute("BEGIN TRANSACTION")
    for schema in {name.split(".")[0] for name in tables}:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for name, table in tables.items():
        con.register("_t", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _t")
        con.unregister("_t")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    return {
        "seconds": time.perf_counter() - started,
        "rows": {name: t.num_rows for name, t in tables.items()},
        "total_rows": sum(t.num_rows for t in tables.values()),
    }


# ------------------------------------------------------------------ the measured child
def measure(scale: str, out: Path, profile: bool) -> dict:
    """Runs in a fresh process: the flow, then the floor. Returns the figures."""
    import psutil

    process_start = psutil.Process().create_time()  # wall clock, seconds since the epoch
    load_at_start = os.getloadavg()
    sampler = MemorySampler()
    sampler.start()
    sampler.enter("imports")
    t_import = time.time()
    import flows  # noqa: F401  (environment for Prefect, before Prefect is imported)
    from flows import progress
    from flows.assess_year import assess_year

    t_imported = time.time()
    run_dir = out / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    warehouse = run_dir / "assess.duckdb"
    os.environ["ASSESS_ARCHIVE"] = str(run_dir / "archive")
    labels = {label: name for name, label in progress.STAGE_LABELS.items()}
    stage_starts: dict[str, float] = {}
    me = psutil.Process()
    cpu_at_start: list[float] = []

    def cpu() -> float:
        times = me.cpu_times()
        return times.user + times.system

    def sink(label: str) -> None:
        name = labels.get(label, label)
        stage_starts.setdefault(name, time.time())
        if name == STAGES[0]:
            cpu_at_start.append(cpu())
            sampler.enter("pipeline")

    progress.enable(sink)
    sampler.enter("prefect_startup")
    profiler = cProfile.Profile() if profile else None
    t_call = time.time()
    if profiler:
        profiler.enable()
    result = assess_year(
        YEAR, inbox=str(out / "inbox"), warehouse=str(warehouse), as_of=AS_OF, trigger="manual"
    )
    if profiler:
        profiler.disable()
    t_return = time.time()
    cpu_at_return = cpu()
    sampler.enter("floor")
    if result.status != "published":
        sampler.stop()
        return {"status": result.status, "message": result.message, "stages": result.stages}

    body_start = stage_starts.get(STAGES[0], t_call)
    body_end = max(
        stage_starts[name] + seconds
        for name, seconds in result.stages.items()
        if name in stage_starts
    )
    pipeline = body_end - body_start
    files = result.files
    input_rows = int(files["rows_read"].sum()) if files is not None else None

    floor_read = read_floor(out / "inbox" / str(YEAR))
    tables = published_tables(warehouse)
    floor_write = write_floor(tables, run_dir / "floor.duckdb")
    floor = floor_read["total"]["seconds"] + floor_write["seconds"]
    sampler.stop()

    figures = {
        "status": result.status,
        "run_id": result.run_id,
        "as_of": AS_OF.isoformat(),
        "stages": dict(result.stages),
        "untracked": pipeline - sum(result.stages.values()),
        "startup": {
            "total": body_start - process_start,
            "interpreter": t_import - process_start,
            "imports": t_imported - t_import,
            "prefect_server_and_flow_run": body_start - t_call,
        },
        "pipeline": pipeline,
        "pipeline_cpu": cpu_at_return - cpu_at_start[0] if cpu_at_start else None,
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "teardown": t_return - body_end,
        "wall": t_return - process_start,
        "input_rows": input_rows,
        "input_files": int(files.select("file").n_unique()) if files is not None else None,
        "rows_per_second": input_rows / pipeline if input_rows else None,
        "floor": {"read": floor_read, "write": floor_write, "total": floor},
        "ratio": pipeline / floor if floor else None,
        "peak_rss": {phase: round(v / GIB, 3) for phase, v in sampler.peaks.items()},
        "peak_rss_children": {phase: round(v / GIB, 3) for phase, v in sampler.child_peaks.items()},
        "ru_maxrss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB, 3),
        "output_rows": floor_write["rows"],
        "warehouse_bytes": warehouse.stat().st_size,
    }
    if profiler:
        profiler.dump_stats(out / "profile.pstats")
        figures["profile"] = str(out / "profile.pstats")
    return figures


# ------------------------------------------------------------------ report
def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:8.2f} s"


def table(result: dict) -> str:
    f = result["figures"]
    if f.get("status") != "published":
        return f"run {f.get('status')}: {f.get('message')}"
    st, fl = f["stages"], f["floor"]
    gen = result.get("generated", {})
    lines = [
        f"scale {result['scale']} ({gen.get('source', '?')}): {f['input_files']} files, "
        f"{f['input_rows']:,} input rows; {result['machine']['cpu']}, "
        f"{result['machine']['cores']} cores, {result['machine']['ram_gib']} GiB; {result['date']}",
        "",
        f"{'stage':44}{'seconds':>10}",
        *(
            f"{name:11}{'(' + STAGE_NOTES.get(name, '') + ')':33}{_s(seconds)}"
            for name, seconds in st.items()
        ),
        # negative when stages overlap: office is written while the run publishes
        f"{'untracked  (between stages; < 0: overlap)':44}{_s(f['untracked'])}",
        f"{'pipeline total (flow body)':44}{_s(f['pipeline'])}",
        f"{'  CPU seconds used meanwhile (all threads)':44}{_s(f.get('pipeline_cpu'))}",
        f"{'Prefect start-up (process start → body)':44}{_s(f['startup']['total'])}",
        f"{'  interpreter':44}{_s(f['startup']['interpreter'])}",
        f"{'  imports (flows, prefect, polars, ...)':44}{_s(f['startup']['imports'])}",
        f"{'  temporary server + flow run':44}{_s(f['startup']['prefect_server_and_flow_run'])}",
        f"{'teardown (body end → flow returns)':44}{_s(f['teardown'])}",
        f"{'wall (process start → flow returns)':44}{_s(f['wall'])}",
        "",
        f"{'floor: read inputs (fastexcel / read_csv)':44}{_s(fl['read']['total']['seconds'])}",
        *(
            f"{'  ' + k:44}{_s(v['seconds'])}  {v['rows']:>10,} rows, {v['files']} files"
            for k, v in fl["read"].items()
            if k != "total"
        ),
        f"{'floor: write core+mart to DuckDB':44}{_s(fl['write']['seconds'])}  "
        f"{fl['write']['total_rows']:>10,} rows",
        f"{'floor total':44}{_s(fl['total'])}",
        f"{'ratio pipeline / floor':44}{f['ratio']:8.2f} x",
        f"{'input rows / s (pipeline)':44}{f['rows_per_second']:10,.0f}",
        f"{'peak RSS during the pipeline':44}{f['peak_rss'].get('pipeline', 0):8.2f} GiB"
        f"  (Prefect server child {f['peak_rss_children'].get('pipeline', 0):.2f} GiB;"
        f" ru_maxrss {f['ru_maxrss_gib']:.2f} GiB)",
    ]
    load = f.get("load_average_at_start"), f.get("load_average_at_end")
    if load[0] is not None:
        lines.append(
            f"load average (1, 5, 15 min) at start {tuple(round(x, 2) for x in load[0])}"
            f", at end {tuple(round(x, 2) for x in load[1])}"
            + (
                "  ** machine busy: wall times inflated **"
                if max(load[0][0], load[1][0]) > 1.0
                else ""
            )
        )
    if result["targets"]:
        lines.append("")
        lines += [f"target {k}: {v}" for k, v in result["targets"].items()]
    return "\n".join(lines)


def targets(scale: str, f: dict) -> dict:
    if f.get("status") != "published":
        return {}
    if scale == "L":
        return {
            "L ratio <= 2x floor": f"{f['ratio']:.2f}x "
            + ("met" if f["ratio"] <= TARGET_L_RATIO else "MISSED"),
            "L peak < 4 GiB": f"{f['peak_rss'].get('pipeline', 0):.2f} GiB "
            + ("met" if f["peak_rss"].get("pipeline", 0) < TARGET_L_PEAK_GIB else "MISSED"),
        }
    if scale == "S":
        return {
            "S pipeline < 1 s beyond start-up": f"{f['pipeline']:.2f} s "
            + ("met" if f["pipeline"] < TARGET_S_PIPELINE_SECONDS else "MISSED")
        }
    return {}


def print_profile(path: Path, limit: int = 30) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(
        r"/work/main/(flows|transforms|schemas|warehouse)", limit
    )
    stats.sort_stats("tottime").print_stats(limit)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="S", help="S, M, L or XS")
    parser.add_argument("--out", type=Path, default=None, help="default bench/out/<scale>")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the flow call")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to SECONDS for the 1-min load average to drop below 0.5",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "bench" / "out" / args.scale).resolve()

    if args.measure:  # the child
        figures = measure(args.scale, out, args.profile)
        (out / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        return

    generated_file = out / "generated.json"
    generated = json.loads(generated_file.read_text()) if generated_file.exists() else {}
    fresh = generated.get("scale", {}).get("name") == args.scale and (out / "inbox").is_dir()
    if args.scale == "S" and (ROOT / "demo" / "inbox" / str(YEAR)).is_dir():
        fresh = fresh and generated.get("source") == "demo/inbox"  # the demo appeared later
    if not args.skip_generate and (args.regenerate or not fresh):
        print(f"generating {args.scale} into {out} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "bench.generate", "--scale", args.scale, "--out", str(out)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        generated = json.loads(generated_file.read_text())
    if not (out / "inbox").is_dir():
        sys.exit(f"no inbox at {out / 'inbox'}: run without --skip-generate")

    deadline = time.time() + args.wait_idle
    while os.getloadavg()[0] >= 0.5 and time.time() < deadline:
        time.sleep(5)
    env = dict(os.environ)
    env.setdefault("ASSESS_PII_KEY", "bench-pii-key")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # as the command line does
    for leftover in ("ASSESS_INBOX", "ASSESS_WAREHOUSE", "ASSESS_CONFIG"):
        env.pop(leftover, None)
    (out / "figures.json").unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--measure",
        "--scale",
        args.scale,
        "--out",
        str(out),
    ] + (["--profile"] if args.profile else [])
    print(f"running assess_year on {args.scale} ...", file=sys.stderr)
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    figures = json.loads((out / "figures.json").read_text())
    result = {
        "scale": args.scale,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "command": f"uv run python -m bench.run --scale {args.scale}",
        "generated": {k: generated.get(k) for k in ("scale", "source", "rows", "files", "seconds")},
        "figures": figures,
        "targets": targets(args.scale, figures),
    }
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(table(result))
    print(f"\nresult: {out / 'result.json'}")
    if args.profile and figures.get("profile"):
        print_profile(Path(figures["profile"]))


if __name__ == "__main__":
    main()
