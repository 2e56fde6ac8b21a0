"""Runs with the parsed files kept beside the archive (docs/reliability.md, "Parsed files kept
between runs"): a run that takes every file from the store publishes exactly what a run that
reads every file publishes; `assess run --full` and `assess rerun` do not read the store —
shown with an entry tampered with (a valid entry whose numbers were changed): an ordinary run
publishes the tampered numbers, a rerun still reproduces the first run, `--full` publishes the
true numbers again and keeps them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
from polars.testing import assert_frame_equal

from flows.assess_year import assess_year
from flows.rerun import rerun_year
from schemas.tables import MART_TABLES
from tests.flows.conftest import AS_OF, assess_here
from warehouse import parsed

AS_OF_DATE = dt.date.fromisoformat(AS_OF)


def published_marts(workspace: Path) -> dict[str, pl.DataFrame]:
    """The year's published marts, without the run id (it differs from run to run)."""
    con = duckdb.connect(str(workspace / "assess.duckdb"), read_only=True)
    try:
        return {
            t.name: con.sql(f"SELECT * FROM {t.qualified} WHERE year = 2021")
            .pl()
            .drop("run_id", strict=False)
            for t in MART_TABLES
        }
    finally:
        con.close()


def same(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> bool:
    try:
        for name in left:
            assert_frame_equal(left[name], right[name], check_exact=True)
    except AssertionError:
        return False
    return True


def tamper_reports(store: Path) -> None:
    """Every kept progress report says 100%: a valid entry (right format, right checksum) whose
    numbers are not what the files say."""
    for entry in store.iterdir():
        header, frames = parsed.decode(entry.read_bytes())
        if "typed:progress" in frames["rows"].columns:
            frames["rows"] = frames["rows"].with_columns(
                pl.col("typed:progress").fill_null(0) * 0 + 100.0
            )
            entry.write_bytes(parsed.encode(header, frames))
            return
    raise AssertionError("no entry of the progress reports")


def tampered_entries(store: Path) -> list[str]:
    return [
        entry.name
        for entry in store.iterdir()
        if (rows := parsed.decode(entry.read_bytes())[1]["rows"]).columns.count("typed:progress")
        and (rows["typed:progress"] == 100.0).all()
    ]


def test_kept_files_publish_what_reading_every_file_publishes(prefect_server, workspace):
    first = assess_year(2021, as_of=AS_OF_DATE)
    assert first.published, first.message
    truth = published_marts(workspace)
    store = workspace / "archive" / "parsed"
    assert len(list(store.iterdir())) == 6  # one per row source with files

    second = assess_year(2021, as_of=AS_OF_DATE)  # every file from the store
    assert second.published, second.message
    assert same(published_marts(workspace), truth)

    tamper_reports(store)
    tampered = assess_year(2021, as_of=AS_OF_DATE)
    assert tampered.published, tampered.message
    assert not same(published_marts(workspace), truth)  # the store is what an ordinary run read
    # the rerun reads the archive only: with the store it would find the first run differing
    assert rerun_year(2021, first.run_id).reproduced

    full = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF, "--full", "--quiet")
    assert full.returncode == 0, full.stderr
    assert same(published_marts(workspace), truth)
    assert not tampered_entries(store)  # --full wrote what the files say
