"""What a run assesses, decided once: the year, the as-of date, the rules, M and final or not.

Built once per run (flows/) from the command line's year and as-of date and the plan's rules,
then passed down unchanged: nothing below recomputes the last assessed month or "final".
The calendar is written out in docs/scoring.md ("As of a date").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from schemas.rules import DEFAULT_RULES, Rules
from schemas.semantics import LATEST, Semantics

FINAL_MONTH = 12


def due_date(year: int, month: int, due_day: int) -> dt.date:
    """The due date of the reports for `month` of `year` (December's in January of year + 1)."""
    if month == 12:
        return dt.date(year + 1, 1, due_day)
    return dt.date(year, month + 1, due_day)


def last_assessed_month(year: int, as_of: dt.date, due_day: int) -> int:
    """M: the largest month 1..12 whose reports were due on or before as_of; 0 when none was."""
    due = [m for m in range(1, 13) if due_date(year, m, due_day) <= as_of]
    return max(due, default=0)


@dataclass(frozen=True)
class Assessment:
    """One run's assessment context (immutable)."""

    year: int
    as_of: dt.date
    rules: Rules = DEFAULT_RULES
    semantics: Semantics = LATEST  # which Changes apply (schemas/semantics.py)
    last_month: int = field(init=False)  # M, from the as-of date and rules.reports.due_day

    def __post_init__(self) -> None:
        month = last_assessed_month(self.year, self.as_of, self.rules.reports.due_day)
        object.__setattr__(self, "last_month", month)

    @property
    def is_final(self) -> bool:
        """A run is final when December is assessed; earlier runs are provisional."""
        return self.last_month == FINAL_MONTH

    @property
    def kind_text(self) -> str:
        """最终结果, or 截至M月的临时结果."""
        return "最终结果" if self.is_final else f"截至{self.last_month}月的临时结果"

    def says_less_than(self, published_as_of: dt.date, published_final: bool) -> str | None:
        """Why this run's result would say less than a published one, or None: a provisional
        result over a final one, or an earlier as-of date (docs/reliability.md)."""
        if published_final and not self.is_final:
            return "是最终结果，本次只是临时结果"
        if self.as_of < published_as_of:
            return f"的基准日晚于本次的 {self.as_of}"
        return None
