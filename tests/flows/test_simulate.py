"""assess simulate (docs/simulate.md): the demo's published run under draft rules; the published
warehouse, archive and office folder are byte-identical afterwards."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from flows.simulate import simulate_year
from tests.flows.conftest import assess_here, copy_published


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder` (the warehouse, its archive and its office files)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "prefect-home" not in p.as_posix() and "simulated" not in p.as_posix()
    }


@pytest.fixture
def published(published_demo, workspace, monkeypatch):
    monkeypatch.setenv("ASSESS_OUT", str(workspace / "out"))  # where the demo was published
    copy_published(published_demo, workspace)
    return workspace


def draft(workspace: Path, text: str, name: str = "draft.toml") -> str:
    path = workspace / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_weight_change_moves_the_expected_units_and_writes_nothing_published(published):
    rules = draft(published, "[weights]\nwork = 70\nsatisfaction = 30\n")
    before = digest(published)
    got = simulate_year(2021, rules, out=str(published / "simulated"))
    assert got.error is None, got.error
    units = {r["unit_id"]: r for r in got.simulation.units.to_dicts()}
    # DY01: every task complete, work 80 → 70; satisfaction 15.9546… × 30 / 20 = 23.93;
    # bonus 5, penalty 0.2: 70 + 23.93 + 5 − 0.2
    assert (units["DY01"]["total"], units["DY01"]["total_after"]) == (
        Decimal("100.75"),
        Decimal("98.73"),
    )
    assert units["DY01"]["sentence"] == "县民政局：总分 100.75 → 98.73"
    assert got.simulation.parameters.rows() == [
        ("weights.satisfaction", "20", "30"),
        ("weights.work", "80", "70"),
    ]
    dy01 = got.simulation.lines.filter(
        (pl.col("unit_id") == "DY01") & (pl.col("rule_id") == "task_completion")
    )
    assert dy01.height > 0 and (dy01["points_after"] < dy01["points"]).all()
    assert (published / "simulated" / "规则模拟.xlsx").is_file()
    page = (published / "simulated" / "规则模拟.html").read_text(encoding="utf-8")
    assert "weights.work" in page and "县民政局：总分 100.75 → 98.73" in page
    assert digest(published) == before


def test_a_draft_that_changes_nothing_reports_nothing(published):
    got = simulate_year(
        2021, draft(published, "[light]\nyellow_gap = 10\n"), out=str(published / "simulated")
    )
    assert got.error is None, got.error
    assert got.simulation.changes_nothing
    assert got.summary == "草案规则不改变任何单位的得分、排名或等次。"
    assert got.simulation.parameters.height == 0


def test_red_month_doubled_moves_only_penalty_lines(published):
    got = simulate_year(
        2021, draft(published, "[penalty]\nred_month = 1.0\n"), out=str(published / "simulated")
    )
    lines = got.simulation.lines
    # a voided red month stays voided: the decision's line follows the points it takes back
    assert set(lines["rule_id"]) <= {"red_month", "penalty_cap", "floor_zero", "decision_void"}
    red = lines.filter(pl.col("rule_id") == "red_month")
    assert red["points"].unique().to_list() == [-0.5]
    assert red["points_after"].unique().to_list() == [-1.0]
    first = red.row(0, named=True)
    assert first["sentence"].endswith("：−0.5 → −1.0 分（−0.5）")


def test_an_invalid_draft_is_one_line_and_the_command_exits_1(published):
    bad = draft(published, '[weights]\nwork = "70"\n', "bad.toml")
    got = simulate_year(2021, bad, out=str(published / "simulated"))
    assert got.error == "bad.toml：weights.work = '70' 无效：必须是数"
    done = assess_here(published, "simulate", "--year", "2021", "--rules", bad, "--quiet")
    assert done.returncode == 1
    assert done.stderr == "assess: 规则模拟未完成：bad.toml：weights.work = '70' 无效：必须是数\n"
    assert "Traceback" not in done.stdout + done.stderr


def test_the_office_folder_is_never_a_simulation_target(published):
    got = simulate_year(
        2021,
        draft(published, "[weights]\nwork = 70\nsatisfaction = 30\n"),
        out=str(published / "out" / "2021"),
    )
    assert got.error.startswith("模拟结果不写入正式的办公文件夹")
