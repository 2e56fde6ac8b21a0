"""score_year end to end: the contract, determinism, the line-item invariant, rules overrides,
and the documented SQL explaining a unit's score."""

import math
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from scoring_builders import (
    D,
    community,
    conflict,
    entry,
    honor,
    lines_of,
    report,
    response,
    run,
    score_row,
    task,
    unit,
)
from scoring_builders import frame as core_frame

from schemas.rules import parse_rules
from schemas.tables import (
    APPEAL,
    COMMUNITIES,
    HONORS,
    LEDGER,
    MART_TABLES,
    REPORTS,
    REVIEW_DECISION,
    SURVEY_RESPONSES,
    TASKS,
    UNITS,
    VOUCHER_CONFLICTS,
)
from transforms.assessment import Assessment
from transforms.scoring import UNMATCHED, score_year

AS_OF = D(2021, 7, 5)  # M = 6
SCENARIO = dict(
    units=[unit("U01", ["C1"]), unit("U02", []), unit("U03", ["C1", "C2"])],
    communities=[community("C1"), community("C2")],
    tasks=[
        task("T1", "U01", start=1, due=4, weight=2),
        task("T2", "U01", metric="数量", target=50, start=2, due=12),
        task("T3", "U02", start=1, due=8, weight=3),
        task("T4", "U03", start=3, due=6),
        task("T5", "U03", start=1, due=12, weight=1.5),
    ],
    reports=[
        report("T1", "U01", 1, progress=20, submitted=D(2021, 2, 6)),
        report("T1", "U01", 2, progress=35),
        report("T1", "U01", 4, progress=40),
        report("T1", "U01", 5, progress=90),
        report("T1", "U01", 6, progress=100),
        report("T2", "U01", 2, actual=10),
        report("T2", "U01", 6, actual=61),
        report("T3", "U02", 1, progress=13),
        report("T3", "U02", 2, progress=26),
        report("T3", "U02", 3, progress=38),
        report("T3", "U02", 4, progress=51),
        report("T3", "U02", 5, progress=63),
        report("T3", "U02", 6, progress=76),
        report("T4", "U03", 3, progress=100),
        report("T5", "U03", 2, progress=10),
        report("T5", "U03", 5, progress=41.7),
    ],
    honors=[honor("U01", "市级", "遂委办〔2021〕3号"), honor("U03", "国家级", "国发〔2021〕1号")],
    ledger=[
        entry("T1", "下达", "10000.00"),
        entry("T1", "支出", "12000.00"),
        entry("T3", "下达", "5000.00"),
        entry("T3", "支出", "3333.33"),
    ],
    conflicts=[conflict("V9", "T5"), conflict("V9", "T4", row=3)],
    responses=[response("C1", 80.0 + i % 3, row=i) for i in range(2, 40)]
    + [response("C2", 66.6, row=50)],
)


# function scope: every test that reads the result runs the scoring itself, so mutation
# testing credits each of them (docs/mutation.md)
@pytest.fixture
def result():
    return run(as_of=AS_OF, **SCENARIO)


def test_every_mart_conforms_to_its_contract(result):
    by_name = {t.name: t for t in (*MART_TABLES, APPEAL, REVIEW_DECISION)}
    marts = {name: frame for name, frame in result.items() if name != UNMATCHED}
    assert set(marts) == set(by_name)
    assert result[UNMATCHED].height == 0  # no appeal or decision to quarantine
    for name, frame in marts.items():
        table = by_name[name]
        assert frame.schema == pl.Schema(table.polars_schema), name
        assert frame.equals(frame.sort(list(table.key), nulls_last=True)), name
        assert frame["year"].unique().to_list() in ([2021], []), name
    # the run's id is publication's to stamp: scoring does not know it
    assert result["unit_score"]["run_id"].to_list() == [None] * result["unit_score"].height
    # one row per key
    lines = result["score_line_item"]
    assert (
        lines.select("unit_id", "component", "rule_id", "task_id", "month", "ref")
        .is_duplicated()
        .sum()
        == 0
    )


