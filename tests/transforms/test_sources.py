"""Reports, honors, ledger and surveys: loaded, duplicate or quarantined with the right reason."""

import io

import pytest
import xlsxwriter

from tests.plan_fixture import csv, plan, row
from transforms import funding, reports, surveys
from transforms.pii import PiiKeyMissing
from transforms.reconcile import file_counts

REPORT_HEADER = [
    "单位编码",
    "任务编号",
    "报告月份",
    "完成进度",
    "实际完成值",
    "报送日期",
    "本月工作情况",
    "联系电话",
]


@pytest.fixture(scope="module")
def p():
    return plan()


@pytest.fixture(scope="module")
def progress(p):
    a = csv(
        REPORT_HEADER,
        [
            ["U1", "T1", "2021-01", "20%", "", "2021-02-03", "开工", "13800000000"],
            ["U1", "T1", "2021-01", "20%", "", "2021-02-03", "开工", "13800000000"],  # duplicate
            ["U1", "T1", "2021年2月", "120%", "", "2021/3/3", "", ""],
            ["U1", "T3", "3", "50", "", "2021-04-03", "", ""],  # another unit's task
            ["U1", "T9", "3", "50", "", "2021-04-03", "", ""],  # unknown task
            ["U1", "T1", "3月", "", "", "2021-04-03", "", ""],  # 进度 task without progress
            ["U1", "T2", "3", "", "", "2021-04-03", "", ""],  # 数量 task without actual
            ["U1", "T2", "3", "", "5", "2021-13-45", "", ""],  # bad date
            ["U1", "T1", "13月", "40", "", "2021-04-03", "", ""],  # bad month
        ],
        "gb18030",
    )
    b = csv(
        REPORT_HEADER[:-1], [["U1", "T1", "2021-01", "２５％", "", "2021.2.4", "更正"]], "utf-8-sig"
    )
    return reports.progress_reports([("reports/b.csv", b), ("reports/a.csv", a)], p)


def test_quarantine_reasons_name_row_column_value(progress):
    reasons = progress.quarantine.sort("row_number", "column")["reason"].to_list()
    assert reasons == [
        '第4行 完成进度 "120%" 超出0-100范围',
        '第5行 任务编号 "T3" 不是本单位的任务',
        '第6行 任务编号 "T9" 不是年度计划中的任务',
        "第7行 完成进度 未填写（进度类任务必填）",
        "第8行 实际完成值 未填写（数量类任务必填）",
        '第9行 报送日期 "2021-13-45" 不是有效的日期',
        '第10行 报告月份 "13月" 不是本年度的有效月份',
    ]
    assert set(progress.quarantine["unit_id"]) == {"U1"}
    assert set(progress.quarantine["file"]) == {"reports/a.csv"}


def test_resubmission_latest_is_effective_and_duplicates_count_once(progress):
    rows = progress.rows.sort("file")
    assert rows.select("file", "row_number", "progress", "is_effective").rows() == [
        ("reports/a.csv", 2, 20.0, False),
        ("reports/b.csv", 2, 25.0, True),
    ]
    assert progress.duplicates.rows() == [("reports/a.csv", "", 3)]


def test_phone_column_never_loaded(progress):
    assert not any("电话" in c or "phone" in c for c in progress.rows.columns)
    assert not progress.quarantine["value"].drop_nulls().str.contains("138000").any()


def test_counts_reconcile_per_file(progress):
    counts = file_counts(progress).sort("file")
    assert counts.select(
        "file", "rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined"
    ).rows() == [
        ("reports/a.csv", 9, 1, 1, 7),
        ("reports/b.csv", 1, 1, 0, 0),
    ]


def test_effective_tie_goes_to_later_file_then_later_row(p):
    same_day = [
        ["U1", "T1", "1", "10", "", "2021-02-03", "a"],
        ["U1", "T1", "1", "30", "", "2021-02-03", "b"],
    ]
    first = csv(REPORT_HEADER[:-1], same_day)
    second = csv(REPORT_HEADER[:-1], [["U1", "T1", "1", "20", "", "2021-02-03", "c"]])
    got = reports.progress_reports([("reports/2.csv", second), ("reports/1.csv", first)], p).rows
    assert row(got, is_effective=True)["progress"] == 20.0
    got = reports.progress_reports([("reports/1.csv", first)], p).rows
    assert row(got, is_effective=True)["progress"] == 30.0


