"""out/<year>/: one publication's files, dated, beside the kept bulletin of every month."""

from __future__ import annotations

import datetime as dt

import openpyxl

from office.edition import Edition
from office.files import KEPT_DIR, write_office_files
from tests.office import office_frames as f
from transforms.warning_list import warning_list


def publish(out, month: int, as_of: dt.date, at: dt.datetime):
    marts = {
        "unit_score": f.unit_score(),
        "score_line_item": f.score_line_item(),
        "task_month_status": f.task_month_status(),
        "funding_execution": f.funding_execution(),
        "community_satisfaction": f.community_satisfaction(),
        "warning_list": warning_list(f.task_month_status(), f.tasks(), "r", 3),
    }
    core = {"units": f.units(), "tasks": f.tasks(), "communities": f.communities()}
    edition = Edition(f.YEAR, month, month == 12, as_of, f"run-{as_of}", at)
    return write_office_files(out, f.YEAR, marts, core, f.quarantine(), month, edition=edition)


def first_line(path) -> str:
    return openpyxl.load_workbook(path)["汇总"]["A1"].value


def test_each_months_latest_bulletin_is_kept_and_files_carry_their_date(tmp_path):
    out = tmp_path / "2021"
    june = dt.datetime(2021, 7, 20, 18, 5, tzinfo=dt.UTC)
    publish(out, 6, dt.date(2021, 7, 20), june)
    publish(out, 7, dt.date(2021, 8, 20), dt.datetime(2021, 8, 20, 18, 5, tzinfo=dt.UTC))
    late = dt.datetime(2021, 8, 25, 18, 5, tzinfo=dt.UTC)
    publish(out, 7, dt.date(2021, 8, 25), late)  # a later night of the same month replaces it
    kept = out / KEPT_DIR
    assert sorted(p.name for p in kept.iterdir()) == ["06月", "07月"]
    assert sorted(p.name for p in (kept / "07月").iterdir()) == ["考核结果.xlsx", "预警清单.xlsx"]
    assert "评估至6月（临时结果）　基准日 2021-07-20" in first_line(kept / "06月" / "考核结果.xlsx")
    assert "基准日 2021-08-25" in first_line(kept / "07月" / "考核结果.xlsx")
    assert "基准日 2021-08-25" in first_line(out / "考核结果.xlsx")  # today's, on top
    # Explorer's 修改日期: when each was published, kept copies included
    assert (kept / "06月" / "考核结果.xlsx").stat().st_mtime == june.timestamp()
    assert (out / "预警清单.xlsx").stat().st_mtime == late.timestamp()
    assert all(p.stat().st_mtime == late.timestamp() for p in (out / "单位反馈").glob("*.xlsx"))
    printed = openpyxl.load_workbook(out / "考核结果.xlsx")["得分明细"].oddHeader.right.text
    assert "评估至7月（临时结果）" in printed and "基准日 2021-08-25" in printed