def test_scenario_scores(result):
    u01 = score_row(result, "U01")
    # work: T1 (due 4 <= M) completion 1 (progress 100); T2 61/50 → 1, share 1: 80 * 3 / 3
    assert u01["work"] == Decimal("80.00")
    # satisfaction: C1 has 38 valid responses, mean (13 * 80 + 12 * 81 + 13 * 82) / 38 = 81
    assert u01["satisfaction"] == Decimal("16.20")
    # bonus: honor_city 1 + exceeded_target 0.5 (61 >= 60) + early_completion 0.5 (T2 in
    # month 6, due 12)
    assert u01["bonus"] == Decimal("2.00")
    # penalty: T1 red 3, 4, 5; missing 3, late 1; T2 red 3, 4, 5 (missing); missing 3, 4, 5;
    # overspent T1: 0.5 * 6 + 0.5 * 4 + 0.2 + 2 = 7.2
    assert u01["penalty"] == Decimal("7.20")
    assert str(u01["total"]) == "91.00"
    assert (u01["red_months"], u01["yellow_months"]) == (6, 1)
    # U02: T3 (1..8) planned(6) = 75%, progress 76% → share 1: work 80; satisfaction the county
    # mean of all 39 valid responses (3078 + 66.6) / 39 = 80.6307..., * 20 / 100; no penalty
    u02 = score_row(result, "U02")
    assert (u02["work"], u02["satisfaction"]) == (Decimal("80.00"), Decimal("16.13"))
    assert str(u02["penalty"]) == "0.00"  # not -0.00
    # U03: C1 counted alone (C2 has one response); T4 done; T5 (1..12, weight 1.5) at 41.7%
    # against planned(6) = 50%: share 0.834
    u03 = score_row(result, "U03")
    assert u03["work"] == Decimal("72.03")  # 80 * (1 + 1.5 * 0.834) / 2.5 = 72.032
    assert [
        (r["rule_id"], r["task_id"], r["ref"])
        for r in lines_of(result, "U03")
        if r["rule_id"] == "voucher_conflict"
    ] == [("voucher_conflict", "T4", "V9")]
    ranks = result["unit_score"].sort("rank").select("unit_id", "total", "rank", "grade").rows()
    assert ranks == [  # a provisional run ranks but does not grade
        ("U02", Decimal("97.13"), 1, None),  # 80 + 16.13 + 1 (all_green)
        ("U01", Decimal("91.00"), 2, None),
        ("U03", Decimal("86.73"), 3, None),  # 72.03 + 16.20 + 3.50 - 5.00
    ]


def test_identical_results_whatever_the_input_order(result):
    shuffled = dict(SCENARIO)
    for key in ("units", "tasks", "reports", "honors", "ledger", "conflicts", "responses"):
        shuffled[key] = list(reversed(SCENARIO[key]))
    again = run(as_of=AS_OF, **shuffled)
    for name in result:
        assert result[name].write_csv() == again[name].write_csv(), name
        assert result[name].equals(again[name]), name


def test_shown_components_add_up_to_the_total(result):
    """The rounded components add up to the total exactly; the lines' own sum is within the
    rounding of the four components (at most 4 * 0.005)."""
    lines = result["score_line_item"]
    for row in result["unit_score"].to_dicts():
        parts = [row[c] or Decimal(0) for c in ("work", "satisfaction", "bonus")]
        assert row["total"] == max(Decimal(0), sum(parts) - row["penalty"]), row["unit_id"]
        points = lines.filter(pl.col("unit_id") == row["unit_id"])["points"].to_list()
        unrounded = Decimal(repr(round(math.fsum(points), 9)))
        assert abs(unrounded - row["total"]) <= Decimal("0.02"), row["unit_id"]


def test_rules_override_changes_the_result(result):
    changed = run(as_of=AS_OF, rules="[weights]\nwork = 60\n[light]\nyellow_gap = 20\n", **SCENARIO)
    month2 = (pl.col("task_id") == "T1") & (pl.col("month") == 2)
    # T1 month 2: planned 50, progress 35, gap 15
    assert result["task_month_status"].filter(month2)["status"].to_list() == ["yellow"]
    assert changed["task_month_status"].filter(month2)["status"].to_list() == ["green"]
    assert score_row(result, "U01")["yellow_months"] == 1
    assert score_row(changed, "U01")["yellow_months"] == 0
    assert score_row(changed, "U01")["work"] == Decimal("60.00")
    # rules given as a dict work too
    assert run(as_of=AS_OF, rules=parse_rules(None), **SCENARIO)["unit_score"].equals(
        result["unit_score"]
    )


