"""Review decisions in the score and the appeals they answer (SPEC 6.10, docs/appeals.md).

An appeal or a decision names one line item by its unit and rule, and by its task, month and
ref where it gives them (an empty one matches any). It must match exactly one line a scoring
rule gave (not an adjustment, not a decision line): none or several quarantine it with its
reason. Only what is dated on or before the as-of date counts: a later appeal is not known yet,
a later decision is listed with its date and not applied (nor matched: its line may not exist
yet in a provisional run).

The line acted on stays; the decision adds one (ref = its document number, detail = its reason):
撤销 `decision_void` = -(the line's points), 改分 `decision_change` = new - old (new with the
line's sign), 加分 `decision_bonus` / 扣分 `decision_penalty`; 维持 adds none. Several decisions on
one line: the latest (date, then document number, file, row) applies, the others are listed as
superseded. Decision lines count before the caps; the 优秀 veto is lifted for a unit whose every
overspent / voucher_conflict line is voided.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.codes import (
    ADD_BONUS,
    ADD_PENALTY,
    BONUS,
    CHANGE,
    CONTESTABLE,
    KEEP,
    PENALTY,
    PENDING,
    RULE_TEXT,
    VETO_RULES,
    VOID,
)
from transforms.assessment import Assessment
from transforms.validate import QUARANTINE_SCHEMA

from .lines import make_lines, no_negative_zero

C = pl.col
NAMED = ("task_id", "month", "ref")  # the parts of a line a request may leave empty
SHOWN = ("component", "task_id", "month", "ref", "points", "detail")  # of the line named
ON_A_LINE = (KEEP, VOID, CHANGE)  # actions on an existing line
ADDS = (ADD_BONUS, ADD_PENALTY)  # actions adding a line
LATEST_FIRST = ["decided_on", "decision_no", "file", "row_number"]
AFTER_AS_OF, SUPERSEDED = "决定日期晚于基准日", "已被同一明细更晚的决定取代"


@dataclass(frozen=True)
class Reviewed:
    lines: pl.DataFrame  # the decision lines (LINE_SCHEMA)
    lifted: pl.DataFrame  # unit_id: units whose every veto line is voided
    appeals: pl.DataFrame  # mart.appeal rows
    decisions: pl.DataFrame  # mart.review_decision rows
    unmatched: pl.DataFrame  # quarantine rows: appeals and decisions naming no line or several


def _named(requests: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """Each request with `_found` (how many contestable lines it names) and, when exactly one,
    that line: `_line` and its columns (suffix _l)."""
    indexed = requests.with_row_index("_req")
    candidates = indexed.join(
        lines.select("_line", "unit_id", "rule_id", *(C(c).alias(f"{c}_l") for c in SHOWN)),
        on=["unit_id", "rule_id"],
    ).filter(*(C(c).is_null() | (C(c) == C(f"{c}_l")) for c in NAMED))
    found = candidates.group_by("_req").agg(pl.len().cast(pl.Int32).alias("_found"))
    only = candidates.join(found.filter(C("_found") == 1).select("_req"), on="_req")
    return (
        indexed.join(found, on="_req", how="left")
        .with_columns(C("_found").fill_null(0))
        .join(only.select("_req", "_line", *(f"{c}_l" for c in SHOWN)), on="_req", how="left")
        .drop("_req")
    )


def _unmatched(named: pl.DataFrame, source: str, what: str) -> pl.DataFrame:
    """Quarantine rows for the requests naming no line or several."""
    line = pl.concat_str(
        C("unit_id"),
        pl.lit(" "),
        C("rule_id").replace(RULE_TEXT),
        pl.format(" 任务{}", C("task_id")).fill_null(""),
        pl.format(" {}月", C("month")).fill_null(""),
        pl.format(" {}", C("ref")).fill_null(""),
    )
    how = pl.when(C("_found") == 0).then(pl.lit("找不到对应的")).otherwise(pl.lit("对应多条"))
    return (
        named.filter(C("_found") != 1)
        .select(
            pl.lit(source).alias("source"),
            "file",
            "sheet",
            C("row_number").cast(pl.Int32),
            pl.lit("规则").alias("column"),
            C("rule_id").alias("value"),
            pl.format("第{}行 {}{}得分明细（{}）", "row_number", pl.lit(what), how, line).alias(
                "reason"
            ),
            "unit_id",
        )
        .cast(QUARANTINE_SCHEMA)
    )


def _on_line(acts: pl.DataFrame, rule_id: str, points: pl.Expr) -> pl.DataFrame:
    """Lines of 撤销 / 改分: in the component of the line acted on, with its task and month."""
    return acts.select(
        "unit_id",
        C("component_l").alias("component"),
        pl.lit(rule_id).alias("rule_id"),
        no_negative_zero(points).alias("points"),
        C("task_id_l").alias("task_id"),
        C("month_l").alias("month"),
        C("decision_no").alias("ref"),
        C("reason").alias("detail"),
    )


def _added(acts: pl.DataFrame, component: str, rule_id: str, sign: float) -> pl.DataFrame:
    return make_lines(
        acts,
        component=component,
        rule_id=rule_id,
        points=sign * C("points"),
        task_id=C("task_id"),
        month=C("month"),
        ref=C("decision_no"),
        detail=C("reason"),
    )


def decision_lines(applied: pl.DataFrame) -> pl.DataFrame:
    """The line each applied decision adds (维持 adds none), with `_decision` (its row)."""
    sign = pl.when(C("component_l") == PENALTY).then(-1.0).otherwise(1.0)
    by_action = {
        VOID: lambda f: _on_line(f, "decision_void", -C("points_l")),
        CHANGE: lambda f: _on_line(f, "decision_change", sign * C("points") - C("points_l")),
        ADD_BONUS: lambda f: _added(f, BONUS, "decision_bonus", 1.0),
        ADD_PENALTY: lambda f: _added(f, PENALTY, "decision_penalty", -1.0),
    }
    return pl.concat(
        [
            make(applied.filter(C("action") == action)).with_columns(
                applied.filter(C("action") == action).select("_decision", "_line")
            )
            for action, make in by_action.items()
        ]
    )


def _decisions(ctx: Assessment, decisions: pl.DataFrame, appeals: pl.DataFrame) -> pl.DataFrame:
    """Decisions with the line they act on filled in from the appeal they answer when they leave
    it out, `_known` (dated on or before as-of) and `_appeal_unit` (null: no such appeal)."""
    answered = appeals.select(
        "appeal_no",
        C("unit_id").alias("_appeal_unit"),
        *(C(c).alias(f"_appeal_{c}") for c in ("rule_id", *NAMED)),
    )
    from_appeal = (
        C("action").is_in(ON_A_LINE) & C("rule_id").is_null() & C("_appeal_unit").is_not_null()
    )
    return (
        decisions.with_row_index("_decision")
        .join(answered, on="appeal_no", how="left")
        .with_columns(
            *(
                pl.when(from_appeal).then(C(f"_appeal_{c}")).otherwise(C(c)).alias(c)
                for c in ("rule_id", *NAMED)
            ),
            (C("decided_on") <= ctx.as_of).alias("_known"),
        )
    )


def _no_such_appeal(decisions: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows of decisions answering an appeal that is not there (or not this unit's)."""
    wrong = C("appeal_no").is_not_null() & (
        C("_appeal_unit").is_null() | (C("_appeal_unit") != C("unit_id"))
    )
    why = (
        pl.when(C("_appeal_unit").is_null())
        .then(pl.lit("不是已登记的申诉（申诉编号有误，或该申诉已被隔离）"))
        .otherwise(pl.format("是单位 {} 的申诉，不是本单位的", C("_appeal_unit")))
    )
    return (
        decisions.filter(wrong)
        .select(
            pl.lit("decisions").alias("source"),
            "file",
            "sheet",
            C("row_number").cast(pl.Int32),
            pl.lit("申诉编号").alias("column"),
            C("appeal_no").alias("value"),
            pl.format('第{}行 申诉编号 "{}" {}', "row_number", "appeal_no", why).alias("reason"),
            "unit_id",
        )
        .cast(QUARANTINE_SCHEMA)
    )


