"""Files as offices make them (issue 16, reading): percent cells, decimal months, CR-only and
ragged CSVs, title rows, two-row headers, hidden and instructions sheets, NUL bytes, ids in
lower case, absurdly wide files. Real .xlsx and .xls files are built here, and what reaches the
loaded frame and the quarantine is asserted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
import xlsxwriter
import xlwt

from schemas.semantics import Semantics
from tests.plan_fixture import csv, plan
from transforms import funding, reports
from transforms.read import MAX_COLUMNS, ReadError, read_table
from transforms.reconcile import file_counts

HEADER = ["单位编码", "任务编号", "报告月份", "完成进度", "实际完成值", "报送日期", "本月工作情况"]
OLD = Semantics.of(1)  # the published results before the amendments of 2026-12-03


@pytest.fixture(scope="module")
def p():
    return plan()


def workbook(sheets: list[dict]) -> bytes:
    """An .xlsx from [{"name", "rows": [[cell, ...]], "formats": {(r, c): num_format},
    "hidden": bool, "merge": [(first_row, first_col, last_row, last_col, text)]}]."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats: dict[str, object] = {}
    added = []
    for spec in sheets:
        sheet = book.add_worksheet(spec["name"])
        added.append((sheet, spec))
        for r, values in enumerate(spec["rows"]):
            for c, value in enumerate(values):
                if value is None:
                    continue
                code = spec.get("formats", {}).get((r, c))
                if code is None:
                    sheet.write(r, c, value)
                else:
                    cell_format = formats.setdefault(code, book.add_format({"num_format": code}))
                    sheet.write(r, c, value, cell_format)
        for first_row, first_col, last_row, last_col, text in spec.get("merge", []):
            sheet.merge_range(first_row, first_col, last_row, last_col, text)
    visible = next(s for s, spec in added if not spec.get("hidden"))
    visible.activate()
    for sheet, spec in added:
        if spec.get("hidden"):
            sheet.hide()
    book.close()
    return buffer.getvalue()


def legacy_workbook(sheets: list[dict]) -> bytes:
    """The same as a BIFF .xls (xlwt), as old Excel writes it."""
    book = xlwt.Workbook()
    for spec in sheets:
        sheet = book.add_sheet(spec["name"])
        if spec.get("hidden"):
            sheet.visibility = 1
        for r, values in enumerate(spec["rows"]):
            for c, value in enumerate(values):
                if value is None:
                    continue
                code = spec.get("formats", {}).get((r, c))
                if code is None:
                    sheet.write(r, c, value)
                else:
                    sheet.write(r, c, value, xlwt.easyxf(num_format_str=code))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_semantics(p, semantics: Semantics):
    return dataclasses.replace(p, semantics=semantics)


# --- 1. percent cells -----------------------------------------------------------------------

PERCENT_ROWS = [
    HEADER,
    ["U1", "T1", 1, 0.7, None, "2021-02-01", "typed 70%"],  # 0%
    ["U1", "T1", 2, 0.855, None, "2021-03-01", "typed 85.5%"],  # 0.0%
    ["U1", "T1", 3, 0.9, None, "2021-04-01", "typed 90%"],  # 0.00%;[Red]-0.00%
    ["U1", "T1", 4, 95, None, "2021-05-01", 'typed 95 under 0"%"'],  # only shows the sign
    ["U1", "T1", 5, "96%", None, "2021-06-01", "text"],
    ["U1", "T1", 6, 1.2, None, "2021-07-01", "typed 120%"],  # 0%: out of range
    ["U1", "T2", 7, None, 0.5, "2021-08-01", "a count cell keeps its number"],  # 0% on actual
]
PERCENT_FORMATS = {
    (1, 3): "0%",
    (2, 3): "0.0%",
    (3, 3): "0.00%;[Red]-0.00%",
    (4, 3): '0"%"',
    (6, 3): "0%",
    (7, 4): "0%",
}


@pytest.mark.parametrize("build", [workbook, legacy_workbook], ids=["xlsx", "xls"])
def test_percent_formatted_cells_are_percent_points(p, build):
    extension = "xlsx" if build is workbook else "xls"
    data = build([{"name": "进度", "rows": PERCENT_ROWS, "formats": PERCENT_FORMATS}])
    got = reports.progress_reports([(f"reports/U1.{extension}", data)], p)
    loaded = got.rows.sort("month")
    assert loaded["progress"].to_list() == [70.0, 85.5, 90.0, 95.0, 96.0, None]
    assert loaded["actual"].to_list() == [None] * 5 + [0.5]
    assert got.quarantine["reason"].to_list() == ['第7行 完成进度 "120%" 超出0-100范围']

    # results published before the amendment are reproduced: the cells as stored
    old = reports.progress_reports([(f"reports/U1.{extension}", data)], with_semantics(p, OLD))
    assert old.rows.sort("month")["progress"].to_list() == [0.7, 0.855, 0.9, 95.0, 96.0, 1.2, None]
    assert old.quarantine.is_empty()


