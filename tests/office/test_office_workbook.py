"""考核结果.xlsx: sheets, values as numbers, colours, frozen headers, text never a formula."""

from __future__ import annotations

import pytest

from office.workbooks.results import RESULTS_FILE, write_results_workbook
from office.workbooks.sheets import text_width
from schemas.tables import (
    COMMUNITIES,
    COMMUNITY_SATISFACTION,
    FUNDING_EXECUTION,
    SCORE_LINE_ITEM,
    TASK_MONTH_STATUS,
    TASKS,
    UNIT_SCORE,
    UNITS,
)
from tests.office.office_frames import (
    AT,
    DDE,
    GREEN,
    HYPERLINK,
    PLUS,
    RED,
    YEAR,
    YELLOW,
    fill,
    frame,
    has_formulas,
    load,
    results_kwargs,
    row_of,
    values,
)


@pytest.fixture
def book(tmp_path):
    path = write_results_workbook(tmp_path / RESULTS_FILE, **results_kwargs())
    assert path.name == "考核结果.xlsx"
    return load(path)


def test_sheet_names(book):
    assert book.sheetnames == ["汇总", "得分明细", "月度状态", "资金执行", "社区满意度"]


def test_summary_ranked_with_numbers(book):
    sheet = book["汇总"]
    assert values(sheet) == [
        (
            "排名",
            "单位编码",
            "单位名称",
            "工作实绩",
            "群众满意度",
            "加分",
            "扣分",
            "总分",
            "等次",
            "红灯月数",
            "黄灯月数",
            "是否最终",
        ),
        (1, "U02", "盐井街道", 70, 17.3, 1, 0.5, 87.8, "良好", 1, 1, "否"),
        (2, "U01", "县民政局", 40, 17.3, 0, 1.2, 56.1, "不合格", 1, 1, "否"),
        (3, "U03", "蓬莱镇", 30, 14, 0, 0, 44, "不合格", 0, 0, "否"),
    ]
    assert [c.data_type for c in sheet[2]][:8] == ["n", "s", "s", "n", "n", "n", "n", "n"]
    assert sheet["H2"].number_format == "0.00"
    assert sheet["A2"].number_format == "0"
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == "A1:L4"


def test_line_items_in_chinese(book):
    sheet = book["得分明细"]
    rows = values(sheet)
    assert rows[0] == (
        "单位编码",
        "单位名称",
        "组成",
        "规则",
        "规则编号",
        "分值",
        "任务编号",
        "任务内容",
        "月份",
        "来源",
        "说明",
    )
    assert [r[0] for r in rows[1:]] == ["U02"] * 2 + ["U01"] * 5 + ["U03"]  # rank order
    assert rows[1][2:6] == ("工作实绩", "任务完成度", "task_completion", 70)
    assert rows[2][2:] == (
        "加分",
        "市级表彰",
        "honor_city",
        1,
        None,
        None,
        None,
        "遂府发〔2021〕3号",
        "市级表彰",
    )
    late = rows[row_of(sheet, 5, "late_report") - 1]
    assert late == (
        "U01",
        "县民政局",
        "扣分",
        "迟报",
        "late_report",
        -0.2,
        "T01",
        HYPERLINK,
        2,
        None,
        DDE,
    )
    assert sheet.cell(row_of(sheet, 5, "late_report"), 6).number_format == "0.00"
    assert sheet.freeze_panes == "C2"


def test_month_status_colours(book):
    sheet = book["月度状态"]
    header = values(sheet)[0]
    assert header[:3] == ("单位", "任务编号", "任务内容")
    assert header[3:] == tuple(f"{m}月" for m in range(1, 13))
    row = row_of(sheet, 2, "T01")
    cells = [sheet.cell(row, 3 + m) for m in (1, 2, 3, 4)]
    assert [c.value for c in cells] == ["绿", "黄", "红", None]
    assert [fill(c) for c in cells] == [GREEN, YELLOW, RED, None]
    t04 = row_of(sheet, 2, "T04")
    assert sheet.cell(t04, 1).value == "蓬莱镇"
    assert sheet.cell(t04, 4).value is None and fill(sheet.cell(t04, 4)) is None  # starts in Feb
    assert fill(sheet.cell(t04, 5)) == GREEN
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == "A1:O5"
    legend = row_of(sheet, 1, "图例")
    assert legend > 5
    assert [fill(sheet.cell(legend + i, 1)) for i in (1, 2, 3)] == [RED, YELLOW, GREEN]
    assert sheet.cell(legend + 1, 2).value.startswith("红灯")