def _resolve(acting: pl.DataFrame) -> pl.DataFrame:
    """Known decisions on a line: the latest on each line applies, the others are superseded."""
    on_no_line = C("_line").is_null()  # 加分 / 扣分
    # file and row make every key unique: no ties to break
    latest = on_no_line | (pl.struct(LATEST_FIRST).rank(descending=True).over("_line") == 1)
    return acting.with_columns(
        latest.alias("applied"),
        pl.when(~latest).then(pl.lit(SUPERSEDED)).alias("not_applied"),
    )


def review(
    ctx: Assessment, lines: pl.DataFrame, appeals: pl.DataFrame, decisions: pl.DataFrame
) -> Reviewed:
    """The decisions and appeals of the year against the lines the scoring rules gave."""
    contestable = lines.filter(C("rule_id").is_in(CONTESTABLE)).with_row_index("_line")
    known_appeals = _named(appeals.filter(C("submitted_on") <= ctx.as_of), contestable)
    valid_appeals = appeals.join(known_appeals.filter(C("_found") != 1), on="appeal_no", how="anti")
    all_decisions = _decisions(ctx, decisions, valid_appeals)
    orphan = _no_such_appeal(all_decisions)
    ok = all_decisions.join(
        orphan.select(C("row_number"), C("file")), on=["file", "row_number"], how="anti"
    )
    on_line = _named(ok.filter(C("_known") & C("action").is_in(ON_A_LINE)), contestable)
    acting = _resolve(
        pl.concat(
            [
                on_line.filter(C("_found") == 1),
                ok.filter(C("_known") & ~C("action").is_in(ON_A_LINE)),
            ],
            how="diagonal_relaxed",
        )
    )
    added = decision_lines(acting.filter(C("applied")))
    unmatched = pl.concat(
        [
            _unmatched(known_appeals, "appeals", "申诉"),
            orphan,
            _unmatched(on_line, "decisions", "复核决定"),
        ]
    )
    later = ok.filter(~C("_known")).with_columns(
        pl.lit(False).alias("applied"), pl.lit(AFTER_AS_OF).alias("not_applied")
    )
    return Reviewed(
        lines=added.drop("_decision"),
        lifted=_lifted(contestable, acting),
        appeals=appeal_rows(ctx, known_appeals.filter(C("_found") == 1), acting, added),
        decisions=decision_rows(pl.concat([acting, later], how="diagonal_relaxed"), added),
        unmatched=unmatched,
    )


