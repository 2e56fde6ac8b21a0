"""Funding ledger exports (docs/validation.md)."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa

from schemas.codes import LEDGER_KINDS, one_of
from schemas.fields import Field, SourceSpec, isin, optional, required

AMOUNT_IN_WAN = "金额(万元)"  # this header means every amount is in 万元

LEDGER_FIELDS = (
    Field("entry_date", "日期", "date"),
    Field("voucher_no", "凭证号", "id"),
    Field("task_id", "项目编号", "id", aliases=("任务编号",)),
    Field("source", "资金来源"),
    Field("kind", "类型"),
    Field("amount", "金额(元)", "money", aliases=("金额", AMOUNT_IN_WAN)),
    Field("summary", "摘要", "free_text", required_column=False),
)


LEDGER = SourceSpec(
    "funding",
    LEDGER_FIELDS,
    wan_header=AMOUNT_IN_WAN,
    folder="funding",
    label="资金台账",
    tables=("ledger_entries", "voucher_conflicts"),
    known_at="entry_date",
)


def ledger_schema(task_ids: list[str], year: int) -> pa.DataFrameSchema:
    f = {x.name: x for x in LEDGER_FIELDS}
    return pa.DataFrameSchema(
        {
            "entry_date": required(
                f["entry_date"],
                checks=pa.Check.in_range(
                    dt.date(year, 1, 1), dt.date(year, 12, 31), error=f"不在{year}年内"
                ),
            ),
            "voucher_no": required(f["voucher_no"]),
            "task_id": required(f["task_id"], checks=isin(task_ids, "不是年度计划中的任务")),
            "source": required(f["source"]),
            "kind": required(f["kind"], checks=isin(LEDGER_KINDS, one_of(LEDGER_KINDS))),
            "amount": required(f["amount"], checks=pa.Check.gt(0, error="金额必须大于0")),
            "summary": optional(f["summary"]),
        },
        strict=False,
    )
