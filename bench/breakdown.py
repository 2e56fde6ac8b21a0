"""Where the pipeline's time goes: the same steps as `assess_year`, without Prefect, timed.

    uv run python -m bench.breakdown --scale M [--publish]

Runs plan → sources → core → score (→ publish into a scratch warehouse with --publish) on
``bench/out/<scale>/inbox`` in this process, with timing wrappers around the functions that
matter (readers, header matching, parsing, validation, dedupe, pseudonymisation, scoring,
publication). Prints, per function: calls, cumulative seconds and share of the total.
Wrapped functions nest (intake contains stack and parse), so shares do not add up.
Nothing in the pipeline is changed: the wrappers are installed on the module attributes
the callers look up, for this process only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib
import os
import resource
import shutil
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2021
AS_OF = dt.date(2022, 1, 31)

# (module where the caller looks the name up, attribute)
WRAPPED = (
    ("transforms.reports", "intake"),
    ("transforms.funding", "intake"),
    ("transforms.surveys", "intake"),
    ("transforms.plan", "intake"),
    ("transforms.intake", "stack"),
    ("transforms.intake", "conform_headers"),
    ("transforms.intake", "parse"),
    ("transforms.reports", "check"),
    ("transforms.funding", "check"),
    ("transforms.surveys", "check"),
    ("transforms.plan", "check"),
    ("transforms.validate", "schema_failures"),
    ("transforms.reports", "dedupe"),
    ("transforms.funding", "dedupe"),
    ("transforms.surveys", "dedupe"),
    ("transforms.surveys", "pseudonymise_ip"),
    ("transforms.surveys", "_decode_answers"),
    ("transforms.surveys", "_score"),
    ("transforms.year", "score_year"),
    ("warehouse.publish", "_write"),
    ("warehouse.publish", "create_tables"),
)


def _rss_gib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024**3


def _max_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)
        self.memory: dict[str, tuple[float, float]] = {}  # step → (RSS after, peak so far) GiB

    def wrap(self, module_name: str, attr: str) -> None:
        module = importlib.import_module(module_name)
        original = getattr(module, attr, None)
        if original is None:
            print(f"(not timed: {module_name}.{attr} no longer exists)")
            return
        name = f"{original.__module__}.{original.__qualname__}"
        if module_name != original.__module__:
            name += f" (from {module_name.rsplit('.', 1)[-1]})"

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self._depth[name] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth[name] -= 1
                if not self._depth[name]:  # recursion counts once
                    self.seconds[name] += time.perf_counter() - started
                    self.memory[name] = (_rss_gib(), _max_rss_gib())
                self.calls[name] += 1

        setattr(module, attr, timed)

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                timer.seconds[name] += time.perf_counter() - self.started
                timer.calls[name] += 1
                timer.memory[name] = (_rss_gib(), _max_rss_gib())

        return _Step()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--out", type=Path, default=None, help="default bench/out/<scale>")
    parser.add_argument("--publish", action="store_true", help="also publish to a scratch file")
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "bench" / "out" / args.scale).resolve()
    os.environ.setdefault("ASSESS_PII_KEY", "bench-pii-key")

    import flows  # noqa: F401
    from flows import tasks
    from transforms.year import compute_year
    from warehouse import inbox, location, publish

    timer = Timer()
    for module, attr in WRAPPED:
        timer.wrap(module, attr)
    year_dir = out / "inbox" / str(YEAR)
    started = time.perf_counter()
    with timer.step("1 read bytes (take_in without archive)"):
        files = [
            inbox.TakenIn(file.split("/", 1)[0], file, "", 0, (year_dir / file).read_bytes())
            for file in inbox.list_inbox(year_dir).files
        ]
    steps = {"plan": "2 plan", "sources": "3 sources + core tables", "score": "4 score"}

    def step(name, fn, *fn_args):
        with timer.step(steps[name]):
            return fn(*fn_args)

    key = os.environ["ASSESS_PII_KEY"].encode()
    got = compute_year(YEAR, AS_OF, files, lambda: key, step=step)
    core, marts = got.core, got.marts
    if args.publish:
        scratch = out / "breakdown"
        shutil.rmtree(scratch, ignore_errors=True)
        with timer.step("5 audit rows + publish"):
            audit = {
                "input_file": tasks.audit_input_files(
                    "breakdown", YEAR, files, got.plan, got.loaded
                ),
                "quarantine": tasks.audit_quarantine("breakdown", YEAR, got.loaded),
            }
            location.publish(
                scratch / "assess.duckdb",
                publish.Publication("breakdown", YEAR, audit, core, marts),
            )
    total = time.perf_counter() - started
    rows = sum(f.data.count(b"\n") for f in files if f.file.endswith(".csv"))
    print(
        f"scale {args.scale}: {len(files)} files; total {total:.2f} s "
        f"(CSV lines {rows:,}; marts {', '.join(f'{k} {v.height:,}' for k, v in marts.items())})"
    )
    print(f"{'function / step':72}{'calls':>7}{'seconds':>10}{'share':>8}")
    for name, seconds in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f"{name:72}{timer.calls[name]:>7}{seconds:>10.2f}{seconds / total:>8.1%}")
    # in the order of first completion; figures after the last call
    print(f"\n{'step / function':72}{'RSS after (GiB)':>16}{'peak so far (GiB)':>19}")
    for name, (rss, peak) in timer.memory.items():
        print(f"{name:72}{rss:>16.2f}{peak:>19.2f}")


if __name__ == "__main__":
    main()