def _lifted(contestable: pl.DataFrame, acting: pl.DataFrame) -> pl.DataFrame:
    """Units with a veto line, every one of which an applied decision voids."""
    voided = acting.filter(C("applied") & (C("action") == VOID)).select("_line")
    vetoes = contestable.filter(C("rule_id").is_in(list(VETO_RULES)))
    left = vetoes.join(voided, on="_line", how="anti").select("unit_id")
    return vetoes.select("unit_id").unique().join(left, on="unit_id", how="anti")


def _answers(acting: pl.DataFrame) -> pl.DataFrame:
    """Per appeal: the latest known decision answering it."""
    latest = pl.struct(LATEST_FIRST).rank(descending=True).over("appeal_no") == 1
    return acting.filter(C("appeal_no").is_not_null() & latest).select(
        "appeal_no", C("action").alias("status"), "decision_no", "decided_on"
    )


def appeal_rows(
    ctx: Assessment, appeals: pl.DataFrame, acting: pl.DataFrame, added: pl.DataFrame
) -> pl.DataFrame:
    """mart.appeal: each known appeal with its line, its status and the line's points after."""
    delta = added.group_by("_line").agg(C("points").sum().alias("_delta"))
    waited = pl.coalesce(C("decided_on"), pl.lit(ctx.as_of)) - C("submitted_on")
    return (
        appeals.join(_answers(acting), on="appeal_no", how="left")
        .join(delta, on="_line", how="left")
        .select(
            pl.lit(ctx.year).alias("year"),
            "appeal_no",
            "unit_id",
            C("component_l").alias("component"),
            "rule_id",
            *(C(f"{c}_l").alias(c) for c in ("task_id", "month", "ref", "points", "detail")),
            "reason",
            "submitted_on",
            C("status").fill_null(pl.lit(PENDING)),
            "decision_no",
            "decided_on",
            (C("points_l") + C("_delta").fill_null(0.0)).alias("points_after"),
            waited.dt.total_days().cast(pl.Int32).alias("days_waiting"),
            pl.lit(None).alias("run_id"),  # stamped when published (conform types it)
        )
    )


def decision_rows(decisions: pl.DataFrame, added: pl.DataFrame) -> pl.DataFrame:
    """mart.review_decision: every decision of the year, applied or not, with its added line."""
    own = added.select(
        "_decision",
        C("rule_id").alias("_added_rule"),
        C("component").alias("_added_component"),
        C("points").alias("line_points"),
    )
    return decisions.join(own, on="_decision", how="left").select(
        "year",
        "decision_no",
        "decided_on",
        "appeal_no",
        "unit_id",
        "action",
        pl.coalesce("component_l", "_added_component").alias("component"),
        pl.when(C("action").is_in(ADDS))
        .then(C("_added_rule"))
        .otherwise(C("rule_id"))
        .alias("rule_id"),
        *(pl.coalesce(f"{c}_l", c).alias(c) for c in NAMED),
        "points",
        "line_points",
        "applied",
        "not_applied",
        "reason",
        pl.lit(None).alias("run_id"),  # stamped when published (conform types it)
    )