def test_submitted_before_its_month_is_quarantined(p):
    data = csv(
        REPORT_HEADER[:-1],
        [
            ["U1", "T1", "3", "40", "", "2021-02-28", ""],  # before March
            ["U1", "T1", "3", "40", "", "2021-03-01", ""],  # the first day: fine
            ["U1", "T1", "4", "50", "", "2021-04-30", ""],
        ],
    )
    got = reports.progress_reports([("reports/u1.csv", data)], p)
    assert got.quarantine.select("row_number", "column", "value", "reason").rows() == [
        (2, "报送日期", "2021-02-28", '第2行 报送日期 "2021-02-28" 报送日期早于报告月份'),
    ]
    assert got.rows["row_number"].to_list() == [3, 4]


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for i, r in enumerate(rows):
            sheet.write_row(i, 0, r)
    book.close()
    return buf.getvalue()


def test_honors_sheet(p):
    data = _xlsx(
        {
            "进度": [REPORT_HEADER[:-1], ["U2", "T3", "3", "40", "", "2021-04-02", ""]],
            "荣誉": [
                ["单位编码", "荣誉名称", "级别", "文号", "授予日期"],
                ["U2", "省级示范社区", "省级", "川民发〔2021〕35号", "2021-06-01"],
                ["U2", "先进集体", "市级", "", "2021-07-01"],
                ["U2", "表扬", "县级", "大府发〔2021〕1号", "2021-07-01"],
                ["U2", "表扬", "市级", "遂府发〔2021〕2号", "2020-07-01"],
            ],
        }
    )
    got = reports.honors([("reports/u2.xlsx", data), ("reports/u1.csv", b"x")], p)
    assert got.rows.select("honor", "level", "document_no").rows() == [
        ("省级示范社区", "省级", "川民发〔2021〕35号"),
        ("先进集体", "市级", None),
    ]
    assert got.quarantine["reason"].to_list() == [
        '第4行 级别 "县级" 应为 国家级、省级 或 市级',
        '第5行 授予日期 "2020-07-01" 不在2021年内',
    ]
    assert reports.progress_reports([("reports/u2.xlsx", data)], p).rows.height == 1


def test_unreadable_or_incomplete_file_is_rejected_whole(p):
    missing = csv(["单位编码", "任务编号"], [["U1", "T1"], ["U1", "T2"]])
    got = reports.progress_reports(
        [("reports/bad.xlsx", b"not a workbook"), ("reports/cols.csv", missing)], p
    )
    q = got.quarantine.sort("file")
    assert q["row_number"].to_list() == [None, None]
    assert q["reason"][0].startswith("文件被拒收：")
    assert q["reason"][1] == "文件被拒收：缺少必需的列：报告月份、报送日期"
    counts = file_counts(got).sort("file")
    assert counts.select("file", "rows_read", "rows_quarantined", "status").rows() == [
        ("reports/bad.xlsx", 0, 0, "rejected"),
        ("reports/cols.csv", 2, 2, "rejected"),
    ]


@pytest.mark.parametrize(
    "second",
    ["完成进度", "\u3000完成进度 ", "progress", "ｐｒｏｇｒｅｓｓ"],
)
def test_a_header_naming_a_column_twice_rejects_the_file(p, second):
    header = [*REPORT_HEADER[:-1], second]
    data = csv(header, [["U1", "T1", "3", "40", "", "2021-04-03", "", "90"]])
    book = _xlsx({"进度": [header, ["U1", "T1", "3", "40", "", "2021-04-03", "", "90"]]})
    got = reports.progress_reports([("reports/u1.csv", data), ("reports/u1.xlsx", book)], p)
    assert got.rows.height == 0
    assert got.quarantine.select("file", "row_number", "reason").rows() == [
        ("reports/u1.csv", None, "文件被拒收：列名重复：完成进度"),
        ("reports/u1.xlsx", None, "文件被拒收：列名重复：完成进度"),
    ]
    counts = file_counts(got).sort("file")
    assert counts.select("rows_read", "rows_quarantined", "status").rows() == [
        (1, 1, "rejected"),
        (1, 1, "rejected"),
    ]


def test_personal_columns_named_twice_are_dropped_not_rejected(p):
    header = [*REPORT_HEADER, "联系电话"]
    data = csv(header, [["U1", "T1", "3", "40", "", "2021-04-03", "", "138", "139"]])
    assert reports.progress_reports([("reports/u1.csv", data)], p).rows.height == 1


