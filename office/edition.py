"""Which publication an office file belongs to: the as-of date, the month assessed, 临时/最终 and,
for a final result, 定稿 (with its document) or 待定稿.

Eleven of twelve months the published result is provisional, and a printout travels without its
file name: every workbook and the dashboard say, on screen and on every printed page, which
publication they are (docs/dashboard.md, "Dated and kept"). The edition also dates the files
(their creation property and their modification time), so Explorer shows a true date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from schemas.rules import DEFAULT_RULES, Rules
from transforms.assessment import due_date

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Edition:
    """One publication of a year: M (0 before the first due month), final or not, the as-of
    date (None when unknown), the run, when it was published (UTC), its rules and the time zone
    its times are shown in."""

    year: int
    month: int
    is_final: bool
    as_of: dt.date | None = None
    run_id: str = ""
    published_at: dt.datetime | None = None
    rules: Rules = DEFAULT_RULES  # the run's rules: due day, points of late and missing reports
    timezone: str = DEFAULT_TIMEZONE
    document: str | None = None  # the sign-off (定稿) document when this run is the approved one

    @property
    def kind(self) -> str:
        """最终 or 临时 (the result of a year is final once December is assessed)."""
        return "最终" if self.is_final else "临时"

    @property
    def signed_off(self) -> str:
        """The sign-off of a final result (assess approve): `定稿：<文号>` or `待定稿`; empty for
        a provisional one (it is 临时)."""
        if not self.is_final:
            return ""
        return f"定稿：{self.document}" if self.document else "待定稿"

    @property
    def assessed(self) -> str:
        """`评估至6月（临时结果）`, `评估至12月（最终结果，待定稿）`; `尚无到期月份` before the
        first report was due."""
        if self.month <= 0:
            return "尚无到期月份"
        signed = f"，{self.signed_off}" if self.signed_off else ""
        return f"评估至{self.month}月（{self.kind}结果{signed}）"

    @property
    def line(self) -> str:
        """The line every file shows: `2021年度 评估至6月（临时结果） 基准日 2021-07-20`."""
        as_of = f"　基准日 {self.as_of:%Y-%m-%d}" if self.as_of else ""
        return f"{self.year}年度　{self.assessed}{as_of}"

    @property
    def dated(self) -> dt.datetime:
        """The file's date: when the run was published, else the as-of date, else 1 January."""
        if self.published_at is not None:
            return self.published_at
        day = self.as_of or dt.date(self.year, 1, 1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(self.timezone))

    def local(self, at: dt.datetime | None = None) -> str:
        """A time in the county's time zone (default Beijing time), e.g. `2021-07-20 10:02`."""
        at = at or self.published_at
        if at is None:
            return "—"
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        return at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")

    def due(self, month: int) -> dt.date:
        """The due date of the reports of `month` (December's on due_day of January)."""
        return due_date(self.year, month, self.rules.reports.due_day)

    @property
    def folder(self) -> str:
        """The folder of this publication among the kept bulletins: `06月`."""
        return f"{max(self.month, 0):02d}月"


def undated(year: int, month: int) -> Edition:
    """An edition known only by its month (callers without a run, e.g. tests and previews)."""
    return Edition(year, month, month == 12)


def excel_text(text: str) -> str:
    """Text for an Excel page header or footer: `&` starts a control code there."""
    return text.replace("&", "&&")


def set_mtime(paths: Iterable[Path], when: dt.datetime) -> None:
    """Give files the date of their publication (Explorer's 修改日期), not of the copy."""
    stamp = when.timestamp()
    for path in paths:
        os.utime(path, (stamp, stamp))
