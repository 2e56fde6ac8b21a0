"""The office files of a published run, written together into out/<year>/ (README: "What the
demo run leaves behind"): every output declared in office/outputs.py, from one PublishedYear,
written aside and renamed into place (office/folders.py), so the folder always holds the files
of one run, beside the kept bulletins of earlier months (历次通报/)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from office.edition import Edition, set_mtime, undated
from office.folders import Go, swapped_folder
from office.outputs import OUTPUTS, OfficeOutput
from office.published import PublishedYear
from office.workbooks.findings import FINDINGS_DIR
from warehouse.location import Warehouse

__all__ = ["FINDINGS_DIR", "KEPT_DIR", "keep_bulletins", "write_office_files", "write_outputs"]

KEPT_DIR = "历次通报"  # out/<year>/历次通报/<MM>月/: the latest publication of each month assessed


def keep_bulletins(out_dir: Path, aside: Path, edition: Edition, kept: Iterable[str]) -> None:
    """Carry the kept bulletins of earlier months over from `out_dir` into `aside`, and keep this
    publication's files `kept` as its month's (replacing an earlier night's of the same month):
    a July printout stays findable in November, and tells itself apart by its edition line."""
    folder = aside / KEPT_DIR
    if (out_dir / KEPT_DIR).is_dir():
        shutil.copytree(out_dir / KEPT_DIR, folder, copy_function=shutil.copy2)
    if edition.month <= 0:
        return
    month = folder / edition.folder
    shutil.rmtree(month, ignore_errors=True)
    month.mkdir(parents=True)
    for name in kept:
        if (aside / name).is_file():
            shutil.copy2(aside / name, month / name)


def write_office_files(
    out_dir: Path,
    year: int,
    marts: dict[str, pl.DataFrame],
    core: dict[str, pl.DataFrame],
    quarantine: pl.DataFrame,
    last_month: int,
    warehouse: Warehouse | Path | None = None,
    county: str = "",
    edition: Edition | None = None,
    go: Go | None = None,
) -> Path:
    """The office files of the run's frames (its PublishedYear, built here once): 考核结果.xlsx,
    预警清单.xlsx, 单位反馈/, the fill-in templates for the next report (填报模板/, the month
    after `last_month`, docs/templates.md) and, once published in `warehouse`, 看板.html.

    Every file says which publication it is (`edition`: as-of date, month assessed, 临时/最终)
    and carries its date as its modification time; 历次通报/<MM>月/ keeps the latest bulletin of
    every month assessed (docs/dashboard.md, "Dated and kept"). With `go`, written while the
    run publishes: they replace out/<year>/ once `go` keeps them (office/folders.py)."""
    edition = edition or undated(year, last_month)
    published = PublishedYear(edition, marts, core, quarantine, county, warehouse)
    return write_outputs(out_dir, published, go=go)


def write_outputs(
    out_dir: Path,
    published: PublishedYear,
    outputs: Iterable[OfficeOutput] = OUTPUTS,
    go: Go | None = None,
) -> Path:
    """Write `outputs` of the published year into `out_dir`, replacing what it held but the
    kept bulletins; all dated by the publication. With `go`: into place once it keeps them,
    and no further output is written once it has withdrawn them."""
    written = [o for o in outputs if published.warehouse is not None or not o.published_only]
    with swapped_folder(out_dir, go) as aside:
        for output in written:
            if go is not None and go.withdrawn():
                return out_dir  # the run was not published: nothing goes into place
            output.write(published, aside / output.path)
        set_mtime((p for p in aside.rglob("*") if p.is_file()), published.edition.dated)
        keep_bulletins(out_dir, aside, published.edition, (o.path for o in written if o.kept))
    return out_dir