def test_a_file_rejected_whole_names_its_unit_when_it_can_be_told(p):
    twice = [*REPORT_HEADER[:-1], "完成进度"]

    def rows(*units):
        return csv(twice, [[u, "T3", "3", "40", "", "2021-04-03", "", "40"] for u in units])

    got = reports.progress_reports(
        [
            ("reports/U3_县妇联_进度.xlsx", b"not a workbook"),  # its name: id and name of U3
            ("reports/盐井街道月报.csv", b""),  # its name: U2
            ("reports/月报.csv", rows("U2", " Ｕ２", "")),  # every row that names a unit: U2
            ("reports/县民政局与盐井街道.csv", rows("U2")),  # two names: its rows tell
            ("reports/汇总.csv", rows("U1", "U2")),  # two units
            ("reports/其他.csv", rows("U9")),  # not a unit of the plan
            ("reports/县民政局.csv", csv(["单位编码"], [["U2"]])),  # the name wins
        ],
        p,
    )
    assert got.quarantine.select("file", "unit_id").rows() == [
        ("reports/U3_县妇联_进度.xlsx", "U3"),
        ("reports/其他.csv", None),
        ("reports/县民政局.csv", "U1"),
        ("reports/县民政局与盐井街道.csv", "U2"),
        ("reports/月报.csv", "U2"),
        ("reports/汇总.csv", None),
        ("reports/盐井街道月报.csv", "U2"),
    ]
    assert got.quarantine["row_number"].null_count() == 7


LEDGER_HEADER = ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额(元)", "摘要"]


def test_ledger_duplicates_conflicts_and_wan(p):
    a = csv(
        LEDGER_HEADER,
        [
            ["2021-03-01", "V1", "T1", "民政局", "下达", "¥300,000.00", "拨付"],
            ["2021-04-01", "V2", "T1", "民政局", "支出", "12.5万", "施工"],
            ["2021-04-02", "V3", "T1", "民政局", "支出", "1000", "x"],
            ["2021-04-03", "V3", "T1", "民政局", "支出", "2000", "x"],
            ["2021-04-03", "V4", "T9", "民政局", "支出", "2000", "x"],
            ["2022-04-03", "V5", "T1", "民政局", "支出", "-5", "x"],
        ],
        "gb18030",
    )
    again = csv(LEDGER_HEADER, [["2021/3/1", "V1", "T1", "民政局", "下达", "300000", "拨付"]])
    wan = _xlsx(
        {
            "台账": [
                ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额（万元）", "摘要"],
                ["2021-05-01", "V6", "T3", "财政局", "下达", 30, "拨付"],
                ["2021-05-02", "V7", "T3", "财政局", "支出", "0.05", "小额"],
            ]
        }
    )
    loaded, conflicts = funding.ledger(
        [("funding/a.csv", a), ("funding/a(1).csv", again), ("funding/w.xlsx", wan)], p
    )
    assert [
        (v, str(x)) for v, x in loaded.rows.sort("voucher_no").select("voucher_no", "amount").rows()
    ] == [("V1", "300000.00"), ("V2", "125000.00"), ("V6", "300000.00"), ("V7", "500.00")]
    assert loaded.duplicates.rows() == [("funding/a.csv", "", 2)]  # a(1).csv sorts first
    assert conflicts.select("voucher_no", "row_number").rows() == [("V3", 4), ("V3", 5)]
    q = loaded.quarantine.sort("row_number", "column")
    assert q["reason"].to_list() == [
        '第4行 凭证号 "V3" 冲突：同一凭证号有2条内容不同的记录（funding/a.csv 第4行、funding/a.csv '
        "第5行），请核对后只保留正确的一条",
        '第5行 凭证号 "V3" 冲突：同一凭证号有2条内容不同的记录（funding/a.csv 第4行、funding/a.csv '
        "第5行），请核对后只保留正确的一条",
        '第6行 项目编号 "T9" 不是年度计划中的任务',
        '第7行 日期 "2022-04-03" 不在2021年内',
        '第7行 金额(元) "-5" 金额必须大于0',
    ]
    counts = file_counts(loaded).sort("file")
    assert counts.select(
        "rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined"
    ).rows() == [(1, 1, 0, 0), (6, 1, 1, 4), (2, 2, 0, 0)]


def test_amounts_are_whole_fen_else_quarantined(p):
    yuan = csv(
        LEDGER_HEADER,
        [
            ["2021-03-01", "V1", "T1", "民政局", "下达", "12.345", "x"],
            ["2021-03-02", "V2", "T1", "民政局", "下达", "0.001", "x"],
            ["2021-03-03", "V3", "T1", "民政局", "下达", "1.234567万", "x"],
            ["2021-03-04", "V4", "T1", "民政局", "下达", "12.34", "x"],
        ],
    )
    wan = _xlsx(
        {
            "台账": [
                ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额(万元)", "摘要"],
                ["2021-05-01", "W1", "T3", "财政局", "下达", "1.234567", "x"],
                ["2021-05-02", "W2", "T3", "财政局", "下达", "0.1234565", "x"],
            ]
        }
    )
    loaded, _ = funding.ledger([("funding/y.csv", yuan), ("funding/w.xlsx", wan)], p)
    assert [(v, str(x)) for v, x in loaded.rows.select("voucher_no", "amount").rows()] == [
        ("W1", "12345.67"),
        ("V3", "12345.67"),
        ("V4", "12.34"),
    ]
    assert loaded.quarantine.select("file", "reason").rows() == [
        ("funding/w.xlsx", '第3行 金额(元) "0.1234565" 金额最多两位小数'),
        ("funding/y.csv", '第2行 金额(元) "12.345" 金额最多两位小数'),
        ("funding/y.csv", '第3行 金额(元) "0.001" 金额最多两位小数'),
    ]


