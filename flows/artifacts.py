"""Prefect artifacts of a published run: what an operator looks at in the Prefect UI the morning
after (the run's reconciliation per file and the ranking), keyed per year so each night's
versions line up in the Artifacts page. Never fails a run: the year is published already."""

from __future__ import annotations

import logging

import polars as pl
from prefect.artifacts import create_table_artifact

RANKING = [
    "rank",
    "unit_id",
    "unit_name",
    "work",
    "satisfaction",
    "bonus",
    "penalty",
    "total",
    "grade",
]
FILES = [
    "file",
    "sheet",
    "rows_read",
    "rows_loaded",
    "rows_duplicate",
    "rows_quarantined",
    "status",
    "reason",
]


def _rows(frame: pl.DataFrame, columns: list[str]) -> list[dict]:
    """JSON-ready rows: exact decimals as their text, dates as ISO text."""
    picked = frame.select([c for c in columns if c in frame.columns])
    return picked.with_columns(pl.col(pl.Decimal, pl.Date, pl.Datetime).cast(pl.String)).to_dicts()


def publish_artifacts(year: int, kind: str, scores: pl.DataFrame, files: pl.DataFrame) -> None:
    """The ranking and the per-file reconciliation as two table artifacts of the flow run."""
    try:
        create_table_artifact(
            _rows(scores.sort("rank"), RANKING),
            key=f"assess-{year}-ranking",
            description=f"{year} 年{kind}：排名与得分",
        )
        create_table_artifact(
            _rows(files.sort("file", "sheet", nulls_last=True), FILES),
            key=f"assess-{year}-reconciliation",
            description=f"{year} 年{kind}：各文件 读取 = 入库 + 重复 + 隔离",
        )
    except Exception as exc:  # noqa: BLE001  (an artifact is a courtesy, never a failure)
        logging.getLogger(__name__).warning("Prefect 工件未能写入：%s", exc)
