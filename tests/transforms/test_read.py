"""transforms.read: files built in memory; exact cell text and exact spreadsheet row numbers."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
import xlsxwriter
import xlwt

from transforms.read import (
    ReadError,
    decode_csv,
    normalise_header,
    read_table,
    sheet_names,
)


def rows(frame: pl.DataFrame) -> list[dict]:
    return frame.to_dicts()


def xlsx(sheets: dict[str, dict[tuple[int, int], object]]) -> bytes:
    """A workbook from {sheet: {(row, col) 0-based: value}}; dates become real date cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = book.add_format({"num_format": "yyyy/m/d hh:mm:ss"})
    for name, cells in sheets.items():
        sheet = book.add_worksheet(name)
        for (r, c), value in cells.items():
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, datetime_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def header_row(row: int, *values: object) -> dict[tuple[int, int], object]:
    return {(row, c): v for c, v in enumerate(values)}


# --- CSV decoding -------------------------------------------------------------------------


def test_decode_csv_utf8_bom():
    assert decode_csv("\ufeff单位编码\nU01\n".encode()) == ("单位编码\nU01\n", "utf-8-sig")


def test_decode_csv_utf8():
    assert decode_csv("单位编码\nU01\n".encode()) == ("单位编码\nU01\n", "utf-8")


def test_decode_csv_gb18030_including_a_character_outside_gbk():
    content = "单位编码,备注\nU01,𠀀字\n"
    assert decode_csv(content.encode("gb18030")) == (content, "gb18030")


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,  # garbage binary
        "单位编码\n".encode("utf-16"),  # UTF-16 is not supported
    ],
)
def test_decode_csv_rejects_binary_and_unsupported_encodings(data):
    with pytest.raises(ReadError, match="CSV 文件编码无法识别"):
        decode_csv(data)


# --- CSV reading --------------------------------------------------------------------------


def test_csv_utf8_bom_cells_are_text_with_row_numbers():
    content = "\ufeff单位编码,完成进度,报送日期\nU01,85,2021-09-30\nU02,９０％,2021/9/30\n"
    frame = read_table(content.encode(), "reports/九月.csv")
    assert frame.schema == pl.Schema(
        {"单位编码": pl.String, "完成进度": pl.String, "报送日期": pl.String, "_row": pl.Int32}
    )
    assert rows(frame) == [
        {"单位编码": "U01", "完成进度": "85", "报送日期": "2021-09-30", "_row": 2},
        {"单位编码": "U02", "完成进度": "９０％", "报送日期": "2021/9/30", "_row": 3},
    ]


def test_csv_gb18030():
    content = "单位编码,本月工作情况\r\nU01,完成𠀀改造\r\n"
    frame = read_table(content.encode("gb18030"), "a.CSV")
    assert rows(frame) == [{"单位编码": "U01", "本月工作情况": "完成𠀀改造", "_row": 2}]


def test_csv_quoted_commas_and_newlines_count_as_one_row():
    content = 'id,note\nU01,"a, b"\nU02,"line 1\nline 2"\nU03,"say ""hi"""\n'
    frame = read_table(content.encode(), "a.csv")
    assert rows(frame) == [
        {"id": "U01", "note": "a, b", "_row": 2},
        {"id": "U02", "note": "line 1\nline 2", "_row": 3},
        {"id": "U03", "note": 'say "hi"', "_row": 4},
    ]


def test_csv_blank_rows_are_dropped_but_keep_later_row_numbers():
    content = "id,value\r\nU01,1\r\n\r\n,\r\n \u3000, \r\nU02,2\r\n\r\n"
    frame = read_table(content.encode(), "a.csv")
    assert rows(frame) == [
        {"id": "U01", "value": "1", "_row": 2},
        {"id": "U02", "value": "2", "_row": 6},
    ]


def test_csv_leading_blank_lines_header_is_first_non_empty_row():
    content = "\n,,,,\n \nid,value,extra\nU01,,x\n"
    frame = read_table(content.encode(), "a.csv")
    assert rows(frame) == [{"id": "U01", "value": None, "extra": "x", "_row": 5}]


def test_csv_cells_are_not_trimmed_and_empty_cells_are_null():
    frame = read_table(b"id,value\n  U01 ,\n", "a.csv")
    assert rows(frame) == [{"id": "  U01 ", "value": None, "_row": 2}]


def test_csv_header_only_gives_no_rows():
    frame = read_table("单位编码,完成进度\n".encode(), "a.csv")
    assert frame.columns == ["单位编码", "完成进度", "_row"]
    assert frame.height == 0


def test_csv_quotes_inside_an_unquoted_cell_are_kept():
    frame = read_table('id,note\nU01,完成"三大"工程\n'.encode(), "a.csv")
    assert rows(frame) == [{"id": "U01", "note": '完成"三大"工程', "_row": 2}]