def test_personal_numbers_in_free_text_are_masked_before_loading(p):
    note = "联系13912345678，身份证510902199001011234"
    masked = "联系139****5678，身份证510***********1234"
    reports_file = _xlsx(
        {
            "进度": [REPORT_HEADER[:-1], ["U2", "T3", "3", "40", "", "2021-04-02", note]],
            "荣誉": [
                ["单位编码", "荣誉名称", "级别", "文号", "授予日期"],
                ["U2", "王芳13912345678先进个人", "省级", "川民发〔2021〕35号", "2021-06-01"],
            ],
        }
    )
    ledger_file = csv(
        LEDGER_HEADER,
        [["2021-03-01", "V1", "T1", "民政局", "下达", "100", "凭证12345678901234567890 " + note]],
    )
    progress = reports.progress_reports([("reports/u2.xlsx", reports_file)], p)
    honors = reports.honors([("reports/u2.xlsx", reports_file)], p)
    ledger, _ = funding.ledger([("funding/a.csv", ledger_file)], p)
    assert progress.rows["note"].to_list() == [masked]
    assert honors.rows["honor"].to_list() == ["王芳139****5678先进个人"]
    assert ledger.rows["summary"].to_list() == ["凭证12345678901234567890 " + masked]


SURVEY_HEADER = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "用户ID",
    "1、您所在的社区是？",
    "2、服务满意吗？ ",
    "3、环境满意吗？",
]
IP = "117.173.12.34(四川-遂宁)"


def _surveys(p, key=b"k"):
    by_text = csv(
        SURVEY_HEADER,
        [
            [
                1,
                "2021/10/12 14:03:22",
                "95秒",
                "微信",
                "x",
                IP,
                "u1",
                "水晶城社区",
                "非常满意",
                "满意",
            ],
            [2, "2021/10/12 14:05:22", "15秒", "微信", "x", IP, "u2", "C2", "非常满意", "(跳过)"],
            [3, "2021/10/12 14:06:22", "100秒", "微信", "x", IP, "u3", "不知道", "还行", "(跳过)"],
            [
                4,
                "2022/01/12 14:05:22",
                "100秒",
                "微信",
                "x",
                IP,
                "u4",
                "玉峰社区",
                "(跳过)",
                "(跳过)",
            ],
            [
                1,
                "2021/10/12 14:03:22",
                "95秒",
                "微信",
                "x",
                IP,
                "u1",
                "水晶城社区",
                "非常满意",
                "满意",
            ],
        ],
        "utf-8-sig",
    )
    by_number = csv(
        SURVEY_HEADER,
        [
            [1, "2021-10-13 09:00:00", "95", "链接", "x", "182.140.1.2", "u9", "C1", "1", "3"],
            [2, "2021-10-13 09:01:00", "95", "链接", "x", "182.140.1.3", "u9", "C1", "7", "-2"],
        ],
    )
    return surveys.surveys([("surveys/text.csv", by_text), ("surveys/num.csv", by_number)], p, key)


def test_survey_validity_score_and_quarantine(p):
    loaded, answers = _surveys(p)
    got = loaded.rows.sort("file", "row_number").select(
        "file", "row_number", "community_id", "score", "is_valid", "invalid_reason"
    )
    assert got.rows() == [
        ("surveys/num.csv", 2, "C1", 80.0, True, None),
        ("surveys/text.csv", 2, "C1", 90.0, True, None),
        ("surveys/text.csv", 3, "C2", 100.0, False, "答题用时15秒，少于30秒"),
        (
            "surveys/text.csv",
            5,
            "C2",
            None,
            False,
            "满意度题只答了0题，不足半数（1题）；提交时间不在2021年内",
        ),
    ]
    assert loaded.quarantine["reason"].to_list() == [
        '第3行 第2题 "7" 不是有效的选项：应为 非常满意、满意、基本满意、不满意、非常不满意',
        '第4行 第2题 "还行" 不是有效的选项：应为 非常满意、满意、基本满意、不满意、非常不满意',
    ]
    assert loaded.duplicates.rows() == [("surveys/text.csv", "", 6)]
    assert row(answers, file="surveys/num.csv", question=3)["answer"] == "基本满意"


