"""What a person at a terminal sees: wall time, first output, longest silence of a command.

    uv run python -m bench.interactive [--runs 2] [--cwd DIR] -- COMMAND ...

The command runs under a pseudo-terminal (as in a terminal window, so output is not held back
by pipe buffering); every chunk it prints is time-stamped. Default command: the README's demo
run in a scratch folder (bench/out/demo). Prints one line per run; the last is the "second
run" of the README's goal (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = [
    "uv",
    "run",
    "--no-dev",
    "assess",
    "run",
    "--year",
    "2021",
    "--inbox",
    str(ROOT / "demo" / "inbox"),
    "--as-of",
    "2022-01-31",
]


@dataclass
class Seen:
    wall: float
    first_output: float | None
    longest_silence: float
    exit_code: int
    output: str
    lines: list[tuple[float, str]]


def watch(command: list[str], cwd: Path, env: dict[str, str]) -> Seen:
    """Run `command` on a pseudo-terminal and time-stamp what it prints."""
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=follower, stderr=follower)
    os.close(follower)
    stamps: list[float] = []
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        stamps.append(time.perf_counter() - start)
        chunks.append(data)
    code = proc.wait()
    wall = time.perf_counter() - start
    os.close(leader)
    marks = [0.0, *stamps, wall]
    silence = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    text = b"".join(chunks).decode("utf-8", "replace")
    lines = [
        (t, line)
        for t, c in zip(stamps, chunks, strict=True)
        for line in c.decode("utf-8", "replace").splitlines()
    ]
    return Seen(wall, stamps[0] if stamps else None, silence, code, text, lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cwd", type=Path, default=ROOT / "bench" / "out" / "demo")
    parser.add_argument("--fresh", action="store_true", help="empty --cwd first")
    parser.add_argument("--show", action="store_true", help="print the last run's output")
    parser.add_argument("command", nargs="*")
    args = parser.parse_args(argv)
    if args.fresh:
        shutil.rmtree(args.cwd, ignore_errors=True)
    args.cwd.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ASSESS_PII_KEY": os.environ.get("ASSESS_PII_KEY", "demo-only-key")}
    env.setdefault("UV_PROJECT", str(ROOT))
    seen: list[Seen] = []
    for i in range(args.runs):
        s = watch(args.command or DEMO, args.cwd, env)
        seen.append(s)
        first = "—" if s.first_output is None else f"{s.first_output:.2f} s"
        print(
            f"run {i + 1}: wall {s.wall:.2f} s, first output {first}, "
            f"longest silence {s.longest_silence:.2f} s, exit {s.exit_code}",
            flush=True,
        )
    if args.show:
        for t, line in seen[-1].lines:
            print(f"{t:6.2f}  {line[:120]}")
    result = [{k: v for k, v in asdict(s).items() if k not in ("output", "lines")} for s in seen]
    (args.cwd / "interactive.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
