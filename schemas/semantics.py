"""The scoring semantics: how the product turns archived inputs and rules into numbers, versioned.

A county keeps its warehouse for years while the product is upgraded under it. Every change of
the product that changes a published number for the same inputs and rules is a `Change` here,
with the version that introduced it; the code that implements it asks `semantics.uses(CHANGE)`.
A run records the version it was scored under (audit.run.semantics_version), so a rerun replays
a run published years ago with the switches of its version and reproduces it exactly, and
`assess rerun --current` names, for every row today's version would change, the Change that
explains it (docs/reliability.md, "Reruns across upgrades").

Bumping the version: add the Changes with `version = CURRENT + 1`, raise CURRENT, and add a
fixture warehouse built by the last commit before the bump (tests/fixtures/, a row of
tests/flows/test_upgrades_published.py). A change of the
golden results without a bump fails tests/test_semantics_version.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One change of how numbers are computed: its code, its version, what it changed (Chinese)."""

    code: str
    version: int
    label: str


# Version 1: everything published before the amendments of 2026-12-03 (runs recorded without a
# version count as 1). Version 2: the amendments of 2026-12-03.
PERCENT_CELLS = Change("percent_cells", 2, "百分比格式的单元格按百分点读取（Excel 中的 70% 为 70）")
DECIMAL_MONTH = Change("decimal_month", 2, "写成小数的月份（如 2021.1）隔离，不再读作 1 月")
FALLING_CUMULATIVE = Change("falling_cumulative", 2, "累计值低于此前月份有效报告的报告隔离")
REFUND_GUARD = Change("refund_guard", 2, "使已支出变为负数的退回隔离")
SURVEY_CONFLICT = Change("survey_conflict", 2, "同一答卷在两个导出中答案不同的全部隔离")
WORK_TO_DATE = Change("work_to_date", 2, "临时结果按截至评估月的计划衡量工作实绩，未开始的任务不计")
UNRATED_SATISFACTION = Change(
    "unrated_satisfaction", 2, "临时结果中尚无可计的有效答卷时满意度为未测评"
)
GRADE_FINAL_ONLY = Change("grade_final_only", 2, "临时结果只排名、不评等次（年终评定）")
ROUNDED_COMPONENTS = Change(
    "rounded_components", 2, "四项得分各自四舍五入到 2 位，总分为四舍五入后各项之和"
)
# Version 3: appeals and review decisions (2026-12-03, docs/appeals.md). Runs of versions 1-2
# never read appeals/ or decisions/, so replaying them without decisions changes nothing.
DECISIONS = Change("decisions", 3, "复核决定计入得分（撤销、改分、加分、扣分），申诉逐条列出")
# Version 4: rule edges compared in decimals, without binary floating point noise (2026-12-03):
# a gap of 60 - 49.9 = 10.100000000000001 is no longer above a yellow_gap of 10.1, and
# 1.1 × 100 = 110.00000000000001 is no longer above an actual of 110; the same for the caps.
EXACT_EDGES = Change(
    "exact_edges",
    4,
    "规则临界值按十进制比较，不受二进制浮点误差影响（差距恰为黄灯阈值为绿灯、恰为红灯阈值为黄灯，"
    "实际完成恰为目标的超额倍数为超额完成，加分、扣分合计恰为上限不再调整）",
)

CHANGES: tuple[Change, ...] = (
    PERCENT_CELLS,
    DECIMAL_MONTH,
    FALLING_CUMULATIVE,
    REFUND_GUARD,
    SURVEY_CONFLICT,
    WORK_TO_DATE,
    UNRATED_SATISFACTION,
    GRADE_FINAL_ONLY,
    ROUNDED_COMPONENTS,
    DECISIONS,
    EXACT_EDGES,
)
FIRST = 1  # the version of runs recorded before versions were recorded
CURRENT = max(c.version for c in CHANGES)

VERSIONS = {
    1: "2026-12-03 之前发布的结果（未记录版本的运行）",
    2: "2026-12-03 修订：百分比单元格、月份写法、累计值、退回、答卷冲突、临时结果的评分与四舍五入",
    3: "2026-12-03 修订：申诉与复核决定",
    4: "2026-12-03 修订：规则临界值按十进制比较（差距阈值、超额完成倍数、加扣分上限）",
}


class UnknownSemantics(ValueError):
    """A run recorded with a version this product does not know (a newer product published it)."""


@dataclass(frozen=True)
class Semantics:
    """The set of Changes a run is computed with; `Semantics.of(version)` for a whole version."""

    changes: frozenset[str]
    version: int = CURRENT

    @classmethod
    def of(cls, version: int | None) -> Semantics:
        v = FIRST if version is None else version
        if not FIRST <= v <= CURRENT:
            raise UnknownSemantics(
                f"评分口径版本 {v} 未知（本程序支持 {FIRST}–{CURRENT}），请用更新版本的程序复算"
            )
        return cls(frozenset(c.code for c in CHANGES if c.version <= v), v)

    def uses(self, change: Change) -> bool:
        return change.code in self.changes

    def plus(self, change: Change) -> Semantics:
        """These semantics with one more Change (rerun --current attributes a row step by step)."""
        return Semantics(self.changes | {change.code}, max(self.version, change.version))


LATEST = Semantics.of(CURRENT)