def test_no_raw_ip_or_personal_column_survives(p):
    import hashlib
    import hmac

    loaded, _ = _surveys(p)
    rows = loaded.rows
    assert not {"ip", "user_id", "用户ID", "来源详情"} & set(rows.columns)
    text = rows.write_csv() + loaded.quarantine.write_csv()
    assert "117.173.12.34" not in text and "182.140.1.2" not in text and "u9" not in text
    expected = hmac.new(b"k", b"117.173.12.34", hashlib.sha256).hexdigest()
    assert row(rows, file="surveys/text.csv", row_number=2)["ip_hash"] == expected
    assert row(rows, file="surveys/text.csv", row_number=2)["ip_region"] == "四川-遂宁"


def test_missing_pii_key_is_a_clear_error(p):
    with pytest.raises(PiiKeyMissing) as exc:
        _surveys(p, key=None)
    assert "ASSESS_PII_KEY" in str(exc.value)


def test_empty_sources_give_empty_frames(p):
    assert reports.progress_reports([], p).rows.height == 0
    assert funding.ledger([], p)[0].rows.height == 0
    assert surveys.surveys([], p, None)[0].rows.height == 0
    assert file_counts(reports.honors([], p)).height == 0


def test_each_answer_cell_is_read_on_its_own(p):
    """One stray cell quarantines its own response, not the file; numbers and texts mix."""
    answers = [
        ["C1", "1", "3"],
        ["C1", "2", "-2"],
        ["C1", "还行", "1"],  # a text that is no option, in a file of numbers
        ["水晶城社区", "满意", "５"],  # option text beside an option number (full-width)
        ["C1", "(跳过)", "-3"],
        ["C1", "6", "1"],  # out of range
        ["C1", "非常满意", "跳过"],
    ]
    data = csv(
        SURVEY_HEADER,
        [
            [i, "2021-10-13 09:00:00", "95", "链接", "x", "182.140.1.2", "u9", *a]
            for i, a in enumerate(answers, start=1)
        ],
    )
    loaded, answered = surveys.surveys([("surveys/num.csv", data)], p, b"k")
    assert loaded.quarantine.select("row_number", "column", "value").rows() == [
        (4, "第2题", "还行"),
        (7, "第2题", "6"),
    ]
    got = answered.sort("row_number", "question").select("row_number", "question", "answer")
    assert got.rows() == [
        (2, 2, "非常满意"),
        (2, 3, "基本满意"),
        (3, 2, "满意"),
        (3, 3, None),
        (5, 2, "满意"),
        (5, 3, "非常不满意"),
        (6, 2, None),
        (6, 3, None),
        (8, 2, "非常满意"),
        (8, 3, None),
    ]


def test_a_question_number_named_twice_rejects_the_survey_file(p):
    header = [*SURVEY_HEADER, "3、环境满意吗？（补充）"]
    row = [1, "2021-10-13 09:00:00", "95", "链接", "x", "182.140.1.2", "u9", "C1", "1", "3", "1"]
    loaded, _ = surveys.surveys([("surveys/num.csv", csv(header, [row]))], p, b"k")
    assert loaded.quarantine.select("file", "reason").rows() == [
        ("surveys/num.csv", "文件被拒收：列名重复：第3题"),
    ]
    assert loaded.rows.height == 0


def _reports(p, *files):
    return reports.progress_reports(
        [(name, csv(REPORT_HEADER[:-1], rows)) for name, rows in files], p
    )


def test_a_report_below_an_earlier_months_effective_report_is_quarantined(p):
    """A 进度 task (T1) and a 数量 task (T2); T1's February correction (60) is the floor that
    March's report and April's later one fall below; April's earlier report (65) stays
    effective. May's later 65 corrects its earlier 70 downwards: not lower than April's 65, so
    it is no falling value. For the 数量 task the actual counts, not the progress."""
    got = _reports(
        p,
        (
            "reports/u1.csv",
            [
                ["U1", "T1", "1", "20", "", "2021-02-03", ""],
                ["U1", "T1", "2", "35", "", "2021-03-01", ""],
                ["U1", "T1", "2", "60", "", "2021-03-09", "更正"],
                ["U1", "T1", "3", "49%", "", "2021-04-01", ""],  # below February's 60
                ["U1", "T1", "4", "65", "", "2021-05-01", ""],
                ["U1", "T1", "4", "0.7", "", "2021-05-03", ""],  # later, below 60: April is 65
                ["U1", "T1", "5", "70", "", "2021-06-01", ""],
                ["U1", "T1", "5", "65", "", "2021-06-02", ""],  # equal is not lower
                ["U1", "T2", "1", "", "5", "2021-02-03", ""],
                ["U1", "T2", "2", "90", "4", "2021-03-03", ""],  # 数量: actual counts
                ["U1", "T2", "3", "", "6", "2021-04-03", ""],
            ],
        ),
    )
    assert got.quarantine.select("row_number", "column", "value", "reason").rows() == [
        (
            5,
            "完成进度",
            "49%",
            '第5行 完成进度 "49%" 累计值低于2月报告的60，如2月有误请更正2月报告',
        ),
        (
            7,
            "完成进度",
            "0.7",
            '第7行 完成进度 "0.7" 累计值低于2月报告的60，如2月有误请更正2月报告',
        ),
        (
            11,
            "实际完成值",
            "4",
            '第11行 实际完成值 "4" 累计值低于1月报告的5，如1月有误请更正1月报告',
        ),
    ]
    assert set(got.quarantine["unit_id"]) == {"U1"}
    effective = got.rows.filter("is_effective").sort("task_id", "month")
    assert effective.select("task_id", "month", "progress", "actual").rows() == [
        ("T1", 1, 20.0, None),
        ("T1", 2, 60.0, None),
        ("T1", 4, 65.0, None),
        ("T1", 5, 65.0, None),
        ("T2", 1, None, 5.0),
        ("T2", 3, None, 6.0),
    ]
    counts = file_counts(got)
    assert counts.select("rows_read", "rows_loaded", "rows_quarantined").rows() == [(11, 8, 3)]


