"""Findings per unit: quarantined rows and missing/late reports, one workbook per unit."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from office.edition import Edition
from office.workbooks.findings import UNASSIGNED_FILE, file_name, write_unit_findings
from schemas.tables import QUARANTINE, TASK_MONTH_STATUS
from tests.office.office_frames import (
    HYPERLINK,
    YEAR,
    frame,
    has_formulas,
    load,
    quarantine,
    score_line_item,
    task_month_status,
    tasks,
    units,
    values,
)
from tests.plan_fixture import csv, plan
from transforms import reports
from transforms.reconcile import quarantine_rows

QUARANTINE_HEADER = ("文件", "工作表", "行号", "列", "原值", "原因")
ROWS_HEADER = (*QUARANTINE_HEADER, "影响", "更正期限")
PROBLEMS_HEADER = (
    "任务编号",
    "任务内容",
    "月份",
    "问题",
    "扣分",
    "扣分规则",
    "截止日期",
    "能否按时更正",
)
# the publication of 20 April: March assessed (M = 3), April's reports due on 5 May
EDITION = Edition(YEAR, 3, False, dt.date(2021, 4, 20), "r1")


@pytest.fixture
def written(tmp_path):
    return write_unit_findings(
        tmp_path / "findings",
        year=YEAR,
        units=units(),
        quarantine=quarantine(),
        task_month_status=task_month_status(),
        tasks=tasks(),
        score_line_item=score_line_item(),
        edition=EDITION,
    )


def test_one_file_per_unit_with_something_to_fix_or_a_line_to_appeal(written, tmp_path):
    # U03 has nothing to fix but line items it may appeal (docs/appeals.md)
    assert [p.name for p in written] == [
        "U01_县民政局.xlsx",
        "U02_盐井街道.xlsx",
        "U03_蓬莱镇.xlsx",
        UNASSIGNED_FILE,
    ]
    assert all(p.parent == tmp_path / "findings" and p.exists() for p in written)
    assert UNASSIGNED_FILE == "未归属单位.xlsx"


def test_unit_file_quarantined_rows_and_reports(written):
    book = load(written[0])
    assert book.sheetnames == ["需更正的行", "缺报迟报", "可申诉明细", "申诉填报"]
    rows = book["需更正的行"]
    assert "县民政局" in rows["A1"].value and "更正后重新报送" in rows["A1"].value
    assert "评估至3月（临时结果）" in rows["A1"].value and "基准日 2021-04-20" in rows["A1"].value
    assert values(rows, 2) == [
        ROWS_HEADER,
        (
            "reports/民政局.xlsx",
            "进度",
            3,
            "报送日期",
            "=1+1",
            '第3行 报送日期 "=1+1" 不是日期',
            "4月月报尚未到评估期：按时更正不影响得分",
            "2021-05-05 前更正重报算按时",
        ),
        (
            "reports/民政局.xlsx",
            "进度",
            5,
            "完成进度",
            "120%",
            '第5行 完成进度 "120%" 超出0-100范围',
            "3月按未报送计，扣 1.0 分（未报送月报 0.5 分 + 红灯月 0.5 分）",
            "已过截止日 2021-04-05：更正后按迟报计",
        ),
    ]
    assert rows["C3"].data_type == "n"
    assert rows["E3"].data_type == "s"
    assert rows.freeze_panes == "A3"
    assert rows.auto_filter.ref == "A2:H4"
    reports = book["缺报迟报"]
    assert "更正后重新报送" in reports["A1"].value
    assert values(reports, 2) == [
        PROBLEMS_HEADER,
        (
            "T01",
            HYPERLINK,
            2,
            "迟报",
            0.2,
            "迟报 0.2 分",
            "2021-03-05",
            "已迟报，不能再更正为按时",
        ),
        (
            "T01",
            HYPERLINK,
            3,
            "已报送但未入库（见“需更正的行”）",
            1.0,
            "未报送月报 0.5 分 + 红灯月 0.5 分",
            "2021-04-05",
            "已过截止日：补报或更正后不再按未报送扣分，改按迟报扣 0.2 分",
        ),
    ]
    assert reports["B3"].data_type == "s"
    assert not has_formulas(written[0])
    assert "基准日 2021-04-20" in reports.oddHeader.right.text
    assert "第 &P 页" in reports.oddFooter.center.text


def test_a_submitted_row_is_not_missing_and_a_report_not_yet_due_can_be_on_time(tmp_path):
    """T01's March report was submitted but quarantined: not 未报送. In April, T03's report for
    April is not due until 5 May, so a correction on 20 April is on time."""
    status = frame(
        TASK_MONTH_STATUS,
        [
            {"year": YEAR, "task_id": "T01", "unit_id": "U01", "month": 3, "status": "red"}
            | {"reason": "missing"},
            {"year": YEAR, "task_id": "T03", "unit_id": "U02", "month": 3, "status": "red"}
            | {"reason": "missing"},
        ],
    )
    early = Edition(YEAR, 3, False, dt.date(2021, 4, 5), "r1")  # the due day of March itself
    written = write_unit_findings(
        tmp_path,
        year=YEAR,
        units=units(),
        quarantine=quarantine(),
        task_month_status=status,
        tasks=tasks(),
        edition=early,
    )
    by_task = {r[0]: r[3:] for w in written[:2] for r in values(load(w)["缺报迟报"], 3)}
    costs = [r[6:] for r in values(load(written[0])["需更正的行"], 3)]
    assert costs == [
        ("4月月报尚未到评估期：按时更正不影响得分", "2021-05-05 前更正重报算按时"),
        ("3月按未报送计", "已过截止日 2021-04-05：更正后按迟报计"),
    ]
    assert by_task == {
        "T01": (
            "已报送但未入库（见“需更正的行”）",
            None,
            None,
            "2021-04-05",
            "能：截止日前更正重报，按时，不扣分",
        ),
        "T03": ("未报送", None, None, "2021-04-05", "能：截止日前更正重报，按时，不扣分"),
    }


def test_unit_with_only_missing_reports(written):
    book = load(written[1])
    assert values(book["需更正的行"], 2) == [ROWS_HEADER]
    assert book["需更正的行"]["A1"].value.endswith("（无）")
    assert values(book["缺报迟报"], 2) == [
        PROBLEMS_HEADER,
        (
            "T03",
            "@SUM(A1)",
            1,
            "未报送",
            None,
            None,
            "2021-02-05",
            "已过截止日：补报或更正后不再按未报送扣分，改按迟报扣 0.2 分",
        ),
    ]


def test_rows_of_no_unit_go_to_the_office(written):
    sheet = load(written[-1])["需更正的行"]
    assert "办公室" in sheet["A1"].value
    assert values(sheet, 2) == [
        ("来源", "单位编码", *QUARANTINE_HEADER),
        ("进度月报", "U99", "reports/x.csv", None, 2, "单位编码", "U99", "第2行 单位编码 未知"),
        (
            "满意度问卷",
            None,
            "surveys/问卷.xlsx",
            "Sheet1",
            7,
            "1、您所在的社区",
            "不知道",
            "第7行 社区 不是试点社区",
        ),
    ]


def test_nothing_to_fix_writes_nothing(tmp_path):
    clean = task_month_status().filter(
        (task_month_status()["reason"] != "missing") & ~task_month_status()["late"].fill_null(False)
    )
    assert (
        write_unit_findings(
            tmp_path,
            year=YEAR,
            units=units(),
            quarantine=frame(QUARANTINE, []),
            task_month_status=clean,
            tasks=tasks(),
        )
        == []
    )
    assert (
        write_unit_findings(
            tmp_path,
            year=YEAR,
            units=units(),
            quarantine=quarantine().filter(quarantine()["year"] != YEAR),
            task_month_status=frame(TASK_MONTH_STATUS, []),
            tasks=tasks(),
        )
        == []
    )
    assert list(tmp_path.iterdir()) == []


def test_file_names_are_safe():
    assert file_name("U09", "县委/组织部:*?") == "U09_县委_组织部___.xlsx"


def test_same_frames_same_bytes(written, tmp_path):
    again = write_unit_findings(
        tmp_path / "again",
        year=YEAR,
        units=units(),
        quarantine=quarantine(),
        task_month_status=task_month_status(),
        tasks=tasks(),
        score_line_item=score_line_item(),
        edition=EDITION,
    )
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


def test_a_file_rejected_whole_reaches_its_units_workbook(tmp_path):
    p = plan()
    header = ["单位编码", "任务编号", "报告月份", "完成进度", "报送日期", "完成进度"]
    data = csv(header, [["U2", "T3", "3", "40", "2021-04-03", "45"]])
    got = reports.progress_reports([("reports/三月.csv", data)], p)
    written = write_unit_findings(
        tmp_path,
        year=p.year,
        units=p.units,
        quarantine=quarantine_rows("r1", p.year, [got.quarantine]),
        task_month_status=frame(TASK_MONTH_STATUS, []),
        tasks=p.tasks,
    )
    assert [w.name for w in written] == ["U2_盐井街道.xlsx"]
    assert values(load(written[0])["需更正的行"], 2) == [
        ROWS_HEADER,
        (
            "reports/三月.csv",
            "",
            None,
            None,
            None,
            "文件被拒收：列名重复：完成进度",
            "未入库：所报月份按未报送计，见“缺报迟报”",
            "尽快更正重报",
        ),
    ]


def test_a_quarantined_correction_of_a_month_already_reported_costs_nothing(tmp_path):
    """T02's February was reported and loaded; a second, quarantined row for it costs nothing."""
    extra = (
        quarantine()
        .filter(quarantine()["row_number"] == 5)
        .with_columns(task_id=pl.lit("T02"), month=pl.lit(2, pl.Int32))
    )
    written = write_unit_findings(
        tmp_path,
        year=YEAR,
        units=units(),
        quarantine=extra,
        task_month_status=task_month_status(),
        tasks=tasks(),
        score_line_item=score_line_item(),
        edition=EDITION,
    )
    rows = values(load(written[0])["需更正的行"], 3)
    assert [r[6:] for r in rows] == [
        ("2月已有有效报告：本行不影响得分", "已过截止日 2021-03-05：更正后按迟报计")
    ]