@pytest.mark.parametrize("content", ['id,note\nU01,"甲"乙\n', 'id,note\nU01,"未结束\nU02,x\n'])
def test_csv_with_broken_quotes_is_rejected_whole(content):
    with pytest.raises(ReadError) as error:
        read_table(content.encode(), "a.csv")
    assert str(error.value) == '无法解析 CSV 文件：有单元格的引号不成对或用法不对（如 "甲"乙）'


def test_csv_ragged_rows():
    # a short row is padded; a long one keeps its cells beyond the header in _extra
    frame = read_table(b"a,b\n1\n2,3,4\n", "a.csv")
    assert rows(frame) == [
        {"a": "1", "b": None, "_extra": None, "_row": 2},
        {"a": "2", "b": "3", "_extra": "4", "_row": 3},
    ]


def test_csv_duplicate_and_blank_headers():
    content = "id,id,,,id_2\nU01,U02,x,,y\n"
    frame = read_table(content.encode(), "a.csv")
    # the blank header over column C has data; the one over column D is empty and dropped
    assert frame.columns == ["id", "id_2", "未命名列C", "id_2_2", "_row"]
    assert rows(frame) == [{"id": "U01", "id_2": "U02", "未命名列C": "x", "id_2_2": "y", "_row": 2}]


def test_csv_sheet_names_and_sheet_argument():
    data = b"id\nU01\n"
    assert sheet_names(data, "a.csv") == [""]
    assert rows(read_table(data, "a.csv", "进度")) == [{"id": "U01", "_row": 2}]


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "a.csv", "文件为空"),
        (b" \r\n\r\n,,\n", "a.csv", "文件为空"),
        (bytes(range(256)) * 4, "a.csv", "CSV 文件编码无法识别（支持 UTF-8、UTF-8 BOM、GB18030）"),
        (b"", "a.xlsx", "文件为空"),
        (b"id\nU01\n", "a.txt", "不支持的文件类型“.txt”（支持 .csv、.xlsx、.xls）"),
        (b"id\nU01\n", "README", "不支持的文件类型“无扩展名”（支持 .csv、.xlsx、.xls）"),
        (
            bytes(range(256)) * 4,
            "a.xlsx",
            "无法读取文件：不是有效的 Excel 文件（文件可能已损坏或加密）",
        ),
        (
            b"<html><table><tr><td>id</td></tr></table></html>",
            "a.xls",
            "无法读取文件：扩展名为 .xls，内容却是网页（HTML），请用 Excel 另存为 .xlsx",
        ),
        (
            "单位编码\nU01\n".encode("gb18030"),
            "a.xlsx",
            "无法读取文件：扩展名为 .xlsx，内容却是文本（可能是 CSV），请改正扩展名",
        ),
    ],
)
def test_unreadable_files(data, filename, reason):
    with pytest.raises(ReadError) as error:
        read_table(data, filename)
    assert str(error.value) == reason


def test_excel_content_named_csv():
    data = xlsx({"进度": header_row(0, "id")})
    with pytest.raises(ReadError, match="扩展名为 .csv，内容却是 Excel 工作簿"):
        read_table(data, "a.csv")


# --- XLSX ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_xlsx() -> bytes:
    progress = {
        **header_row(0, "单位编码", "任务编号", "报告月份", "完成进度", "报送日期", "本月工作情况"),
        **header_row(1, "U01", 101, 9, 85.0, dt.date(2021, 9, 30), "完成 改造"),
        # row 3 is blank; row 4 has only spaces: both dropped
        **header_row(3, "  ", "\u3000"),
        **header_row(4, "U02", "T-03", "2021年9月", 85.5, dt.datetime(2021, 10, 12, 14, 3, 22), ""),
        **header_row(5, " U03", "T-04", "10", "９０％", "2021/10/8", None),
    }
    honors = {
        **header_row(0, "单位编码", "荣誉名称", "级别", "文号", "授予日期"),
        **header_row(1, "U01", "先进单位", "省级", "川民发〔2021〕12号", dt.date(2021, 6, 1)),
    }
    return xlsx({"进度": progress, "荣誉": honors})


def test_xlsx_sheet_names(report_xlsx):
    assert sheet_names(report_xlsx, "报表.xlsx") == ["进度", "荣誉"]


def test_xlsx_first_sheet_by_default(report_xlsx):
    frame = read_table(report_xlsx, "报表.XLSX")
    assert frame.columns == [
        "单位编码",
        "任务编号",
        "报告月份",
        "完成进度",
        "报送日期",
        "本月工作情况",
        "_row",
    ]
    assert all(dtype == pl.String for dtype in frame.drop("_row").dtypes)
    assert frame.schema["_row"] == pl.Int32
    assert rows(frame) == [
        {
            "单位编码": "U01",
            "任务编号": "101",
            "报告月份": "9",
            "完成进度": "85",
            "报送日期": "2021-09-30 00:00:00",
            "本月工作情况": "完成 改造",
            "_row": 2,
        },
        {
            "单位编码": "U02",
            "任务编号": "T-03",
            "报告月份": "2021年9月",
            "完成进度": "85.5",
            "报送日期": "2021-10-12 14:03:22",
            "本月工作情况": None,
            "_row": 5,
        },
        {
            "单位编码": " U03",
            "任务编号": "T-04",
            "报告月份": "10",
            "完成进度": "９０％",
            "报送日期": "2021/10/8",
            "本月工作情况": None,
            "_row": 6,
        },
    ]


