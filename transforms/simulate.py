"""What a draft of the rules would change (assess simulate), computed from two sets of marts.

Pure polars: the published marts of a run ("before") and the marts of the same archived inputs
scored under the draft ("after") in; out, per unit its score, rank and grade before and after,
every line item that moved, and every parameter the draft changes, each with one plain Chinese
sentence the office can read aloud (docs/simulate.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from schemas.codes import COMPONENT_TEXT, RULE_TEXT
from schemas.rules import Rules

from .scoring.lines import LINE_KEY, num_text

NO_GRADE = "年终评定"  # a provisional run grades no unit


@dataclass(frozen=True)
class Simulation:
    """units: one row per unit (before/after columns, moved, sentence); lines: one row per line
    item that moved; parameters: one row per changed parameter."""

    units: pl.DataFrame
    lines: pl.DataFrame
    parameters: pl.DataFrame

    @property
    def changes_nothing(self) -> bool:
        return self.units.filter(pl.col("moved")).height == 0 and self.lines.height == 0


def simulate(
    before: dict[str, pl.DataFrame],
    after: dict[str, pl.DataFrame],
    rules_before: Rules,
    rules_after: Rules,
) -> Simulation:
    """Compare the marts of a run with the marts of its inputs under draft rules."""
    names = before["unit_score"].select("unit_id", "unit_name")
    return Simulation(
        units=unit_changes(before["unit_score"], after["unit_score"]),
        lines=line_changes(before["score_line_item"], after["score_line_item"], names),
        parameters=parameter_changes(rules_before, rules_after),
    )


def _grade(column: str) -> pl.Expr:
    return pl.col(column).fill_null(NO_GRADE)


def unit_changes(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """Per unit: total, rank and grade before and after, whether anything moved, and a sentence
    such as `县妇联：总分 92.96 → 90.40，排名 4 → 6，等次 优秀 → 良好`."""
    keep = ["unit_id", "unit_name", "total", "rank", "grade"]
    both = before.select(keep).join(
        after.select(keep[:1] + keep[2:]), on="unit_id", how="full", suffix="_after", coalesce=True
    )
    moved_total = pl.col("total").ne_missing(pl.col("total_after"))
    moved_rank = pl.col("rank").ne_missing(pl.col("rank_after"))
    moved_grade = pl.col("grade").ne_missing(pl.col("grade_after"))
    parts = pl.concat_list(
        pl.when(moved_total).then(
            pl.format("总分 {} → {}", pl.col("total"), pl.col("total_after"))
        ),
        pl.when(moved_rank).then(pl.format("排名 {} → {}", pl.col("rank"), pl.col("rank_after"))),
        pl.when(moved_grade).then(
            pl.format("等次 {} → {}", _grade("grade"), _grade("grade_after"))
        ),
    ).list.drop_nulls()
    return (
        both.with_columns(
            (moved_total | moved_rank | moved_grade).alias("moved"),
            (pl.col("rank_after").cast(pl.Int64) - pl.col("rank").cast(pl.Int64)).alias(
                "rank_move"
            ),
        )
        .with_columns(
            pl.when(pl.col("moved"))
            .then(pl.format("{}：{}", pl.col("unit_name"), parts.list.join("，")))
            .otherwise(pl.format("{}：不变", pl.col("unit_name")))
            .alias("sentence")
        )
        .sort("rank_after", "unit_id")
    )


def line_changes(before: pl.DataFrame, after: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """Every line item whose points differ, appeared or went: its key, points before and after
    (null when absent), the difference, and a sentence such as
    `县住建局 扣分·红灯月（T019，7月）：−0.50 → −1.00 分（−0.50）`."""
    both = (
        before.select(*LINE_KEY, "points")
        .join(
            after.select(*LINE_KEY, pl.col("points").alias("points_after")),
            on=LINE_KEY,
            how="full",
            coalesce=True,
            nulls_equal=True,
        )
        .with_columns(
            (pl.col("points_after").fill_null(0) - pl.col("points").fill_null(0)).alias("delta")
        )
        .filter(
            (pl.col("delta").abs() > 1e-9)
            | pl.col("points").is_null()
            | pl.col("points_after").is_null()
        )
    )
    where = pl.concat_list(
        pl.col("task_id"), pl.format("{}月", pl.col("month")), pl.col("ref")
    ).list.drop_nulls()
    shown = pl.when(where.list.len() > 0).then(pl.format("（{}）", where.list.join("，")))
    return (
        both.join(names, on="unit_id", how="left")
        .with_columns(
            pl.format(
                "{} {}·{}{}：{} → {} 分（{}）",
                pl.col("unit_name"),
                pl.col("component").replace(COMPONENT_TEXT),
                pl.col("rule_id").replace(RULE_TEXT),
                shown.fill_null(""),
                _points(pl.col("points"), "无此项"),
                _points(pl.col("points_after"), "无此项"),
                _signed(pl.col("delta")),
            ).alias("sentence")
        )
        .sort(pl.col("delta").abs(), *LINE_KEY, descending=[True] + [False] * len(LINE_KEY))
    )


def _points(points: pl.Expr, absent: str) -> pl.Expr:
    return pl.when(points.is_null()).then(pl.lit(absent)).otherwise(_number(points))


def _number(points: pl.Expr) -> pl.Expr:
    return pl.format("{}", points.round(2)).str.replace(r"^-", "−")


def _signed(points: pl.Expr) -> pl.Expr:
    text = num_text(points.abs())
    return pl.when(points < 0).then(pl.format("−{}", text)).otherwise(pl.format("+{}", text))


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out |= _flat(inner, f"{prefix}.{key}" if prefix else key)
        return out
    return {prefix: value}


def parameter_changes(before: Rules, after: Rules) -> pl.DataFrame:
    """Every rules.toml parameter whose value the draft changes: name, before, after (as text)."""
    was = _flat(before.model_dump(mode="json", by_alias=True))
    now = _flat(after.model_dump(mode="json", by_alias=True))
    rows = [
        (k, _text(was.get(k)), _text(now.get(k)))
        for k in sorted(was | now)
        if was.get(k) != now.get(k)
    ]
    return pl.DataFrame(rows, schema=["parameter", "before", "after"], orient="row")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return "" if value is None else str(value)


def summary_line(sim: Simulation, most: int = 3) -> str:
    """The console's one line: how many units change grade, total and the largest rank moves."""
    if sim.changes_nothing:
        return "草案规则不改变任何单位的得分、排名或等次。"
    units = sim.units
    graded = units.filter(pl.col("grade").ne_missing(pl.col("grade_after"))).height
    scored = units.filter(pl.col("total").ne_missing(pl.col("total_after"))).height
    moves = (
        units.filter(pl.col("rank_move") != 0)
        .sort(pl.col("rank_move").abs(), "unit_id", descending=[True, False])
        .head(most)
        .select(pl.format("{} {} → {}", "unit_name", "rank", "rank_after"))
        .to_series()
        .to_list()
    )
    largest = f"，排名变动最大：{'、'.join(moves)}" if moves else "，排名不变"
    return f"{units.height} 个单位中 {scored} 个总分变化、{graded} 个等次变化{largest}"