def test_the_floor_is_the_effective_report_found_by_the_same_rule(p):
    """The chain: June's later report (30) falls below May's 50, so June's effective report is
    its earlier 55, and July's 52 falls below June's 55 (not below the quarantined 30); a
    month whose every report is lower has no report, and August compares with June."""
    got = _reports(
        p,
        (
            "reports/u1.csv",
            [
                ["U1", "T1", "5", "50", "", "2021-06-01", ""],
                ["U1", "T1", "6", "55", "", "2021-07-01", ""],
                ["U1", "T1", "6", "30", "", "2021-07-02", ""],
                ["U1", "T1", "7", "52", "", "2021-08-01", ""],
                ["U1", "T1", "7", "40", "", "2021-08-02", ""],
                ["U1", "T1", "8", "53", "", "2021-09-01", ""],
                ["U1", "T1", "9", "56", "", "2021-10-01", ""],
            ],
        ),
    )
    assert got.quarantine.select("row_number", "reason").rows() == [
        (4, '第4行 完成进度 "30" 累计值低于5月报告的50，如5月有误请更正5月报告'),
        (5, '第5行 完成进度 "52" 累计值低于6月报告的55，如6月有误请更正6月报告'),
        (6, '第6行 完成进度 "40" 累计值低于6月报告的55，如6月有误请更正6月报告'),
        (7, '第7行 完成进度 "53" 累计值低于6月报告的55，如6月有误请更正6月报告'),
    ]
    assert got.rows.filter("is_effective").select("month", "progress").rows() == [
        (5, 50.0),
        (6, 55.0),
        (9, 56.0),
    ]


def test_same_day_reports_are_ordered_by_file_then_row_before_comparing(p):
    """Two files of one day: the later file (b) is the later report; when it is lower it is
    quarantined and the earlier file's report of that month is effective."""
    got = _reports(
        p,
        (
            "reports/a.csv",
            [
                ["U1", "T1", "1", "40", "", "2021-02-03", ""],
                ["U1", "T1", "2", "60", "", "2021-03-03", ""],
            ],
        ),
        ("reports/b.csv", [["U1", "T1", "2", "30", "", "2021-03-03", ""]]),
    )
    assert got.quarantine.select("file", "row_number", "reason").rows() == [
        ("reports/b.csv", 2, '第2行 完成进度 "30" 累计值低于1月报告的40，如1月有误请更正1月报告'),
    ]
    assert row(got.rows, month=2)["file"] == "reports/a.csv"
    assert row(got.rows, month=2)["is_effective"] is True


def test_falling_values_load_as_before_under_the_first_semantics(p):
    """Version 1 (results published before the amendment): nothing is quarantined for falling."""
    import dataclasses

    from schemas.semantics import Semantics

    old = dataclasses.replace(p, semantics=Semantics.of(1))
    data = [
        ["U1", "T1", "2", "60", "", "2021-03-09", ""],
        ["U1", "T1", "3", "49", "", "2021-04-01", ""],
    ]
    got = reports.progress_reports([("reports/u1.csv", csv(REPORT_HEADER[:-1], data))], old)
    assert got.quarantine.height == 0
    assert got.rows.filter("is_effective").select("month", "progress").rows() == [
        (2, 60.0),
        (3, 49.0),
    ]


def _ledger(p, rows, name="funding/a.csv"):
    return funding.ledger([(name, csv(LEDGER_HEADER, rows))], p)[0]