def test_xlsx_named_sheet(report_xlsx):
    frame = read_table(report_xlsx, "报表.xlsx", "荣誉")
    assert rows(frame) == [
        {
            "单位编码": "U01",
            "荣誉名称": "先进单位",
            "级别": "省级",
            "文号": "川民发〔2021〕12号",
            "授予日期": "2021-06-01 00:00:00",
            "_row": 2,
        }
    ]


def test_xlsx_missing_sheet(report_xlsx):
    with pytest.raises(ReadError) as error:
        read_table(report_xlsx, "报表.xlsx", "汇总")
    assert str(error.value) == "找不到工作表“汇总”（文件中的工作表：进度、荣誉）"


def test_xlsx_missing_sheet_mentions_its_name():
    data = xlsx({"Sheet1": header_row(0, "id")})
    with pytest.raises(ReadError, match="找不到工作表“进度”"):
        read_table(data, "a.xlsx", "进度")


def test_xlsx_leading_blank_rows_and_columns_keep_sheet_numbering():
    cells = {
        **{(2, c + 1): v for c, v in enumerate(["单位编码", "完成进度"])},  # header at B3
        **{(3, c + 1): v for c, v in enumerate(["U01", 50])},
        **{(5, c + 1): v for c, v in enumerate(["U02", 60])},
    }
    frame = read_table(xlsx({"进度": cells}), "a.xlsx")
    assert rows(frame) == [
        {"单位编码": "U01", "完成进度": "50", "_row": 4},
        {"单位编码": "U02", "完成进度": "60", "_row": 6},
    ]


def test_xlsx_duplicate_and_blank_headers():
    cells = {**header_row(0, "文号", None, "文号", None), **header_row(1, "a", "b", "c", None)}
    frame = read_table(xlsx({"S": cells}), "a.xlsx")
    assert rows(frame) == [{"文号": "a", "未命名列B": "b", "文号_2": "c", "_row": 2}]


def test_xlsx_empty_sheet():
    data = xlsx({"进度": {}, "荣誉": header_row(0, "单位编码")})
    with pytest.raises(ReadError) as error:
        read_table(data, "a.xlsx", "进度")
    assert str(error.value) == "工作表“进度”为空"
    assert read_table(data, "a.xlsx", "荣誉").columns == ["单位编码", "_row"]


def test_truncated_xlsx(report_xlsx):
    with pytest.raises(ReadError, match="不是有效的 Excel 文件"):
        read_table(report_xlsx[: len(report_xlsx) // 2], "a.xlsx")


# --- XLS (BIFF) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    cover = book.add_sheet("说明")
    cover.write(0, 0, "本表由各责任单位每月填报")
    sheet = book.add_sheet("进度")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, v in enumerate(["单位编码", "任务编号", "完成进度", "报送日期", "联系电话"]):
        sheet.write(0, c, v)
    sheet.write(1, 0, "U01")
    sheet.write(1, 1, 101)
    sheet.write(1, 2, 85.0)
    sheet.write(1, 3, dt.date(2021, 9, 30), date_style)
    sheet.write(1, 4, "13800000000")
    # row 3 (index 2) left blank
    sheet.write(3, 0, "U02")
    sheet.write(3, 1, "T-03")
    sheet.write(3, 2, "85%")
    sheet.write(3, 3, 44469)  # a serial typed as a plain number
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xls_sheet_names(report_xls):
    assert sheet_names(report_xls, "old.xls") == ["说明", "进度"]


def test_xls_named_sheet(report_xls):
    frame = read_table(report_xls, "old.XLS", "进度")
    assert rows(frame) == [
        {
            "单位编码": "U01",
            "任务编号": "101",
            "完成进度": "85",
            "报送日期": "2021-09-30 00:00:00",
            "联系电话": "13800000000",
            "_row": 2,
        },
        {
            "单位编码": "U02",
            "任务编号": "T-03",
            "完成进度": "85%",
            "报送日期": "44469",
            "联系电话": None,
            "_row": 4,
        },
    ]


def test_xls_first_sheet_by_default(report_xls):
    assert rows(read_table(report_xls, "old.xls")) == []
    assert read_table(report_xls, "old.xls").columns == ["本表由各责任单位每月填报", "_row"]


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("单位编码", "单位编码"),
        ("  单位编码\u3000", "单位编码"),
        ("\ufeff单位编码\t", "单位编码"),
        ("\u00a0金额（元）", "金额(元)"),
        ("金额（万元）", "金额(万元)"),
        ("完成率％", "完成率%"),
        ("ｕｎｉｔ＿ｉｄ", "unit_id"),
        ("预算 资金", "预算 资金"),  # inner spaces are kept
        ("\u3000", ""),
    ],
)
def test_normalise_header(written, normalised):
    assert normalise_header(written) == normalised
