"""Chinese labels for the codes the marts use (statuses, reasons, changes, components, rules)."""

from __future__ import annotations

import polars as pl

from schemas.codes import COMPONENT_ORDER, COMPONENT_TEXT, RULE_TEXT  # noqa: F401  (office labels)
from schemas.sources import SOURCE_TEXT  # noqa: F401  (office labels)

STATUS_MARK = {"red": "红", "yellow": "黄", "green": "绿"}
STATUS_TEXT = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
CHANGE_TEXT = {
    "newly_red": "新增红灯",
    "newly_yellow": "新增黄灯",
    "still_red": "持续红灯",
    "still_yellow": "持续黄灯",
    "red_to_yellow": "红转黄",
    "yellow_to_red": "黄转红",
    "recovered": "已恢复",
    "new": "首次",  # written by runs before the list compared month over month
}
MOVEMENT_TEXT = {"up": "↑", "down": "↓", "same": "—"}


def label(column: str, mapping: dict[str, str]) -> pl.Expr:
    """The Chinese label of a code column; unknown codes are kept as they are."""
    return pl.col(column).cast(pl.String).replace(mapping)
