"""The notes of a published run: one Chinese line per source folder that gave no row, and one
for reports of one day with different numbers; printed after the result line (exit 0)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl

from cli import app as cli
from flows import notes
from warehouse.inbox import LINK, REJECTED, NotRead, TakenIn


def _taken(*files: str) -> list[TakenIn]:
    return [TakenIn(f.split("/")[0], f, "0" * 64, 1, b"") for f in files]


def test_a_missing_or_empty_source_folder_is_said_once_each(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "surveys").mkdir()
    missing = notes.missing_folders(tmp_path)
    assert missing == {"funding"}
    said = notes.source_notes(missing, _taken("reports/a.csv"), [], {"reports": 12})
    assert said == [
        "注意：本次没有资金台账：funding/ 文件夹不存在。",
        "注意：本次没有满意度问卷：surveys/ 文件夹中没有可读取的文件。",
    ]


def test_files_without_a_loaded_row_and_a_link_in_a_folders_place_are_said(tmp_path):
    files = _taken("reports/a.csv", "surveys/a.xlsx", "surveys/b.csv")
    link = [NotRead("funding", "funding", REJECTED, LINK)]
    said = notes.source_notes(set(), files, link, {"reports": 3, "surveys": 0})
    assert said == [
        "注意：本次没有资金台账：funding/ 未读取（符号链接，不读取）。",
        "注意：本次没有满意度问卷：surveys/ 的 2 个文件中没有可入库的行"
        "（原因见输入文件核对和 audit.quarantine）。",
    ]
    assert (
        notes.source_notes(
            set(),
            files + _taken("funding/x.csv"),
            [],
            dict.fromkeys(("reports", "funding", "surveys"), 1),
        )
        == []
    )


def test_same_day_reports_are_told_in_one_line():
    conflicts = pl.DataFrame(
        {
            "task_id": ["T1", "T2"],
            "month": [4, 5],
            "file": ["reports/u1.xlsx", "reports/u2.xlsx"],
            "row_number": [3, 4],
            "other_file": ["reports/u1.csv", "reports/u2.csv"],
            "other_row": [3, 4],
        }
    )
    assert notes.tie_notes(conflicts) == [
        "注意：同一任务月份同日报送了数值不同的报告，按文件名顺序采用后一个文件：任务T1 4月 采用 "
        "reports/u1.xlsx 第3行，未采用 reports/u1.csv 第3行等 2 处（见 单位反馈/ 中各单位的“同日报告”表）。"
    ]
    assert notes.tie_notes(conflicts.clear()) == []


def test_the_notes_follow_the_result_line(capsys):
    result = SimpleNamespace(
        year=2021,
        run_id="r1",
        as_of=dt.date(2022, 1, 31),
        ctx=SimpleNamespace(kind_text="最终结果", is_final=True),
        marts={
            "unit_score": pl.DataFrame({"grade": ["优秀", "合格"]}),
            "warning_list": pl.DataFrame({"status": ["red", "yellow"]}),
        },
        files=pl.DataFrame(
            {"status": ["loaded", "loaded", "rejected"], "rows_quarantined": [0, 2, None]}
        ),
        out_dir=None,  # the office files could not be written: no places to name
        notes=["注意：本次没有资金台账：funding/ 文件夹不存在。"],
    )
    cli._published(result)
    assert capsys.readouterr().out.splitlines() == [
        "已发布 2021 年最终结果（运行 r1，基准日 2022-01-31）：2 个单位，优秀 1 个，当前红灯任务 1 项；"
        "拒收文件 1 个、隔离 2 行（见 audit.quarantine）。",
        "注意：本次没有资金台账：funding/ 文件夹不存在。",
    ]


def test_a_run_without_funding_and_surveys_says_so(tmp_path):
    """run_notes over what a run computed: no funding/ folder, an empty surveys/, and a report
    sent as .csv and .xlsx on one day with different numbers."""
    import flows  # noqa: F401  (Prefect settings before Prefect loads)
    from flows.assess_year import run_notes
    from tests.office.test_office_findings import same_day_files
    from tests.plan_fixture import PLAN_FILES, plan
    from transforms.year import Computed, by_folder, sources
    from warehouse.inbox import Taken

    (tmp_path / "reports").mkdir()
    (tmp_path / "surveys").mkdir()
    p = plan()
    files = [TakenIn(n.split("/")[0], n, "0" * 64, len(d), d) for n, d in PLAN_FILES]
    files += [TakenIn("reports", f, "0" * 64, 1, d) for f, d in same_day_files()]
    loaded, core = sources(p, by_folder(files), None)
    computed = Computed(None, p, loaded, core, {})
    assert run_notes(tmp_path, Taken(files, []), computed) == [
        "注意：本次没有资金台账：funding/ 文件夹不存在。",
        "注意：本次没有满意度问卷：surveys/ 文件夹中没有可读取的文件。",
        "注意：同一任务月份同日报送了数值不同的报告，按文件名顺序采用后一个文件：任务T1 4月 采用 "
        "reports/u1.xlsx 第3行，未采用 reports/u1.csv 第3行（见 单位反馈/ 中各单位的“同日报告”表）。",
    ]
