"""Whole processes side by side: `assess run` against the pandas job, on one inbox, in turn.

    uv run python -m bench.versus --scale M [--runs 3] [--before DIR]

1. Generates bench/out/<scale>/inbox unless it is there (bench.generate).
2. Runs `assess run --year 2021 --as-of 2022-01-31` once untimed into
   bench/out/<scale>/versus/assess.duckdb (the first run: archive written, Prefect server
   started if none is running), then `--runs` times in turn: `assess run` (a second run: the
   nightly case) and `python -m bench.pandas_job` (bench/pandas_job.py), each a fresh process,
   timed from launch to exit. The pandas job runs in an environment of its own,
   bench/out/.venv-pandas (the lock plus the `bench` dependency group): with pandas
   installed, `import pandera` imports pandas too (~1.5 s), which the product, using
   pandera's polars API only, does not need.
3. Checks that both loaded the same rows (per file and sheet, bench.pandas_job.same_rows).
4. `--before DIR`: also times `python -m cli run` of an older checkout in DIR (e.g. from
   `git archive <commit> | tar -x -C DIR`) with this environment, for a before/after figure.

Prints medians and writes bench/out/<scale>/versus.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import ensure_inbox

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "--year", "2021", "--as-of", "2022-01-31"]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall


def pandas_python() -> Path:
    """The Python of the pandas job's environment (made or updated from the lock), its packages
    compiled to bytecode like the product's (docs/operations.md, "Installing")."""
    venv = ROOT / "bench" / "out" / ".venv-pandas"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    subprocess.run(
        ["uv", "sync", "--locked", "--quiet", "--no-dev", "--group", "bench", "--compile-bytecode"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return venv / "bin" / "python"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="an older checkout to time as well")
    args = parser.parse_args(argv)
    base = ROOT / "bench" / "out" / args.scale
    inbox = base / "inbox"
    ensure_inbox(args.scale, base)
    work = base / "versus"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {**os.environ, "ASSESS_PII_KEY": os.environ.get("ASSESS_PII_KEY", "bench-only-key")}
    env.update(ASSESS_INBOX=str(inbox), ASSESS_WAREHOUSE=str(work / "assess.duckdb"))
    assess = [sys.executable, "-m", "cli", *RUN]
    pandas_job = [str(pandas_python()), "-m", "bench.pandas_job", "--inbox", str(inbox / "2021")]
    pandas_job += ["--out", str(work / "pandas.duckdb")]
    commands = {"assess run": (assess, ROOT), "pandas job": (pandas_job, ROOT)}
    if args.before:
        before_env = {**env, "ASSESS_WAREHOUSE": str(work / "before" / "assess.duckdb")}
        (work / "before").mkdir()
        timed(assess, args.before, before_env)  # its first run
        commands["assess run (before)"] = (assess, args.before)
    timed(assess, ROOT, env)  # the first run: archive, server
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (command, cwd) in commands.items():
            run_env = before_env if name.endswith("(before)") else env
            times[name].append(timed(command, cwd, run_env))
    check = "from bench.pandas_job import same_rows as s; import sys, json; "
    check += "print(json.dumps(s(*map(__import__('pathlib').Path, sys.argv[1:]))))"
    differ = json.loads(
        subprocess.run(
            [pandas_job[0], "-c", check, str(work / "assess.duckdb"), str(work / "pandas.duckdb")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    result = {
        "scale": args.scale,
        "load_average": os.getloadavg(),
        "wall_seconds": times,
        "median_seconds": {k: statistics.median(v) for k, v in times.items()},
        "same_rows": not differ,
        "rows_differ": differ,
    }
    (base / "versus.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    for name, median in result["median_seconds"].items():
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:22s} median {median:6.2f} s   ({runs})")
    print("same rows loaded (per file and sheet):", "yes" if not differ else f"NO {differ}")


if __name__ == "__main__":
    main()
