"""SPEC 6.10 written a second time, plainly (dicts and loops), and held against the product line
by line on the demo county with 200 seeded random decisions: some naming no line or several,
some after the as-of date, several on one line, 加分 and 扣分 beside them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest

from flows.tasks import take_in, unwrap
from schemas.codes import CONTESTABLE
from schemas.tables import DECISIONS
from tests.scoring.scoring_builders import frame
from transforms.scoring import UNMATCHED, score_year
from transforms.year import compute_year

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2022, 1, 31)
ACTIONS = ("维持", "撤销", "改分", "加分", "扣分")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    files = unwrap(take_in.fn(ROOT / "demo/inbox/2021", tmp_path_factory.mktemp("a"))).files
    got = compute_year(2021, AS_OF, files, lambda: b"oracle-key")
    return got.ctx, {**got.core, "appeals": got.core["appeals"].clear()}


def random_decisions(lines: list[dict], rng: random.Random, n: int = 200) -> list[dict]:
    out = []
    for i in range(n):
        line = rng.choice(lines)
        action = rng.choice(ACTIONS)
        named = {k: line[k] for k in ("rule_id", "task_id", "month", "ref")}
        if rng.random() < 0.25:  # leave a part out: may then name several lines
            named[rng.choice(("task_id", "month", "ref"))] = None
        if rng.random() < 0.05:
            named["task_id"] = "T999"  # names no line
        day = AS_OF + dt.timedelta(days=rng.randint(-40, 10))  # some after the as-of date
        points = None if action in ("维持", "撤销") else float(rng.choice((0.5, 1, 1.5, 2)))
        out.append(
            {
                "year": 2021,
                "decision_no": f"D{rng.randint(1, 60):03d}",
                "decided_on": day,
                "appeal_no": None,
                "unit_id": line["unit_id"],
                "action": action,
                **({} if action in ("加分", "扣分") else named),
                "points": points,
                "reason": f"r{i}",
                "file": "decisions/d.xlsx",
                "sheet": None,
                "row_number": i + 2,
            }
        )
    return out


def oracle(lines: list[dict], decisions: list[dict]) -> tuple[list[tuple], set[int]]:
    """The decision lines 6.10 asks for, and the rows to quarantine (naming 0 or 2+ lines)."""

    def names(d, line):
        return (
            line["unit_id"] == d["unit_id"]
            and line["rule_id"] == d.get("rule_id")
            and all(d.get(k) is None or d.get(k) == line[k] for k in ("task_id", "month", "ref"))
        )

    acting, quarantined = {}, set()
    added = []
    for d in decisions:
        if d["decided_on"] > AS_OF:
            continue  # listed, not applied
        if d["action"] in ("加分", "扣分"):
            sign, rule, comp = (
                (1, "decision_bonus", "bonus")
                if d["action"] == "加分"
                else (-1, "decision_penalty", "penalty")
            )
            added.append(
                (d["unit_id"], comp, rule, sign * d["points"], None, None, d["decision_no"])
            )
            continue
        found = [i for i, line in enumerate(lines) if names(d, line)]
        if len(found) != 1:
            quarantined.add(d["row_number"])
            continue
        key = found[0]
        order = (d["decided_on"], d["decision_no"], d["file"], d["row_number"])
        if key not in acting or order > acting[key][0]:
            acting[key] = (order, d)
    for key, (_, d) in acting.items():
        line = lines[key]
        if d["action"] == "撤销":
            points, rule = -line["points"], "decision_void"
        elif d["action"] == "改分":
            new = -d["points"] if line["component"] == "penalty" else d["points"]
            points, rule = new - line["points"], "decision_change"
        else:
            continue  # 维持
        added.append(
            (
                line["unit_id"],
                line["component"],
                rule,
                points,
                line["task_id"],
                line["month"],
                d["decision_no"],
            )
        )
    return added, quarantined


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decision_lines_agree_with_a_plain_reading_of_the_spec(demo, seed):
    ctx, core = demo
    base = score_year(ctx, {**core, "decisions": core["decisions"].clear()})["score_line_item"]
    lines = base.filter(pl.col("rule_id").is_in(CONTESTABLE)).to_dicts()
    decisions = random_decisions(lines, random.Random(seed))
    got = score_year(ctx, {**core, "decisions": frame(DECISIONS, decisions)})
    expected, quarantined = oracle(lines, decisions)
    mine = got["score_line_item"].filter(pl.col("rule_id").str.starts_with("decision"))
    key = ["unit_id", "component", "rule_id", "task_id", "month", "ref", "points"]
    as_rows = pl.DataFrame(
        expected,
        schema=dict(
            zip(
                key[:3] + ["points"] + key[3:6],
                [pl.String] * 3 + [pl.Float64, pl.String, pl.Int32, pl.String],
                strict=True,
            )
        ),
        orient="row",
    )
    left = mine.select(key).with_columns(pl.col("points").round(9)).sort(key, nulls_last=True)
    right = as_rows.select(key).with_columns(pl.col("points").round(9)).sort(key, nulls_last=True)
    assert left.rows() == right.rows()
    assert set(got[UNMATCHED]["row_number"].to_list()) == quarantined
    assert len(quarantined) > 0 and len(expected) > 50  # the draw reaches every case


def test_the_replay_is_deterministic(demo):
    ctx, core = demo
    base = score_year(ctx, core)["score_line_item"]
    lines = base.filter(pl.col("rule_id").is_in(CONTESTABLE)).to_dicts()
    decisions = frame(DECISIONS, random_decisions(lines, random.Random(7)))
    once = score_year(ctx, {**core, "decisions": decisions})
    again = score_year(dataclasses.replace(ctx), {**core, "decisions": decisions.reverse()})
    for name in ("score_line_item", "unit_score", "review_decision"):
        assert once[name].equals(again[name]), name
