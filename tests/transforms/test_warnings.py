"""The early-warning list: latest assessed month per task, compared with the previous run."""

from __future__ import annotations

import polars as pl

from schemas.tables import TASK_MONTH_STATUS, TASKS, WARNING_LIST
from transforms.warnings import warning_list

YEAR = 2021
REASON = {"red": "behind", "yellow": "behind", "green": "on_track"}


def statuses(latest: dict[str, tuple[str, str, str]], months: int) -> pl.DataFrame:
    """task_month_status rows for months 1..months: green before the last month, where the
    task gets (unit_id, status, reason) from `latest`."""
    rows = []
    for task_id, (unit_id, status, reason) in latest.items():
        for month in range(1, months + 1):
            last = month == months
            rows.append(
                {
                    "year": YEAR,
                    "task_id": task_id,
                    "unit_id": unit_id,
                    "month": month,
                    "status": status if last else "green",
                    "reason": reason if last else "on_track",
                }
            )
    return pl.DataFrame(rows, schema=TASK_MONTH_STATUS.polars_schema)


def tasks_of(task_ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"year": YEAR, "task_id": t, "task_name": f"任务{t}"} for t in task_ids],
        schema=TASKS.polars_schema,
    )


PREVIOUS = {  # task: (unit, status at its latest month in the previous run (May))
    "T1": ("U1", "red"),
    "T2": ("U1", "yellow"),
    "T3": ("U2", "green"),
    "T4": ("U2", "yellow"),
    "T5": ("U1", "red"),
    "T6": ("U2", "green"),
    "T7": ("U1", "red"),
    "T8": ("U1", "green"),
    "T10": ("U2", "green"),
}
CURRENT = {  # ... and in this run (June); T9 starts in June, so it was not assessed before
    "T1": ("U1", "red"),
    "T2": ("U1", "red"),
    "T3": ("U2", "red"),
    "T4": ("U2", "yellow"),
    "T5": ("U1", "yellow"),
    "T6": ("U2", "yellow"),
    "T7": ("U1", "green"),
    "T8": ("U1", "green"),
    "T9": ("U2", "red"),
    "T10": ("U2", "green"),
}


def run(spec: dict[str, tuple[str, str]], months: int) -> pl.DataFrame:
    return statuses({t: (u, s, REASON[s]) for t, (u, s) in spec.items()}, months)


def test_every_change_kind_in_list_order():
    result = warning_list(run(CURRENT, 6), run(PREVIOUS, 5), tasks_of(list(CURRENT)), "r2")
    got = result.select("task_id", "unit_id", "status", "previous_status", "change").rows()
    assert got == [
        ("T1", "U1", "red", "red", "still_red"),
        ("T2", "U1", "red", "yellow", "yellow_to_red"),
        ("T3", "U2", "red", "green", "newly_red"),
        ("T9", "U2", "red", None, "newly_red"),
        ("T5", "U1", "yellow", "red", "red_to_yellow"),
        ("T4", "U2", "yellow", "yellow", "still_yellow"),
        ("T6", "U2", "yellow", "green", "newly_yellow"),
        ("T7", "U1", "green", "red", "recovered"),
    ]
    assert result["month"].to_list() == [6] * 8
    assert result["run_id"].to_list() == ["r2"] * 8
    assert result["year"].to_list() == [YEAR] * 8
    assert result.filter(pl.col("task_id") == "T3")["task_name"].item() == "任务T3"
    assert result.filter(pl.col("task_id") == "T7")["reason"].item() == "on_track"


def test_contract_columns_and_dtypes():
    result = warning_list(run(CURRENT, 6), run(PREVIOUS, 5), tasks_of(list(CURRENT)), "r2")
    assert result.schema == pl.Schema(WARNING_LIST.polars_schema)
    assert WARNING_LIST.qualified == "mart.warning_list"
    assert WARNING_LIST.key == ("year", "task_id")


def test_first_run_lists_red_and_yellow_as_new():
    result = warning_list(run(CURRENT, 6), None, tasks_of(list(CURRENT)), "r1")
    assert result.select("task_id", "change").rows() == [
        ("T1", "new"),
        ("T2", "new"),
        ("T3", "new"),
        ("T9", "new"),
        ("T5", "new"),
        ("T4", "new"),
        ("T6", "new"),
    ]
    assert result["previous_status"].null_count() == result.height


def test_only_the_latest_assessed_month_counts():
    # red in March, green in June: not listed; green until May, yellow in June: listed
    current = pl.concat(
        [
            statuses({"A": ("U1", "red", "missing")}, 3),
            statuses({"A": ("U1", "green", "completed")}, 6).filter(pl.col("month") > 3),
            statuses({"B": ("U1", "yellow", "behind")}, 6),
        ]
    )
    result = warning_list(
        current.sample(fraction=1, shuffle=True, seed=1), None, tasks_of(["A", "B"]), "r"
    )
    assert result.select("task_id", "month", "status").rows() == [("B", 6, "yellow")]


def test_input_row_order_does_not_matter():
    current, previous = run(CURRENT, 6), run(PREVIOUS, 5)
    expected = warning_list(current, previous, tasks_of(list(CURRENT)), "r")
    shuffled = warning_list(
        current.sample(fraction=1, shuffle=True, seed=7),
        previous.sample(fraction=1, shuffle=True, seed=3),
        tasks_of(list(CURRENT)),
        "r",
    )
    assert shuffled.equals(expected)


def test_nothing_to_warn_gives_an_empty_typed_frame():
    empty = pl.DataFrame(schema=TASK_MONTH_STATUS.polars_schema)
    for previous in (None, empty):
        result = warning_list(empty, previous, tasks_of([]), "r")
        assert result.is_empty()
        assert result.schema == pl.Schema(WARNING_LIST.polars_schema)
    all_green = warning_list(
        run({"T8": ("U1", "green")}, 4), run({"T8": ("U1", "green")}, 3), tasks_of(["T8"]), "r"
    )
    assert all_green.is_empty()