def test_funding_money_and_percent(book):
    sheet = book["资金执行"]
    rows = values(sheet)
    assert rows[0] == ("任务编号", "任务内容", "单位", "下达", "支出", "执行率", "状态")
    assert rows[1] == ("T01", HYPERLINK, "县民政局", 125000, 100000.5, 0.800004, "黄")
    assert rows[2] == ("T02", PLUS, "县民政局", 0, 0, None, None)
    assert sheet["D2"].number_format == "#,##0.00"
    assert sheet["F2"].number_format == "0.0%"
    assert sheet["D2"].data_type == "n"
    assert [fill(sheet.cell(r, 7)) for r in (2, 3, 4, 5)] == [YELLOW, None, GREEN, RED]
    assert sheet.freeze_panes == "C2"


def test_community_satisfaction(book):
    sheet = book["社区满意度"]
    assert values(sheet) == [
        ("社区编码", "社区名称", "有效答卷", "无效答卷", "满意度得分", "满意率"),
        ("C01", "玉峰社区", 35, 2, 86.5, 0.92),
        ("C02", "=1+1", 10, 0, 70, 0.7),
    ]
    assert sheet["F2"].number_format == "0.0%"
    assert sheet["E2"].number_format == "0.00"


def test_text_is_never_a_formula(book, tmp_path):
    names = {}
    for sheet_name, column in (("月度状态", 3), ("得分明细", 8), ("资金执行", 2)):
        sheet = book[sheet_name]
        for row in sheet.iter_rows(min_row=2):
            cell = row[column - 1]
            if cell.value in (HYPERLINK, PLUS, AT):
                names[(sheet_name, cell.value)] = cell.data_type
    assert set(names.values()) == {"s"}
    assert {v for _, v in names} == {HYPERLINK, PLUS, AT}
    assert book["社区满意度"]["B3"].data_type == "s"
    assert not has_formulas(tmp_path / RESULTS_FILE)
    assert not book["得分明细"]._hyperlinks


def test_column_widths_follow_content(book):
    sheet = book["月度状态"]
    assert text_width("任务ab") == 6
    assert sheet.column_dimensions["A"].width >= text_width("县民政局") + 2
    assert sheet.column_dimensions["C"].width >= text_width("完善社区便民服务中心")
    assert book["得分明细"].column_dimensions["K"].width <= 60 + 1


def test_same_frames_same_bytes(tmp_path):
    first = write_results_workbook(tmp_path / "a.xlsx", **results_kwargs())
    second = write_results_workbook(tmp_path / "b.xlsx", **results_kwargs())
    assert first.read_bytes() == second.read_bytes()
    props = load(first).properties
    assert props.created.year == YEAR


def test_empty_year_writes_headers_only(tmp_path):
    empty = {
        name: frame(table, [])
        for name, table in (
            ("unit_score", UNIT_SCORE),
            ("score_line_item", SCORE_LINE_ITEM),
            ("task_month_status", TASK_MONTH_STATUS),
            ("funding_execution", FUNDING_EXECUTION),
            ("community_satisfaction", COMMUNITY_SATISFACTION),
            ("units", UNITS),
            ("tasks", TASKS),
            ("communities", COMMUNITIES),
        )
    }
    book = load(write_results_workbook(tmp_path / RESULTS_FILE, year=YEAR, **empty))
    assert all(book[name].max_row == 1 for name in ("汇总", "得分明细", "资金执行", "社区满意度"))
    assert book["汇总"].freeze_panes == "D2"


def test_a_provisional_summary_says_so_with_no_grade_and_no_zero_satisfaction(tmp_path):
    import datetime as dt
    from decimal import Decimal

    import polars as pl

    from office.edition import Edition

    kwargs = results_kwargs()
    kwargs["unit_score"] = kwargs["unit_score"].with_columns(
        grade=pl.lit(None, pl.String),
        satisfaction=pl.when(pl.col("unit_id") == "U03")
        .then(None)
        .otherwise(pl.col("satisfaction").cast(pl.Decimal(8, 2))),
        work=pl.col("work").cast(pl.Decimal(8, 2)),  # exact decimals, as mart.unit_score has
        total=pl.col("total").cast(pl.Decimal(8, 2)),
    )
    assert kwargs["unit_score"]["total"][0] == Decimal("56.10")
    edition = Edition(2021, 6, False, dt.date(2021, 7, 20), "r6")
    sheet = load(write_results_workbook(tmp_path / RESULTS_FILE, **kwargs, edition=edition))["汇总"]
    assert (
        sheet["A1"].value == "2021年度考核结果　2021年度　评估至6月（临时结果）　基准日 2021-07-20"
    )
    rows = values(sheet, 3)
    by_unit = {r[1]: r for r in rows}
    assert {r[8] for r in rows} == {"年终评定"}
    assert by_unit["U03"][4] == "未测评" and by_unit["U01"][4] == 17.3
    assert by_unit["U02"][3] == 70.0 and by_unit["U02"][7] == 87.8
    assert "临时结果" in sheet.oddHeader.right.text
