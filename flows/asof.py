"""Which as-of dates a run may publish (docs/reliability.md, "Every way a run ends").

A date after today is a typo (`2030-01-01`): published, it would say more than anyone knows,
and every later routine run would be refused as saying less. A date before the year's first
due date assesses no month at all (截至0月, every unit 0.00 不合格). Both are refused in one
line: the future before any work, the too-early date as soon as it is sure, which is before
any work when no rules could make a month due yet, else once rules.toml gives the due day.
"""

from __future__ import annotations

import datetime as dt

from transforms.assessment import Assessment, due_date

# rules.reports.due_day is at least 1: no month of `year` is due before this day.
EARLIEST_DUE_DAY = 1


class AsOfRefused(Exception):
    """The as-of date cannot be published; str() is the one-line Chinese reason."""


def check_as_of(year: int, as_of: dt.date, today: dt.date) -> None:
    """Refuse, before any work, an as-of date after today or before any month can be due."""
    if as_of > today:
        raise AsOfRefused(
            f"基准日 {as_of} 晚于今天（{today}），未做任何改动；请检查 --as-of（不给则为今天）"
        )
    earliest = due_date(year, 1, EARLIEST_DUE_DAY)
    if as_of < earliest:
        raise AsOfRefused(_nothing_due(year, as_of, earliest))


def refuse_if_nothing_due(ctx: Assessment) -> None:
    """Refuse a run whose as-of date is before the first due date its rules give (M = 0)."""
    if ctx.last_month == 0:
        first = due_date(ctx.year, 1, ctx.rules.reports.due_day)
        raise AsOfRefused(_nothing_due(ctx.year, ctx.as_of, first))


def _nothing_due(year: int, as_of: dt.date, first: dt.date) -> str:
    return (
        f"基准日 {as_of} 早于 {year} 年第一期（1月）月报的截止日 {first}，尚无可考核的月份，"
        f"未发布；请检查 --year 和 --as-of"
    )