# --- 3. months typed as decimal numbers -----------------------------------------------------


def test_a_month_typed_as_a_decimal_number_is_quarantined(p):
    rows = [
        HEADER,
        ["U1", "T1", 2021.1, 50, None, "2021-10-08", "October, as Excel keeps 2021.10"],
        ["U1", "T1", "2021.9", 40, None, "2021-10-08", "a decimal written as text"],
        ["U1", "T1", 2021.01, 10, None, "2021-02-01", "January?"],
        ["U1", "T1", "2021-02", 20, None, "2021-03-01", ""],
        ["U1", "T1", "2021/3", 30, None, "2021-04-01", ""],
        ["U1", "T1", "2021年4月", 35, None, "2021-05-01", ""],
        ["U1", "T1", "5月", 38, None, "2021-06-01", ""],
        ["U1", "T1", 6, 39, None, "2021-07-01", ""],
        ["U1", "T1", "2021-07-31", 41, None, "2021-08-01", ""],
    ]
    data = workbook([{"name": "进度", "rows": rows}])
    got = reports.progress_reports([("reports/U1.xlsx", data)], p)
    assert got.rows.sort("month")["month"].to_list() == [2, 3, 4, 5, 6, 7]
    reasons = got.quarantine["reason"].to_list()
    assert [r.split(" ", 3)[:3] for r in reasons] == [
        ["第2行", "报告月份", '"2021.1"'],
        ["第3行", "报告月份", '"2021.9"'],
        ["第4行", "报告月份", '"2021.01"'],
    ]
    assert all("月份写法有歧义" in r for r in reasons)

    old = reports.progress_reports([("reports/U1.xlsx", data)], with_semantics(p, OLD))
    assert old.quarantine.is_empty()
    assert sorted(old.rows["month"].to_list()) == [1, 1, 2, 3, 4, 5, 6, 7, 9]

    # an Excel date cell is still a month
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("进度")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["U1", "T1"])
    month_format = book.add_format({"num_format": "yyyy-mm"})
    sheet.write_datetime(1, 2, dt.datetime(2021, 9, 1), month_format)
    sheet.write_row(1, 3, [50, None, "2021-10-08"])
    book.close()
    got = reports.progress_reports([("reports/U1.xlsx", buffer.getvalue())], p)
    assert got.rows["month"].to_list() == [9]


# --- 4. CR-only line endings ----------------------------------------------------------------


def test_cr_only_line_endings_are_read(p):
    data = csv(HEADER, [["U1", "T1", "3", "40", "", "2021-04-03", "a"]] * 2).replace(b"\r\n", b"\r")
    data = data.replace(b"40,,2021-04-03,a\r", b"40,,2021-04-03,a\r", 1).replace(
        b",a\r", b",b\r", 1
    )
    got = reports.progress_reports([("reports/U1.csv", data)], p)
    assert got.rows.sort("row_number").select("row_number", "note").rows() == [(2, "b"), (3, "a")]
    assert file_counts(got)["rows_read"].to_list() == [2]


def test_cr_only_line_endings_in_read_table():
    frame = read_table(b'a,b\r1,2\r\r3,"x\ry"\r', "a.csv")
    assert frame.rows() == [("1", "2", 2), ("3", "x\ny", 4)]


# --- 5. ragged rows -------------------------------------------------------------------------

LEDGER = ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额(元)", "摘要"]


def test_a_row_with_more_cells_than_its_header_is_quarantined_never_cut(p):
    data = (
        "日期,凭证号,项目编号,资金来源,类型,金额(元),摘要\r\n"
        "2021-03-01,V1,T1,县级,支出,500.00,正常\r\n"
        "2021-03-02,V2,T1,县级,支出,12,345.00,购置设备\r\n"
        "2021-03-03,V3,T1,县级,支出,800.00,材料,人工\r\n"
    ).encode()
    loaded, _ = funding.ledger([("funding/台账.csv", data)], p)
    assert loaded.rows["voucher_no"].to_list() == ["V1"]
    q = loaded.quarantine.select("row_number", "column", "value", "reason").rows()
    assert [(r, c, v) for r, c, v, _ in q] == [
        (3, "表头之外的单元格", "购置设备"),
        (4, "表头之外的单元格", "人工"),
    ]
    assert all("未加引号的英文逗号" in reason for *_, reason in q)
    assert q[0][3].startswith('第3行 表头之外的单元格 "购置设备" 本行的单元格比表头多')
    counts = file_counts(loaded)
    assert counts.select("rows_read", "rows_loaded", "rows_quarantined").rows() == [(3, 1, 2)]


