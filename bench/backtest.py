"""Backtest of the year-end forecast (transforms/forecast.py; docs/forecast.md).

For an inbox year: as of the due date of each month 1..11, the tasks flagged 预计逾期 with what
was known then, judged by the year's final reports: how many flagged tasks did miss their due
month (precision) and how many of the tasks that missed were flagged (recall).

    uv run python -m bench.backtest demo/inbox/2021 bench/out/M/inbox/2021
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from flows.tasks import take_in, unwrap
from transforms import reports
from transforms.assessment import Assessment
from transforms.forecast import backtest
from transforms.plan import build_plan
from transforms.year import by_folder


def backtest_inbox(year_dir: Path, year: int = 2021) -> pl.DataFrame:
    """The backtest of one inbox year (plan and reports only), as of 31 January next year."""
    with tempfile.TemporaryDirectory() as archive:
        files = unwrap(take_in.fn(year_dir, Path(archive))).files
    folders = by_folder(files)
    plan = build_plan(year, folders["plan"])
    loaded = reports.progress_reports(folders.get("reports", []), plan)
    ctx = Assessment(year, dt.date(year + 1, 1, 31), plan.rules)
    return backtest(ctx, plan.tasks, loaded.rows)


def summary(frame: pl.DataFrame) -> dict[str, float]:
    total = frame.select(pl.all().exclude("as_of_month").sum()).row(0, named=True)
    return {
        "flagged": total["flagged"],
        "precision": total["flagged_missed"] / total["flagged"] if total["flagged"] else 0.0,
        "missed": total["eligible_missed"],
        "recall": total["missed_flagged"] / total["eligible_missed"]
        if total["eligible_missed"]
        else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("year_dirs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for year_dir in args.year_dirs:
        frame = backtest_inbox(year_dir)
        print(year_dir)
        with pl.Config(tbl_rows=20):
            print(frame)
        s = summary(frame)
        print(
            f"all months: {s['flagged']} flagged, precision {s['precision']:.1%}; "
            f"{s['missed']} missed, recall {s['recall']:.1%}"
        )


if __name__ == "__main__":
    main()
