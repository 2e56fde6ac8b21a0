"""The warehouse chosen in one place: a setting names a location, `locate` turns it into a
Warehouse, and the read queries answer with typed records. A second backend is one subclass."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from flows.config import settings
from flows.runs import run_row
from tests.warehouse.test_publish import _pub
from warehouse.ddl import create_tables
from warehouse.location import DuckDBFile, RunNotFound, Warehouse, locate
from warehouse.read import Approval, PublishedRun

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "published_e7f820c"
FINAL = "2021-20261203T185525Z-2593c2"  # as of 2022-01-31, final, approved
JULY = "2021-20261203T185512Z-915af6"  # as of 2021-07-20, provisional


def test_a_setting_names_a_location():
    file = DuckDBFile(Path("srv/assess.duckdb"))
    assert locate("srv/assess.duckdb") == locate(Path("srv/assess.duckdb")) == file
    assert locate("duckdb:srv/assess.duckdb") == file
    assert locate("duckdb:///srv/assess.duckdb") == DuckDBFile(Path("/srv/assess.duckdb"))
    assert locate(file) is file and str(file) == "srv/assess.duckdb"
    assert (file.default_archive, file.default_out, file.log_dir) == (
        Path("srv/archive"),
        Path("srv/out"),
        Path("srv/logs"),
    )


def test_the_settings_hold_the_chosen_warehouse(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("WAREHOUSE", "ARCHIVE", "OUT", "CONFIG"):
        monkeypatch.delenv(f"ASSESS_{name}", raising=False)
    monkeypatch.setenv("ASSESS_WAREHOUSE", "duckdb:/srv/a/assess.duckdb")
    conf = settings()
    assert conf.warehouse == DuckDBFile(Path("/srv/a/assess.duckdb"))
    assert (conf.archive, conf.out) == (Path("/srv/a/archive"), Path("/srv/a/out"))
    assert settings(warehouse=Path("b.duckdb")).warehouse == DuckDBFile(Path("b.duckdb"))


@pytest.fixture
def approved(tmp_path) -> Warehouse:
    """The second fixture's warehouse: July and the final result published, the final approved."""
    path = tmp_path / "assess.duckdb"
    with gzip.open(FIXTURE / "assess.duckdb.gz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return locate(path)


def test_the_read_queries_answer_with_typed_records(approved):
    run = approved.publication(2021)
    assert isinstance(run, PublishedRun)
    assert (run.run_id, run.as_of, run.last_month, run.is_final) == (
        FINAL,
        dt.date(2022, 1, 31),
        12,
        True,
    )
    assert run.semantics_version == 2 and run.rules_resolved and run.rules_sha256
    approval = approved.approval(2021)
    assert isinstance(approval, Approval)
    assert (approval.run_id, approval.document) == (FINAL, "大英目考〔2022〕1号")
    record = approved.published_run(2021)
    assert record.run == run and record.files.height > 0
    assert record.marts["unit_score"].height > 0
    assert approved.published_run(2021, JULY).run.is_final is False
    assert approved.published_plan(2021).run_id == FINAL
    with pytest.raises(RunNotFound, match="找不到 2021 年已发布的运行 nope"):
        approved.published_run(2021, "nope")
    assert approved.publication(2020) is None and approved.approval(2020) is None


def test_nothing_there_yet(tmp_path):
    empty = locate(tmp_path / "assess.duckdb")
    assert not empty.exists()
    assert empty.publication(2021) is None and empty.approval(2021) is None
    assert empty.last_month(2021, 8, dt.date(2021, 9, 20)) is None
    with pytest.raises(RunNotFound, match="数据仓库不存在"):
        empty.published_run(2021)


class InMemory(Warehouse):
    """A second backend: one in-memory DuckDB database, its transaction as the one step."""

    def __init__(self) -> None:
        self.db = duckdb.connect()
        self.written = False

    def __str__(self) -> str:
        return "memory"

    def exists(self) -> bool:
        return self.written

    def check_writable(self) -> None:
        pass

    @contextmanager
    def writing(self, run_id, wait_seconds, tables, on_wait=None, on_swapped=lambda: None):
        con = self.db.cursor()
        con.execute("BEGIN TRANSACTION")
        try:
            create_tables(con, tables)
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()
        self.written = True
        on_swapped()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.db.cursor()
        try:
            yield con
        except duckdb.CatalogException:
            raise RunNotFound("数据仓库中尚无已发布的运行") from None
        finally:
            con.close()

    def session(self, config):
        return self.db.cursor()

    @property
    def home(self) -> Path:
        return Path("memory")


def _with_run(run_id: str, as_of: dt.date):
    pub = _pub(run_id, "70.00")
    pub.audit["run"] = run_row(
        run_id=run_id,
        ctx=None,
        year=2021,
        as_of=as_of,
        trigger="manual",
        status="published",
        message=None,
        rules_sha256=None,
        started_at=dt.datetime.now(dt.UTC),
        stages={},
    )
    return pub


def test_another_backend_is_one_subclass():
    memory = InMemory()
    swapped = []
    memory.publish(_with_run("r1", dt.date(2021, 7, 20)), on_swapped=lambda: swapped.append(1))
    assert swapped == [1] and memory.publication(2021).run_id == "r1"

    def refuse(con: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        memory.publish(_with_run("r2", dt.date(2021, 8, 20)), guard=refuse)
    assert memory.publication(2021).run_id == "r1"  # the refused run changed nothing
    assert memory.published_run(2021).marts["unit_score"]["run_id"].to_list() == ["r1"]