SAME_DAY_HEADER = (
    "任务编号",
    "任务内容",
    "月份",
    "报送日期",
    "采用的文件",
    "采用的行号",
    "采用的完成进度",
    "采用的实际完成值",
    "未采用的文件",
    "未采用的行号",
    "未采用的完成进度",
    "未采用的实际完成值",
)


def same_day_files() -> list[tuple[str, bytes]]:
    """The same report as .csv and .xlsx, submitted on one day: the .xlsx (later in name order)
    is taken; T1's 3月 is the same in both (nothing to tell), its 4月 differs (55 and 50)."""
    import io

    import xlsxwriter

    header = ["单位编码", "任务编号", "报告月份", "完成进度", "实际完成值", "报送日期"]
    rows = [["U1", "T1", "3", "40", "", "2021-04-03"], ["U1", "T1", "4", "55", "", "2021-05-03"]]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    sheet = book.add_worksheet("进度")
    for i, r in enumerate([header, rows[0], ["U1", "T1", "4", "50", "", "2021-05-03"]]):
        sheet.write_row(i, 0, r)
    book.close()
    return [("reports/u1.csv", csv(header, rows)), ("reports/u1.xlsx", buf.getvalue())]


def _same_day_reports():
    p = plan()
    return p, reports.progress_reports(same_day_files(), p)


