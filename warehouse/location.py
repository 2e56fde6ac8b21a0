"""Where the warehouse is, and the one interface through which everything writes and reads it.

The settings name a location (flows/config.py); `locate` turns it into a `Warehouse`, the only
place a backend is chosen. Flows, the analyst shell and the dictionary ask the Warehouse: is it
usable, publish this atomically, open it read-only, and the read queries (which run, which
approval, which marts are published). Today there is one backend, `DuckDBFile`: one DuckDB file
published by copy aside, write, swap by rename under a writer lock (warehouse/publish.py).

Another backend (a DuckLake catalog for a province, say) is one more subclass: it provides the
abstract methods below with the same guarantees (docs/reliability.md, "Another warehouse
backend"); the queries and the publication itself are the base class's, written once in SQL.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.lock import open_elsewhere, say_on_stderr
from warehouse.target import RunNotFound, check_target  # RunNotFound: raised here too

if TYPE_CHECKING:
    import datetime as dt

    from schemas.tables import Table
    from warehouse.publish import Publication
    from warehouse.read import (
        Approval,
        LastMonth,
        PublishedPlan,
        PublishedRun,
        PublishedYear,
        RunRecord,
    )

DEFAULT_LOCATION = "assess.duckdb"
DUCKDB_SCHEME = "duckdb:"  # `duckdb:PATH` (also `duckdb:///abs/path`) names a DuckDB file too
LOG_DIR = "logs"


def _nothing() -> None:
    pass


class Warehouse(ABC):
    """A warehouse: where published results live. str() is its location, as messages name it
    and as `locate` reads it back (a Prefect task is handed it as text).

    The read queries and `publish` are written once here, on the sessions a backend opens
    (warehouse/read.py, warehouse/publish.py; both imported on use, so choosing a warehouse,
    as the settings do before any work, does not load polars)."""

    # ---------------------------------------------------------------- what a backend provides
    @abstractmethod
    def exists(self) -> bool:
        """Whether anything has been written there yet (False: nothing to read)."""

    @abstractmethod
    def check_writable(self) -> None:
        """Refuse, before any work and changing nothing, a warehouse a run could not publish
        to: WarehouseUnusable or WarehouseInUse, with the one-line reason."""

    @abstractmethod
    def writing(
        self,
        run_id: str,
        wait_seconds: float,
        tables: tuple[Table, ...],
        on_wait: Callable[[str], None] | None = say_on_stderr,
        on_swapped: Callable[[], None] = _nothing,
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """Under the writer lock (waiting at most `wait_seconds`, telling `on_wait` once), a
        connection inside one transaction on the next state, with `tables` created. Leaving
        normally makes it the published state in one step and calls `on_swapped` (interrupts
        held until it returns); any exception leaves the published state untouched."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A read-only session on one consistent published state; RunNotFound when there is
        nothing there, or when a query meets a table never published."""

    @abstractmethod
    def session(self, config: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
        """A read-only connection opened with DuckDB `config` (the analyst's sandbox), which
        the caller closes; WarehouseInUse when another program has it open for writing."""

    @property
    @abstractmethod
    def home(self) -> Path:
        """The folder its archive/, out/ and logs/ live in unless the settings say otherwise."""

    # ---------------------------------------------------------------- where things live
    @property
    def default_archive(self) -> Path:
        return self.home / "archive"

    @property
    def default_out(self) -> Path:
        return self.home / "out"

    @property
    def log_dir(self) -> Path:
        """Where the traceback of a run that ended in an unexpected error is written."""
        return self.home / LOG_DIR

    # ---------------------------------------------------------------- written once for all
    def publish(
        self,
        pub: Publication,
        wait_seconds: float = 600,
        guard: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
        on_wait: Callable[[str], None] | None = say_on_stderr,
        on_swapped: Callable[[], None] = _nothing,
    ) -> None:
        """Make `pub` part of the published warehouse in one step, or leave it untouched
        (warehouse.publish.write_publication: `guard`, `on_wait`, `on_swapped`)."""
        from warehouse.publish import write_publication

        write_publication(self, pub, wait_seconds, guard, on_wait, on_swapped)

    def publication(self, year: int) -> PublishedRun | None:
        """The year's published run, or None (also when nothing is there yet)."""
        from warehouse.read import current_publication

        if not self.exists():
            return None
        with self.reading() as con:
            return current_publication(con, year)

    def approval(self, year: int) -> Approval | None:
        """The year's approval in force (定稿), or None."""
        from warehouse.read import current_approval

        if not self.exists():
            return None
        with self.reading() as con:
            return current_approval(con, year)

    def published_run(self, year: int, run_id: str | None = None) -> RunRecord:
        """A published run (the year's current one by default) with its input files and its
        marts from history.*; RunNotFound when there is none."""
        from warehouse.read import run_record

        with self.reading() as con:
            return run_record(con, year, run_id)

    def last_month(self, year: int, month: int, as_of: dt.date) -> LastMonth | None:
        """Last month's publication of `year` for a run assessing `month` as of `as_of`."""
        from warehouse.read import last_month_of

        if month < 2 or not self.exists():
            return None
        with self.reading() as con:
            return last_month_of(con, year, month, as_of)

    def published_plan(self, year: int) -> PublishedPlan:
        """The units, tasks and reports of the year's published run (the fill-in templates)."""
        from warehouse.read import plan_of

        with self.reading() as con:
            return plan_of(con, year)

    def published_year(self, year: int) -> PublishedYear:
        """What the year's published run left for people to read (看板.html)."""
        from warehouse.read import year_of

        with self.reading() as con:
            return year_of(con, year)


@dataclass(frozen=True)
class DuckDBFile(Warehouse):
    """One DuckDB file: published by copy aside, write, swap by rename under `<file>.lock`
    (warehouse/publish.py); its archive, office files and logs beside it."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.is_file()

    def check_writable(self) -> None:
        check_target(self.path)

    def writing(
        self,
        run_id: str,
        wait_seconds: float,
        tables: tuple[Table, ...],
        on_wait: Callable[[str], None] | None = say_on_stderr,
        on_swapped: Callable[[], None] = _nothing,
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        from warehouse.publish import swapped_in

        return swapped_in(self.path, run_id, wait_seconds, tables, on_wait, on_swapped)

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.path.is_dir():
            raise RunNotFound(f"数据仓库应为 DuckDB 文件，这是一个文件夹：{self.path}")
        if not self.path.is_file():
            raise RunNotFound(f"数据仓库不存在：{self.path}")
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            yield con
        except duckdb.CatalogException:  # a warehouse that never published anything
            raise RunNotFound("数据仓库中尚无已发布的运行") from None
        finally:
            con.close()

    def session(self, config: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=True, config=dict(config))
        except duckdb.Error as exc:  # another program has it open for writing: say which
            raise open_elsewhere(self.path, exc) or exc from None

    @property
    def home(self) -> Path:
        return self.path.parent


def locate(where: Warehouse | str | os.PathLike[str]) -> Warehouse:
    """The warehouse a setting names: a file path (as `--warehouse`, ASSESS_WAREHOUSE and
    assess.toml have always given it) or `duckdb:PATH`, a DuckDB file. The one place a
    backend is chosen: another backend adds its own form of location here."""
    if isinstance(where, Warehouse):
        return where
    text = os.fspath(where)
    if text.startswith(DUCKDB_SCHEME):
        text = text.removeprefix(DUCKDB_SCHEME)
        text = text[2:] if text.startswith("//") else text  # duckdb:///srv/a.duckdb
    return DuckDBFile(Path(text))


def publish(
    where: Warehouse | str | os.PathLike[str],
    pub: Publication,
    wait_seconds: float = 600,
    guard: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    on_wait: Callable[[str], None] | None = say_on_stderr,
    on_swapped: Callable[[], None] = _nothing,
) -> None:
    """Warehouse.publish for a caller holding a location (a path is a DuckDB file)."""
    locate(where).publish(pub, wait_seconds, guard, on_wait, on_swapped)


def published_year(where: Warehouse | str | os.PathLike[str], year: int) -> PublishedYear:
    """Warehouse.published_year for a caller holding a location (office/published.py)."""
    return locate(where).published_year(year)
