"""The province warehouse's tables: every county's published marts with a `county` column."""

from __future__ import annotations

import polars as pl

from schemas.tables import MART_TABLES, UNITS, Col, Table

COUNTY = Col("county", pl.String(), "县（市、区）：该行结果来自哪个县的数据仓库")
RUN_ID = Col("run_id", pl.String(), "产生该结果的县级运行编号")


def _province(table: Table) -> Table:
    """A county table in the province file: `county` first, then the contract's columns."""
    extra = () if any(c.name == "run_id" for c in table.columns) else (RUN_ID,)
    extra = extra if table.schema == "core" else ()  # marts other than unit_score: as published
    return Table(
        table.schema,
        table.name,
        f"{table.comment}（全省汇总，county 列标明所属县）",
        (COUNTY, *table.columns, *extra),
        ("county", *table.key),
    )


CONSOLIDATED: tuple[Table, ...] = tuple(_province(t) for t in (*MART_TABLES, UNITS))
COUNTY_PUBLICATION = Table(
    "audit",
    "county_publication",
    "省级汇总：各县本次汇总所用的已发布运行，以及本次县级运行的结果",
    (
        Col("year", pl.Int32(), "考核年度"),
        COUNTY,
        Col("run_id", pl.String(), "汇总所用的县级已发布运行编号；该县尚无发布时为空"),
        Col("published_at", pl.Datetime("us", "UTC"), "该县结果的发布时间（UTC）"),
        Col("county_status", pl.String(), "本次县级运行的状态：published、failed 或 error"),
        Col("county_run_id", pl.String(), "本次县级运行的编号（失败的运行也有）"),
        Col("message", pl.String(), "县级运行失败的原因"),
        Col("warehouse", pl.String(), "县级数据仓库文件路径"),
        Col("province_run_id", pl.String(), "省级汇总运行编号"),
        Col("consolidated_at", pl.Datetime("us", "UTC"), "汇总时间（UTC）"),
    ),
    ("year", "county"),
)
PROVINCE_TABLES = (*CONSOLIDATED, COUNTY_PUBLICATION)