def test_rows_of_another_year_are_left_out(result):
    other = dict(SCENARIO)
    other["reports"] = SCENARIO["reports"] + [
        {**report("T1", "U01", 3, progress=100), "year": 2020}
    ]
    assert run(as_of=AS_OF, **other)["task_month_status"].equals(result["task_month_status"])


def _doc_sql(marker: str) -> str:
    text = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if marker in b)


def test_documented_query_explains_and_reconciles(result):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA mart")
    for name in ("score_line_item", "unit_score"):
        frame = result[name]  # noqa: F841 (read by DuckDB's replacement scan)
        con.execute(f"CREATE TABLE mart.{name} AS SELECT * FROM frame")
    rows = con.sql(_doc_sql("GROUPING SETS")).pl()
    body = rows.filter(pl.col("component") != "合计")
    expected = (
        result["score_line_item"]
        .filter(pl.col("unit_id") == "U01")
        .group_by("component", "rule_id")
        .agg(pl.len().alias("lines"))
        .sort("component", "rule_id")
    )
    keys = ["component", "rule_id"]
    assert body.select(keys).rows() == expected.select(keys).rows()
    assert body["lines"].to_list() == expected["lines"].to_list()
    total = rows.filter(pl.col("component") == "合计").to_dicts()
    assert len(total) == 1
    assert total[0]["unit_total"] == Decimal("91.00")
    assert total[0]["reconciles"] is True
    assert con.sql(_doc_sql("HAVING")).fetchall() == []


def test_empty_sources_and_no_units():
    # provisional: the task starts after M and nothing is rated yet: no line, nothing to grade
    quiet = run(as_of=AS_OF, units=[unit("U1")], tasks=[task("T1", "U1", start=8)])
    assert quiet["task_month_status"].height == 0
    assert lines_of(quiet, "U1") == []
    row = score_row(quiet, "U1")
    assert (row["work"], row["satisfaction"], row["total"], row["grade"]) == (
        None,
        None,
        Decimal("0.00"),
        None,
    )
    # final: every task counts and the county's satisfaction is 0 without any valid response
    final = run(as_of=D(2022, 1, 5), units=[unit("U1")], tasks=[task("T1", "U1", start=8)])
    lines = [r for r in lines_of(final, "U1") if r["component"] in ("work", "satisfaction")]
    assert [(r["rule_id"], r["points"], r["detail"]) for r in lines] == [
        ("county_satisfaction", 0.0, "未设联系社区，全县无有效答卷，满意度计0分"),
        ("task_completion", 0.0, "任务T1 完成度 0.0%，权重 1"),
    ]
    assert score_row(final, "U1")["grade"] == "不合格"
    nothing = run(as_of=AS_OF, units=[], tasks=[])
    assert all(frame.height == 0 for frame in nothing.values())


def test_a_missing_input_column_is_taken_as_nulls(result):
    # the scenario with columns scoring never reads left out of three inputs: the same marts
    core = {
        "units": core_frame(UNITS, SCENARIO["units"]),
        "communities": core_frame(COMMUNITIES, SCENARIO["communities"]),
        "tasks": core_frame(TASKS, SCENARIO["tasks"]).drop("category", "budget"),
        "reports": core_frame(REPORTS, SCENARIO["reports"]).drop("note", "sheet", "is_effective"),
        "honors": core_frame(HONORS, SCENARIO["honors"]),
        "ledger_entries": core_frame(LEDGER, SCENARIO["ledger"]).drop("summary", "source"),
        "voucher_conflicts": core_frame(VOUCHER_CONFLICTS, SCENARIO["conflicts"]),
        "survey_responses": core_frame(SURVEY_RESPONSES, SCENARIO["responses"]),
    }
    again = score_year(Assessment(2021, AS_OF), core)
    for name in result:
        assert result[name].equals(again[name]), name
