"""The demo's results, pinned: every mart row (final and provisional as-of dates) and every
cell of the office workbooks equal the recorded ones in tests/golden/.

A change that is meant to change results (an amended rule) regenerates them with
`ASSESS_UPDATE_GOLDEN=1 uv run pytest tests/test_demo_golden.py` and says why in its commit.
The steps run in-process (the Prefect tasks' plain functions), without a Prefect server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

import flows  # noqa: F401  (Prefect settings for an offline machine, before Prefect loads)
from flows.tasks import audit_quarantine, office_files_task, take_in, unwrap
from transforms.scoring import UNMATCHED, score_year
from transforms.warning_list import warning_list
from transforms.year import compute_year

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("ASSESS_UPDATE_GOLDEN") == "1"
AS_OF = ("2022-01-31", "2021-07-20")  # final, and the README's provisional look


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo computed as a run computes it (final), its core reused for other dates."""
    files = unwrap(take_in.fn(ROOT / "demo/inbox/2021", tmp_path_factory.mktemp("archive"))).files
    return compute_year(2021, dt.date.fromisoformat(AS_OF[0]), files, lambda: b"golden-key")


def marts_as_of(demo, as_of: str) -> dict[str, pl.DataFrame]:
    ctx = dataclasses.replace(demo.ctx, as_of=dt.date.fromisoformat(as_of))
    marts = score_year(ctx, demo.core)
    marts.pop(UNMATCHED)  # the run quarantines these (transforms/sources.settle)
    # publication stamps the run's id (warehouse/publish.py); the recorded files hold this one
    marts["unit_score"] = marts["unit_score"].with_columns(run_id=pl.lit("golden-run"))
    return marts


@pytest.mark.parametrize("as_of", AS_OF)
def test_marts_equal_the_recorded_ones(demo, as_of):
    for name, frame in marts_as_of(demo, as_of).items():
        path = GOLDEN / f"{as_of}.{name}.csv"
        if UPDATE:
            frame.write_csv(path)
        assert frame.write_csv() == path.read_text(encoding="utf-8"), f"{as_of} {name}"


@pytest.mark.parametrize("as_of", AS_OF)
def test_shown_components_add_up_to_the_shown_total(as_of):
    """Every unit of every golden run: total = max(0, work + satisfaction + bonus - penalty) on
    the numbers as stored and shown (null = 未测评 or no task started, counted as 0)."""
    scores = pl.read_csv(GOLDEN / f"{as_of}.unit_score.csv", infer_schema=False)
    for row in scores.iter_rows(named=True):
        work, satisfaction, bonus, penalty, total = (
            Decimal(row[c] or "0") for c in ("work", "satisfaction", "bonus", "penalty", "total")
        )
        assert total == max(Decimal(0), work + satisfaction + bonus - penalty), row["unit_id"]
        assert row["total"].count(".") == 1 and len(row["total"].split(".")[1]) == 2


def test_the_july_look_ranks_without_grades_and_rates_nothing_yet():
    scores = pl.read_csv(GOLDEN / "2021-07-20.unit_score.csv")
    assert scores["grade"].null_count() == scores.height  # 年终评定
    assert scores["satisfaction"].null_count() == scores.height  # 未测评: no survey by July
    assert sorted(scores["rank"].to_list()) == list(range(1, scores.height + 1))


def cell_digests(folder: Path) -> dict[str, str]:
    """sha256 of every sheet's cell values, by workbook#sheet."""
    digests = {}
    for f in sorted(folder.rglob("*.xlsx")):
        for ws in load_workbook(f, read_only=True).worksheets:
            rows = ws.iter_rows(values_only=True)
            text = "\n".join("\t".join("" if v is None else repr(v) for v in r) for r in rows)
            key = f"{f.relative_to(folder).as_posix()}#{ws.title}"
            digests[key] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def test_office_workbooks_equal_the_recorded_ones(demo, tmp_path):
    core = demo.core
    marts = marts_as_of(demo, "2022-01-31")
    marts["warning_list"] = warning_list(
        marts["task_month_status"], core["tasks"], "golden-run", 12
    )
    quarantine = audit_quarantine("golden-run", 2021, demo.loaded)
    out = unwrap(office_files_task.fn(tmp_path / "2021", 2021, marts, core, quarantine, 12))
    digests = cell_digests(out)
    path = GOLDEN / "office.json"
    if UPDATE:
        path.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True))
    recorded = json.loads(path.read_text(encoding="utf-8"))
    # every recorded sheet is unchanged (workbooks added later, e.g. templates, are not pinned)
    changed = sorted(k for k in recorded if recorded[k] != digests.get(k))
    assert not changed, f"office cells changed: {changed}"