def test_a_refund_larger_than_what_was_spent_is_quarantined(p):
    """T1 spent 20000 by 4月3日 (the same day's 支出 counts before its 退回): the refund of 30000
    is refused and does not count, so the 5000 after it is kept; T2 refunds with nothing spent."""
    got = _ledger(
        p,
        [
            ["2021-03-01", "V1", "T1", "民政局", "下达", "100000", ""],
            ["2021-04-03", "V3", "T1", "民政局", "退回", "3万", "退回多余"],
            ["2021-04-01", "V2", "T1", "民政局", "支出", "12000", ""],
            ["2021-04-03", "V4", "T1", "民政局", "支出", "8000", ""],
            ["2021-04-05", "V5", "T1", "民政局", "退回", "5000", ""],
            ["2021-04-06", "V6", "T1", "民政局", "退回", "15000.01", ""],
            ["2021-05-01", "V7", "T2", "民政局", "退回", "1", ""],
        ],
    )
    assert got.quarantine.select("row_number", "column", "value", "reason", "unit_id").rows() == [
        (
            3,
            "金额(元)",
            "3万",
            '第3行 金额(元) "3万" 退回金额超过已支出金额（截至2021-04-03该任务已支出20000.00元）',
            "U1",
        ),
        (
            7,
            "金额(元)",
            "15000.01",
            '第7行 金额(元) "15000.01" 退回金额超过已支出金额（截至2021-04-06该任务已支出15000.00元）',
            "U1",
        ),
        (
            8,
            "金额(元)",
            "1",
            '第8行 金额(元) "1" 退回金额超过已支出金额（截至2021-05-01该任务已支出0.00元）',
            "U1",
        ),
    ]
    assert sorted(got.rows["voucher_no"]) == ["V1", "V2", "V4", "V5"]
    counts = file_counts(got)
    assert counts.select("rows_read", "rows_loaded", "rows_quarantined").rows() == [(7, 4, 3)]


def test_refunds_refused_in_a_chain_are_decided_without_counting_each_other(p):
    """Spent 100, then refunds 60, 50, 50 and, after 20 more spent, 50: the first 60 is kept
    (40 left), the two 50s are refused, the last 50 fits the 60 then spent."""
    got = _ledger(
        p,
        [
            ["2021-04-01", "S1", "T1", "民政局", "支出", "100", ""],
            ["2021-04-02", "R1", "T1", "民政局", "退回", "60", ""],
            ["2021-04-03", "R2", "T1", "民政局", "退回", "50", ""],
            ["2021-04-04", "R3", "T1", "民政局", "退回", "50", ""],
            ["2021-04-05", "S2", "T1", "民政局", "支出", "20", ""],
            ["2021-04-06", "R4", "T1", "民政局", "退回", "50", ""],
        ],
    )
    assert got.quarantine.select("row_number", "reason").rows() == [
        (4, '第4行 金额(元) "50" 退回金额超过已支出金额（截至2021-04-03该任务已支出40.00元）'),
        (5, '第5行 金额(元) "50" 退回金额超过已支出金额（截至2021-04-04该任务已支出40.00元）'),
    ]
    assert sorted(got.rows["voucher_no"]) == ["R1", "R4", "S1", "S2"]


def test_refunds_load_as_before_under_the_first_semantics(p):
    import dataclasses

    from schemas.semantics import Semantics

    old = dataclasses.replace(p, semantics=Semantics.of(1))
    rows = [["2021-05-01", "V7", "T2", "民政局", "退回", "1", ""]]
    got = funding.ledger([("funding/a.csv", csv(LEDGER_HEADER, rows))], old)[0]
    assert got.quarantine.height == 0
    assert got.rows["voucher_no"].to_list() == ["V7"]


def _response(no, at, ip, *answers):
    return [no, at, "95", "链接", "x", ip, "u9", *answers]


def test_the_same_response_with_other_answers_in_two_exports_is_a_conflict(p):
    """Response 1 is exported twice with other answers (by number and by text): both rows are
    quarantined, each naming the other; response 2 is the same in both exports (3 is 基本满意):
    an identical duplicate, counted once; response 3 has the same 序号 at another time: another
    response."""
    at, ip = "2021-10-13 09:00:00", "182.140.1.2"
    by_number = csv(
        SURVEY_HEADER,
        [
            _response(1, at, ip, "C1", "1", "3"),
            _response(2, at, ip, "C1", "2", "3"),
            _response(3, "2021-10-14 10:00:00", ip, "C1", "2", "2"),
        ],
    )
    by_text = csv(
        SURVEY_HEADER,
        [
            _response(2, "2021/10/13 09:00:00", ip, "C1", "满意", "基本满意"),
            _response(1, "2021/10/13 09:00:00", ip, "水晶城社区", "不满意", "基本满意"),
            _response(3, at, ip, "C1", "2", "2"),
        ],
    )
    loaded, answers = surveys.surveys(
        [("surveys/num.csv", by_number), ("surveys/text.csv", by_text)], p, b"k"
    )
    assert loaded.quarantine.select("file", "row_number", "column", "value", "reason").rows() == [
        (
            "surveys/num.csv",
            2,
            "序号",
            "1",
            '第2行 序号 "1" 冲突：同一答卷（序号、提交答卷时间、来自IP相同）在surveys/text.csv '
            "第3行中的回答不同，请核对后只保留正确的一份",
        ),
        (
            "surveys/text.csv",
            3,
            "序号",
            "1",
            '第3行 序号 "1" 冲突：同一答卷（序号、提交答卷时间、来自IP相同）在surveys/num.csv '
            "第2行中的回答不同，请核对后只保留正确的一份",
        ),
    ]
    assert loaded.rows.sort("file", "row_number").select(
        "file", "row_number", "response_no"
    ).rows() == [
        ("surveys/num.csv", 3, "2"),
        ("surveys/num.csv", 4, "3"),
        ("surveys/text.csv", 4, "3"),
    ]
    assert loaded.duplicates.rows() == [("surveys/text.csv", "", 2)]
    assert sorted(set(answers["row_number"])) == [3, 4]
    counts = file_counts(loaded).sort("file")
    assert counts.select(
        "rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined"
    ).rows() == [
        (3, 2, 0, 1),
        (3, 1, 1, 1),
    ]