def test_read_table_keeps_the_cells_beyond_the_header():
    frame = read_table(b"a,b\n1\n2,3,4,5\n6,7,,\n", "a.csv")
    assert frame.to_dicts() == [
        {"a": "1", "b": None, "_extra": None, "_row": 2},
        {"a": "2", "b": "3", "_extra": "4,5", "_row": 3},
        {"a": "6", "b": "7", "_extra": None, "_row": 4},  # empty cells beyond: nothing lost
    ]


# --- 8. sheets and headers as offices make them ---------------------------------------------

DATA = [HEADER, ["U1", "T1", "3", 40, None, "2021-04-03", "本月"]]
STALE = [HEADER, ["U1", "T1", "3", 10, None, "2021-04-03", "旧数据"]]
INSTRUCTIONS = [["填表说明"], ["1. 完成进度填0-100的数字"], ["2. 报送日期填实际报送的日期"]]


@pytest.mark.parametrize("build", [workbook, legacy_workbook], ids=["xlsx", "xls"])
def test_a_hidden_sheet_placed_first_is_passed_over(p, build):
    extension = "xlsx" if build is workbook else "xls"
    data = build(
        [{"name": "底稿", "rows": STALE, "hidden": True}, {"name": "Sheet1", "rows": DATA}]
    )
    got = reports.progress_reports([(f"reports/U1.{extension}", data)], p)
    assert got.rows.select("sheet", "note").rows() == [("Sheet1", "本月")]


@pytest.mark.parametrize("build", [workbook, legacy_workbook], ids=["xlsx", "xls"])
def test_an_instructions_sheet_placed_first_is_passed_over(p, build):
    extension = "xlsx" if build is workbook else "xls"
    data = build([{"name": "填表说明", "rows": INSTRUCTIONS}, {"name": "Sheet1", "rows": DATA}])
    got = reports.progress_reports([(f"reports/U1.{extension}", data)], p)
    assert got.rows.select("sheet", "note", "row_number").rows() == [("Sheet1", "本月", 2)]
    assert got.quarantine.is_empty()


def test_what_cannot_be_read_is_rejected_with_the_true_reason(p):
    hidden = workbook(
        [{"name": "填表说明", "rows": INSTRUCTIONS}, {"name": "数据", "rows": DATA, "hidden": True}]
    )
    without = workbook([{"name": "填表说明", "rows": INSTRUCTIONS}, {"name": "空表", "rows": []}])
    got = reports.progress_reports(
        [("reports/U1_hidden.xlsx", hidden), ("reports/U1_without.xlsx", without)], p
    )
    assert got.quarantine.select("sheet", "reason").rows() == [
        (
            "进度",
            "文件被拒收：数据所在的工作表“数据”被隐藏：请取消隐藏，或把数据放在可见的工作表中",
        ),
        ("填表说明", "文件被拒收：缺少必需的列：单位编码、任务编号、报告月份、报送日期"),
    ]


@pytest.mark.parametrize("build", [workbook, legacy_workbook], ids=["xlsx", "xls"])
def test_title_rows_above_the_header(p, build):
    extension = "xlsx" if build is workbook else "xls"
    rows = [["2021年度目标任务进度月报"], ["填报单位：县民政局", None, None, "单位：%"], *DATA]
    got = reports.progress_reports(
        [(f"reports/U1.{extension}", build([{"name": "Sheet1", "rows": rows}]))], p
    )
    assert got.rows.select("row_number", "progress", "note").rows() == [(4, 40.0, "本月")]
    assert got.quarantine.is_empty()


def test_title_rows_above_the_header_of_a_csv(p):
    data = "2021年度目标任务进度月报\r\n\r\n".encode() + csv(
        HEADER, [["U1", "T1", "3", "40", "", "2021-04-03", "本月"]]
    )
    got = reports.progress_reports([("reports/U1.csv", data)], p)
    assert got.rows.select("row_number", "note").rows() == [(4, "本月")]
    assert got.quarantine.is_empty()


def test_a_two_row_merged_header_is_read_by_its_lower_row(p):
    # 单位编码, 任务编号, 报告月份 and 报送日期 merged over both rows; 进度情况 over two columns
    rows = [
        [None] * 7,
        [None, None, None, "完成进度", "实际完成值", None, None],
        ["U1", "T1", "3", 40, None, "2021-04-03", "本月"],
        ["U1", "T2", "3", None, 6, "2021-04-03", "数量"],
    ]
    merge = [
        (0, 0, 1, 0, "单位编码"),
        (0, 1, 1, 1, "任务编号"),
        (0, 2, 1, 2, "报告月份"),
        (0, 3, 0, 4, "进度情况"),
        (0, 5, 1, 5, "报送日期"),
        (0, 6, 1, 6, "本月工作情况"),
    ]
    data = workbook([{"name": "进度", "rows": rows, "merge": merge}])
    got = reports.progress_reports([("reports/U1.xlsx", data)], p)
    assert got.quarantine.is_empty()
    assert got.rows.sort("row_number").select(
        "row_number", "task_id", "progress", "actual", "note"
    ).rows() == [(3, "T1", 40.0, None, "本月"), (4, "T2", None, 6.0, "数量")]


