"""Appeals (appeals/) and review decisions (decisions/) loaded like every source: read, typed,
validated with pandera, deduplicated, quarantined with a reason (docs/appeals.md).

A rule may be written as its code or as the label the office files show (红灯月). Whether the
named line exists is decided after scoring (transforms/scoring/decisions.py), which quarantines
the rows that name no line or several.
"""

from __future__ import annotations

import polars as pl

from schemas import appeals as spec
from schemas.codes import RULE_OF_LABEL
from transforms.intake import InputFile, Loaded, dedupe, intake, with_provenance_names
from transforms.plan import Plan
from transforms.validate import check, row_quarantine

APPEAL_VALUES = [f.name for f in spec.APPEAL_FIELDS]
DECISION_VALUES = [f.name for f in spec.DECISION_FIELDS]


def _rule_code() -> pl.Expr:
    """A rule named by its label (红灯月) → its code (red_month); a code stays as it is."""
    return pl.col("rule_id").replace(RULE_OF_LABEL).alias("rule_id")


def appeals(files: list[InputFile], plan: Plan) -> Loaded:
    """Every appeal once; two different appeals under one number are both quarantined."""
    got = intake(spec.APPEALS, files, plan.year, plan.units, plan.semantics)
    schema = spec.appeal_schema(plan.units["unit_id"].to_list())
    valid, quarantine = check(
        got.raw,
        got.typed.with_columns(_rule_code()),
        schema,
        spec.APPEAL_FIELDS,
        "appeals",
        unit_of_row=pl.col("unit_id"),
        semantics=plan.semantics,
    )
    kept, duplicates = dedupe(valid, APPEAL_VALUES)
    twice = pl.len().over("appeal_no") > 1
    clashes = row_quarantine(
        kept.filter(twice),
        "appeals",
        pl.lit("申诉编号"),
        pl.col("appeal_no"),
        pl.format(
            '第{}行 申诉编号 "{}" 重复：同一编号有内容不同的申诉，请改用不同编号',
            "_row",
            "appeal_no",
        ),
        pl.col("unit_id"),
    )
    rows = with_provenance_names(kept.filter(~twice)).with_columns(year=pl.lit(plan.year))
    quarantined = pl.concat([got.rejected, quarantine, clashes], how="diagonal_relaxed")
    return Loaded(rows, duplicates, quarantined, got.read_counts)


def decisions(files: list[InputFile], plan: Plan) -> Loaded:
    got = intake(spec.DECISIONS, files, plan.year, plan.units, plan.semantics)
    schema = spec.decision_schema(plan.units["unit_id"].to_list())
    valid, quarantine = check(
        got.raw,
        got.typed.with_columns(_rule_code()),
        schema,
        spec.DECISION_FIELDS,
        "decisions",
        unit_of_row=pl.col("unit_id"),
        semantics=plan.semantics,
    )
    kept, duplicates = dedupe(valid, DECISION_VALUES)
    rows = with_provenance_names(kept).with_columns(year=pl.lit(plan.year))
    quarantined = pl.concat([got.rejected, quarantine], how="diagonal_relaxed")
    return Loaded(rows, duplicates, quarantined, got.read_counts)