def test_conflicting_responses_are_counted_as_before_under_the_first_semantics(p):
    import dataclasses

    from schemas.semantics import Semantics

    old = dataclasses.replace(p, semantics=Semantics.of(1))
    at, ip = "2021-10-13 09:00:00", "182.140.1.2"
    a = csv(SURVEY_HEADER, [_response(1, at, ip, "C1", "1", "3")])
    b = csv(SURVEY_HEADER, [_response(1, at, ip, "C1", "4", "3")])
    loaded, _ = surveys.surveys([("surveys/a.csv", a), ("surveys/b.csv", b)], old, b"k")
    assert loaded.quarantine.height == 0
    assert loaded.rows.height == 2


def test_answers_decoded_once_per_distinct_text_read_as_each_cell_alone():
    """Each distinct answer is decoded once and looked up: the same as decoding every cell."""
    import polars as pl

    options = ["非常满意", "满意", "不满意"]
    forms = [
        "1",
        "３",
        " 2",
        "+1",
        "-2",
        "-3",
        "0",
        "4",
        "(跳过)",
        "跳过",
        "满意",
        "还行",
        "",
        None,
    ]
    typed = pl.DataFrame({"q1": forms, "q2": list(reversed(forms)), "note": forms})
    one_by_one = typed.with_columns(
        surveys.decode_answer(pl.col(c), options).alias(c) for c in ("q1", "q2")
    )
    decoded = surveys._decode_answers(typed, ["q1", "q2"], options)
    assert decoded.equals(one_by_one)
    # an option number (full-width, spaced, signed) is its text; -2/-3 and 跳过 are skipped;
    # other numbers and texts stay as written for the schema to judge
    assert decoded["q1"].to_list() == [
        "非常满意", "不满意", "满意", "非常满意", None, None, "0", "4", None, None,
        "满意", "还行", "", None,
    ]  # fmt: skip


def test_answers_in_long_form_one_row_per_response_and_item_response_by_response():
    """core.survey_answers rows: items in question order within each response, responses in
    the order kept, a skipped item a row with no answer and no score."""
    import polars as pl
    from polars.testing import assert_frame_equal

    from schemas.rules import Survey

    rules = Survey(items=(5, 3), community_question=1)
    kept = pl.DataFrame(
        {
            "_file": ["surveys/a.xlsx", "surveys/a.xlsx", "surveys/b.csv"],
            "_row": pl.Series([2, 4, 2], dtype=pl.Int32),
            "q5": ["满意", None, "非常不满意"],
            "q3": ["非常满意", "基本满意", "不满意"],
        }
    )
    expected = pl.DataFrame(
        [
            (2021, "surveys/a.xlsx", 2, 3, "非常满意", 100.0),
            (2021, "surveys/a.xlsx", 2, 5, "满意", 80.0),
            (2021, "surveys/a.xlsx", 4, 3, "基本满意", 60.0),
            (2021, "surveys/a.xlsx", 4, 5, None, None),
            (2021, "surveys/b.csv", 2, 3, "不满意", 30.0),
            (2021, "surveys/b.csv", 2, 5, "非常不满意", 0.0),
        ],
        schema={
            "year": pl.Int32,
            "file": pl.String,
            "row_number": pl.Int32,
            "question": pl.Int32,
            "answer": pl.String,
            "answer_score": pl.Float64,
        },
        orient="row",
    )
    assert_frame_equal(surveys._answers(kept, 2021, rules), expected, check_exact=True)
    assert_frame_equal(surveys._answers(kept.head(0), 2021, rules), expected.head(0))
