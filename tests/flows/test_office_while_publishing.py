"""A run's office files are written while it publishes (flows/assess_year.OfficeFiles): an
interrupt while the flow waits for them withdraws them, unless they are already in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.assess_year import AFTER_PUBLICATION, OfficeFiles, RunResult
from flows.tasks import Raised
from office.folders import Go


class Interrupted:
    """A future whose first wait is interrupted (Ctrl-C), then gives what was written."""

    def __init__(self, written: object) -> None:
        self.written, self.waits = written, 0

    def result(self) -> object:
        self.waits += 1
        if self.waits == 1:
            raise KeyboardInterrupt
        return self.written


def _result() -> RunResult:
    return RunResult("2021-run", 2021, None, "published")  # type: ignore[arg-type]


def test_interrupted_before_the_files_are_in_place_they_are_withdrawn():
    go = Go()
    go.decide(True)  # published, the writer not done yet
    result = _result()
    with pytest.raises(KeyboardInterrupt):
        OfficeFiles(Interrupted(Path("out/2021")), go).wait(Path("assess.duckdb"), result)
    assert go.withdrawn() and result.out_dir is None


def test_interrupted_once_they_are_in_place_the_run_says_where_they_are():
    go = Go()
    go.decide(True)
    go.place(lambda: None)  # the writer put them in place just before the interrupt
    result = _result()
    OfficeFiles(Interrupted(Path("out/2021")), go).wait(Path("assess.duckdb"), result)
    assert result.out_dir == Path("out/2021") and result.warning is None


def test_an_interrupted_writer_leaves_the_year_published_and_says_the_files_are_missing():
    go = Go()
    go.decide(True)
    result = _result()
    future = Interrupted(Raised(KeyboardInterrupt()))
    future.waits = 1  # no interrupt in the flow's own wait
    OfficeFiles(future, go).wait(Path("assess.duckdb"), result)
    assert result.warning == AFTER_PUBLICATION and result.out_dir is None
