"""What the bonus and penalty rules look at: the year's frames, gathered once per run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from transforms.assessment import Assessment


@dataclass(frozen=True)
class Facts:
    """The frames a bonus or penalty rule may read (all of one year, as of ctx.as_of)."""

    units: pl.DataFrame
    tasks: pl.DataFrame
    honors: pl.DataFrame
    summary: pl.DataFrame  # per task: first_complete_month, last_progress, last_actual
    months: pl.DataFrame  # the assessed task-months with status, reason, late
    funding: pl.DataFrame  # mart.funding_execution rows
    conflicts: pl.DataFrame  # core.voucher_conflicts rows

    def task_facts(self) -> pl.DataFrame:
        """Each task of the plan with its report summary (which has a row for every task)."""
        tasks = self.tasks.select("task_id", "unit_id", "metric", "target", "due_month")
        return tasks.join(self.summary, on="task_id")


# A rule: one line per occurrence, named after its rule_id (docs/scoring.md, 6.5 and 6.6).
Rule = Callable[[Assessment, Facts], pl.DataFrame]