def test_a_two_row_header_whose_upper_row_has_the_required_columns(p):
    # the upper row alone names every required column: the lower row is still the header
    rows = [
        ["单位编码", "任务编号", "报告月份", "进度情况", None, "报送日期"],
        [None, None, None, "完成进度", "实际完成值", None],
        ["U1", "T1", "3", 40, None, "2021-04-03"],
    ]
    data = workbook([{"name": "进度", "rows": rows}])
    got = reports.progress_reports([("reports/U1.xlsx", data)], p)
    assert got.quarantine.is_empty()
    assert got.rows.select("row_number", "progress").rows() == [(3, 40.0)]


# --- 9. NUL bytes ---------------------------------------------------------------------------


def test_a_nul_byte_in_a_utf8_csv_is_named():
    data = "单位编码,备注\nU01,正常\nU02,坏\x00了\n".encode()
    with pytest.raises(ReadError) as error:
        read_table(data, "a.csv")
    assert str(error.value) == (
        "CSV 文件第3行含有空字符（NUL，字节 00）：文件可能已损坏或混入了非文本内容，"
        "请删除该字符或重新导出"
    )


def test_utf16_without_bom_is_named():
    with pytest.raises(ReadError, match="UTF-16"):
        read_table("单位编码,备注\nU01,x\n".encode("utf-16-le"), "a.csv")


# --- 10. ids in another case ----------------------------------------------------------------


def test_ids_differing_only_in_case_are_the_plans_ids(p):
    data = csv(HEADER, [["u1", "t1", "3", "40", "", "2021-04-03", ""]])
    got = reports.progress_reports([("reports/u1_月报.csv", data)], p)
    assert got.rows.select("unit_id", "task_id").rows() == [("U1", "T1")]
    assert got.quarantine.is_empty()


def test_a_row_naming_an_unknown_unit_reaches_the_findings_of_the_file_unit(p):
    data = csv(
        HEADER,
        [
            ["U1", "T1", "3", "40", "", "2021-04-03", ""],
            ["U9", "T1", "4", "50", "", "2021-05-03", ""],
            ["", "T1", "5", "60", "", "2021-06-03", ""],
        ],
    )
    got = reports.progress_reports([("reports/u1_县民政局.csv", data)], p)
    assert got.quarantine.select("row_number", "unit_id").unique().sort("row_number").rows() == [
        (3, "U1"),
        (4, "U1"),
    ]
    # a file whose name says nothing: the one unit of the plan its rows name
    got = reports.progress_reports([("reports/月报.csv", data)], p)
    assert set(got.quarantine["unit_id"].to_list()) == {"U1"}


# --- 15. what one file may cost -------------------------------------------------------------


def test_an_absurdly_wide_csv_is_rejected_before_parsing(p):
    header = ",".join(f"c{i}" for i in range(10_000))
    data = (header + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
    with pytest.raises(ReadError) as error:
        read_table(data, "a.csv")
    assert str(error.value) == (
        f"CSV 文件有10000列，超过上限{MAX_COLUMNS}列：不是可读取的报表，请只保留需要的列"
    )
    got = reports.progress_reports([("reports/U1.csv", data)], p)
    assert got.quarantine["reason"].to_list() == [f"文件被拒收：{error.value}"]


def test_a_csv_row_far_wider_than_its_header_is_rejected():
    data = b"a,b\n1,2\n" + b",".join(b"x" for _ in range(MAX_COLUMNS + 5)) + b"\n"
    with pytest.raises(ReadError, match=f"CSV 文件有{MAX_COLUMNS + 5}列，超过上限"):
        read_table(data, "a.csv")


def test_an_absurdly_wide_sheet_is_rejected():
    data = workbook([{"name": "Sheet1", "rows": [[f"c{i}" for i in range(MAX_COLUMNS + 1)]]}])
    with pytest.raises(ReadError, match=f"工作表“Sheet1”有{MAX_COLUMNS + 1}列，超过上限"):
        read_table(data, "a.xlsx")


def test_a_long_note_does_not_hide_a_row_wider_than_its_header():
    long_note = "很长的说明" * 40_000  # 200,000 characters in one quoted cell
    data = f'a,b\n1,"{long_note}"\n2,3,4\n'.encode()
    frame = read_table(data, "a.csv")
    assert frame["_extra"].to_list() == [None, "4"]
    assert frame["b"].str.len_chars().to_list() == [200_000, 1]
