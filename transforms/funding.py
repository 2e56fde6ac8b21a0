"""Funding ledger exports → core.ledger_entries and core.voucher_conflicts (docs/validation.md)."""

from __future__ import annotations

import polars as pl

from schemas import funding as spec
from schemas.codes import EXPENDITURE, REFUND
from schemas.semantics import REFUND_GUARD
from transforms.intake import PROVENANCE, InputFile, Loaded, dedupe, intake, with_provenance_names
from transforms.plan import Plan
from transforms.validate import QUARANTINE_SCHEMA, check, row_quarantine

LABELS = {f.name: f.label for f in spec.LEDGER_FIELDS}
LEDGER_VALUES = ["entry_date", "voucher_no", "task_id", "source", "kind", "amount", "summary"]


def ledger(files: list[InputFile], plan: Plan) -> tuple[Loaded, pl.DataFrame]:
    """(the loaded ledger, its conflicting vouchers). Conflicting rows are all quarantined."""
    got = intake(spec.LEDGER, files, plan.year, plan.units, plan.semantics)
    owner = plan.tasks.select("task_id", pl.col("unit_id").alias("_owner"))
    typed = got.typed.join(owner, on="task_id", how="left", maintain_order="left")
    schema = spec.ledger_schema(plan.tasks["task_id"].to_list(), plan.year)
    valid, quarantine = check(
        got.raw, typed, schema, spec.LEDGER_FIELDS, "funding", unit_of_row=pl.col("_owner")
    )
    kept, duplicates = dedupe(valid, LEDGER_VALUES)

    versions = pl.col("voucher_no").count().over("voucher_no")
    conflicting = kept.filter(versions > 1)
    conflicts = with_provenance_names(conflicting).select(
        pl.lit(plan.year).alias("year"),
        "voucher_no",
        "task_id",
        "entry_date",
        "kind",
        "amount",
        "file",
        "sheet",
        "row_number",
    )
    entries = kept.filter(versions == 1)
    refused = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    if plan.semantics.uses(REFUND_GUARD):
        entries, refused = refund_guard(entries, got.raw)
    rows = with_provenance_names(entries.drop("_owner")).with_columns(year=pl.lit(plan.year))
    loaded = Loaded(
        rows,
        duplicates,
        pl.concat([got.rejected, quarantine, _conflict_quarantine(conflicting), refused]),
        got.read_counts,
    )
    return loaded, conflicts


def excess_refunds(entries: pl.DataFrame) -> pl.DataFrame:
    """The 退回 rows that would make their task's spent negative: `_file`, `_sheet`, `_row` of
    each, with `spent_before`, the task's spent (支出 − the refunds kept) just before it.

    Each task's 支出 and 退回 are taken in date order (a day's 支出 before its 退回, then file
    name and row): a refund is kept when it is not more than the spent before it, counting only
    the refunds kept before it; a refused refund does not count, so it cannot refuse the ones
    after it. That is a running balance with a choice at every refund, which no single
    cumulative sum gives; it is found in vectorised passes over every task at once, each
    deciding every refund it can be sure of:

    - counting every refund not yet refused, the spent before a refund is at most what it
      really is (refunds still undecided may yet be refused): a refund not more than that is
      kept;
    - counting only the refunds known to be kept, the spent before a refund is at least what it
      really is: a refund more than that is refused.

    The first undecided refund of a task has every refund before it decided, so both bounds are
    its true spent and it is decided: every pass decides at least one refund of every task with
    undecided ones, and in practice one or two passes decide them all (a refund too large for
    the spending before it refuses every later one that does not fit, in the same pass)."""
    kind = pl.col("kind")
    events = (
        entries.filter(kind.is_in([EXPENDITURE, REFUND]))
        .select(
            *PROVENANCE,
            "task_id",
            "entry_date",
            (kind == REFUND).alias("_refund"),
            pl.when(kind == EXPENDITURE).then("amount").otherwise(0).alias("_spend"),
            pl.when(kind == REFUND).then("amount").otherwise(0).alias("_amount"),
        )
        .sort("task_id", "entry_date", "_refund", *PROVENANCE)
        .with_columns(
            pl.col("_spend").cum_sum().over("task_id").alias("_spent"),
            kept=pl.lit(False),
            refused=pl.lit(False),
        )
    )

    def spent_before(counted: pl.Expr) -> pl.Expr:
        """The task's spent just before each row, counting the refunds where `counted`."""
        refunds = pl.when(counted).then("_amount").otherwise(0)
        return pl.col("_spent") - (refunds.cum_sum() - refunds).over("task_id")

    undecided = pl.col("_refund") & ~pl.col("kept") & ~pl.col("refused")
    while events.select(undecided.any()).item():
        events = events.with_columns(
            kept=pl.col("kept")
            | (undecided & (pl.col("_amount") <= spent_before(~pl.col("refused"))))
        ).with_columns(
            refused=pl.col("refused")
            | (undecided & (pl.col("_amount") > spent_before(pl.col("kept"))))
        )
    return (
        events.with_columns(spent_before(pl.col("kept")).alias("spent_before"))
        .filter("refused")
        .select(*PROVENANCE, "spent_before")
    )


def refund_guard(entries: pl.DataFrame, raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the entries kept, quarantine rows of the refunds larger than what was spent)."""
    refused = excess_refunds(entries)
    cells = raw.select(*PROVENANCE, pl.col("amount").alias("_raw"))
    quarantine = (
        entries.join(refused, on=PROVENANCE, how="inner", maintain_order="left")
        .join(cells, on=PROVENANCE, how="left")
        .pipe(
            row_quarantine,
            "funding",
            pl.lit(LABELS["amount"]),
            pl.col("_raw"),
            pl.format(
                '第{}行 {} "{}" 退回金额超过已支出金额（截至{}该任务已支出{}元）',
                "_row",
                pl.lit(LABELS["amount"]),
                "_raw",
                "entry_date",
                pl.col("spent_before").cast(pl.String),
            ),
            pl.col("_owner"),
        )
        .sort("file", "sheet", "row_number")
    )
    return entries.join(refused, on=PROVENANCE, how="anti", maintain_order="left"), quarantine


def _conflict_quarantine(conflicting: pl.DataFrame) -> pl.DataFrame:
    """One quarantine row per conflicting ledger row, naming the rows it conflicts with."""
    where = pl.format("{} 第{}行", "_file", "_row")
    return (
        conflicting.sort(PROVENANCE)
        .with_columns(others=where.implode().over("voucher_no"), count=pl.len().over("voucher_no"))
        .pipe(
            row_quarantine,
            "funding",
            pl.lit("凭证号"),
            pl.col("voucher_no"),
            pl.format(
                '第{}行 凭证号 "{}" 冲突：同一凭证号有{}条内容不同的记录（{}），请核对后只保留正确的一条',
                "_row",
                "voucher_no",
                "count",
                pl.col("others").list.join("、"),
            ),
            pl.col("_owner"),
        )
    )