def test_a_same_day_report_in_two_files_tells_the_unit_which_file_was_taken(tmp_path):
    p, got = _same_day_reports()
    written = write_unit_findings(
        tmp_path,
        year=p.year,
        units=p.units,
        quarantine=quarantine_rows("r1", p.year, [got.quarantine]),
        task_month_status=frame(TASK_MONTH_STATUS, []),
        tasks=p.tasks,
        reports=got.rows,
    )
    assert [w.name for w in written] == ["U1_县民政局.xlsx"]
    book = load(written[0])
    assert book.sheetnames == ["需更正的行", "缺报迟报", "同日报告"]
    sheet = book["同日报告"]
    assert sheet["A1"].value == (
        "县民政局（U1）2021年度：以下任务月份在同一报送日期有两份数值不同的报告，按文件名顺序"
        "采用了后一个文件；如采用的不对，请以新的报送日期重新报送正确的数值。"
    )
    assert values(sheet, 2) == [
        SAME_DAY_HEADER,
        (
            "T1",
            "党群服务中心改造",
            4,
            "2021-05-03",
            "reports/u1.xlsx",
            3,
            50,
            None,
            "reports/u1.csv",
            3,
            55,
            None,
        ),
    ]


def test_without_same_day_reports_the_sheet_is_not_written(written):
    assert load(written[0]).sheetnames == ["需更正的行", "缺报迟报", "可申诉明细", "申诉填报"]
