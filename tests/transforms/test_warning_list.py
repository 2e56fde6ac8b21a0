"""The warning list month over month inside a run; corrections and rank changes against last
month's publication."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from schemas.tables import (
    RANK_CHANGE,
    STATUS_CORRECTION,
    TASK_MONTH_STATUS,
    TASKS,
    UNIT_SCORE,
    WARNING_LIST,
)
from transforms.warning_list import corrections, months_in_row, rank_changes, warning_list

YEAR = 2021
REASON = {"r": ("red", "behind"), "y": ("yellow", "behind"), "g": ("green", "on_track")}


def history(spec: dict[str, tuple[str, int, str]]) -> pl.DataFrame:
    """task_month_status rows: task → (unit, start month, one letter r/y/g per month from the
    start), planned 10 points a month and progress 5 below plan."""
    rows = []
    for task_id, (unit_id, start, letters) in spec.items():
        for i, letter in enumerate(letters):
            status, reason = REASON[letter]
            month = start + i
            rows.append(
                {
                    "year": YEAR,
                    "task_id": task_id,
                    "unit_id": unit_id,
                    "month": month,
                    "planned": 10.0 * month,
                    "progress": 10.0 * month - 5,
                    "gap": 5.0,
                    "status": status,
                    "reason": reason,
                    "late": False,
                }
            )
    return pl.DataFrame(rows, schema=TASK_MONTH_STATUS.polars_schema)


def tasks_of(task_ids) -> pl.DataFrame:
    return pl.DataFrame(
        [{"year": YEAR, "task_id": t, "task_name": f"任务{t}"} for t in task_ids],
        schema=TASKS.polars_schema,
    )


# months 1..6 (M = 6); T9 starts in June, so it has no status at M-1
SPEC = {
    "T1": ("U1", 1, "ggrrrr"),  # red April to June
    "T2": ("U1", 1, "gggyyr"),
    "T3": ("U2", 1, "gggggr"),
    "T4": ("U2", 1, "gyyyyy"),
    "T5": ("U1", 1, "ggggry"),
    "T6": ("U2", 1, "gggggy"),
    "T7": ("U1", 1, "rrrrrg"),
    "T8": ("U1", 1, "gggggg"),
    "T9": ("U2", 6, "r"),
    "T10": ("U2", 1, "rggggg"),  # red long ago: not listed
}


def test_every_change_kind_month_over_month_in_list_order():
    result = warning_list(history(SPEC), tasks_of(SPEC), "r2", 6)
    got = result.select(
        "task_id", "unit_id", "status", "previous_status", "change", "months_in_row"
    ).rows()
    assert got == [
        ("T1", "U1", "red", "red", "still_red", 4),
        ("T2", "U1", "red", "yellow", "yellow_to_red", 1),
        ("T3", "U2", "red", "green", "newly_red", 1),
        ("T9", "U2", "red", None, "newly_red", 1),
        ("T5", "U1", "yellow", "red", "red_to_yellow", 1),
        ("T4", "U2", "yellow", "yellow", "still_yellow", 5),
        ("T6", "U2", "yellow", "green", "newly_yellow", 1),
        ("T7", "U1", "green", "red", "recovered", 1),
    ]
    assert result["month"].to_list() == [6] * 8
    assert result["planned"].to_list() == [60.0] * 8
    assert result["progress"].to_list() == [55.0] * 8
    assert result["run_id"].to_list() == ["r2"] * 8
    assert result.filter(pl.col("task_id") == "T3")["task_name"].item() == "任务T3"
    assert result.filter(pl.col("task_id") == "T7")["reason"].item() == "on_track"


def test_the_same_changes_on_every_night_of_the_month_and_no_previous_run_needed():
    """A second run of the same month (a report for July came in, nothing of June changed)
    shows the same June changes: nothing depends on what was published before."""
    first = warning_list(history(SPEC), tasks_of(SPEC), "night-1", 6)
    again = warning_list(
        history(SPEC).sample(fraction=1, shuffle=True, seed=7), tasks_of(SPEC), "night-2", 6
    )
    assert first.drop("run_id").equals(again.drop("run_id"))
    assert first.filter(pl.col("change") == "newly_red").height == 2


def test_only_months_up_to_m_count():
    # a status row after M (never in a mart, but the list must not read it)
    extra = history({"T1": ("U1", 7, "g")})
    result = warning_list(pl.concat([history(SPEC), extra]), tasks_of(SPEC), "r", 6)
    assert result.filter(pl.col("task_id") == "T1")["months_in_row"].item() == 4


def test_months_in_row_counts_the_last_streak():
    streaks = months_in_row(history({"A": ("U1", 1, "rrgrr"), "B": ("U1", 3, "y")}))
    assert sorted(streaks.select("task_id", "months_in_row").rows()) == [("A", 2), ("B", 1)]


def test_contract_columns_and_dtypes():
    result = warning_list(history(SPEC), tasks_of(SPEC), "r2", 6)
    assert result.schema == pl.Schema(WARNING_LIST.polars_schema)
    assert WARNING_LIST.key == ("year", "task_id")


def test_nothing_to_warn_gives_an_empty_typed_frame():
    empty = pl.DataFrame(schema=TASK_MONTH_STATUS.polars_schema)
    result = warning_list(empty, tasks_of([]), "r", 0)
    assert result.is_empty() and result.schema == pl.Schema(WARNING_LIST.polars_schema)
    green = warning_list(history({"T8": ("U1", 1, "gggg")}), tasks_of(["T8"]), "r", 4)
    assert green.is_empty()


def test_corrections_are_earlier_months_that_changed_since_last_months_publication():
    # last month's publication (M = 5) said T1 was red in March (missing); a late report
    # turned it green; T2 unchanged; June is not in the reference and is no correction
    now = history({"T1": ("U1", 1, "gggggr"), "T2": ("U1", 1, "yyyyyy")})
    then = history({"T1": ("U1", 1, "ggrgg"), "T2": ("U1", 1, "yyyyy")}).with_columns(
        reason=pl.when(pl.col("status") == "red").then(pl.lit("missing")).otherwise("reason")
    )
    got = corrections(now, then, "run-may", tasks_of(["T1", "T2"]), "run-june")
    assert got.select(
        "task_id", "month", "status", "previous_status", "previous_reason", "previous_run_id"
    ).rows() == [("T1", 3, "green", "red", "missing", "run-may")]
    assert got.schema == pl.Schema(STATUS_CORRECTION.polars_schema)
    assert corrections(now, None, None, tasks_of([]), "r").is_empty()


def scores(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"year": YEAR, "unit_id": u, "rank": r, "total": Decimal(t)} for u, r, t in rows],
        schema={k: UNIT_SCORE.polars_schema[k] for k in ("year", "unit_id", "rank", "total")},
    )


def test_rank_changes_beside_last_month():
    now = scores([("U1", 1, "91.20"), ("U2", 2, "88.00"), ("U3", 3, "70.00"), ("U4", 4, "1")])
    then = scores([("U2", 1, "90.00"), ("U1", 2, "85.50"), ("U3", 3, "69.00")])
    got = rank_changes(now, then, "run-may", "run-june")
    assert got.select("unit_id", "rank", "previous_rank", "previous_total", "movement").rows() == [
        ("U1", 1, 2, Decimal("85.50"), "up"),
        ("U2", 2, 1, Decimal("90.00"), "down"),
        ("U3", 3, 3, Decimal("69.00"), "same"),
        ("U4", 4, None, None, None),
    ]
    assert got["previous_run_id"].unique().to_list() == ["run-may"]
    assert got.schema == pl.Schema(RANK_CHANGE.polars_schema)
    first = rank_changes(now, None, None, "run-june")
    assert first["movement"].null_count() == 4 and first["previous_run_id"].null_count() == 4
