"""The demo inbox: Daying County (大英县), Sichuan, 2021 — a provincial urban-rural community
governance pilot. Deterministic: the same script writes the same bytes every time.

    uv run python -m demo.make_demo [--out demo/inbox]

The files are as messy as real ones (demo/README.md lists what each shows): plan tables as
.xlsx, GB18030 CSV and legacy .xls; report files in four formats with every month, date
and percent form, resubmissions, duplicate rows, a report exported twice, phone numbers,
and a few bad rows; ledgers in 元 and 万元 with a conflicting voucher; two 问卷星 exports,
by text and by option number, with invalid responses and personal columns.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

from demo.writers import write_csv, write_xls, write_xlsx
from schemas.appeals import APPEAL_FIELDS, DECISION_FIELDS

YEAR = 2021
SEED = 2021

# (unit_id, name, type, 联系社区, diligence 0..1: how closely progress follows the plan)
UNITS = [
    ("DY01", "县民政局", "部门", "全部", 0.98),
    ("DY02", "县委组织部", "部门", "C01、C03", 0.97),
    ("DY03", "县人社局", "部门", "C02", 0.9),
    ("DY04", "团县委", "部门", "C03", 0.85),
    ("DY05", "县妇联", "部门", "C02,C03", 0.93),
    ("DY06", "县财政局", "部门", "全部", 0.95),
    ("DY07", "县委政法委", "部门", "C01", 0.8),
    ("DY08", "县住建局", "部门", "C01、C02", 0.75),
    ("DY09", "县卫健委", "部门", "C03", 0.88),
    ("DY10", "县教体局", "部门", "C02", 0.9),
    ("DY11", "县文广旅局", "部门", "C04", 0.82),
    ("DY12", "县残联", "部门", "", 0.86),
    ("DY13", "县总工会", "部门", "C01", 0.92),
    ("DY14", "县司法局", "部门", "C03", 0.6),
    ("DY15", "县应急局", "部门", "C02", 0.78),
    ("DY16", "盐井街道", "镇街", "C01、C02", 0.99),
    ("DY17", "蓬莱镇", "镇街", "C03", 0.94),
    ("DY18", "隆盛镇", "镇街", "C04", 0.7),
    ("DY19", "回马镇", "镇街", "C03", 0.5),
    ("DY20", "天保镇", "镇街", "C04", 0.84),
]
COMMUNITIES = [
    ("C01", "水晶城社区", "盐井街道", "社会服务项目化"),
    ("C02", "西街社区", "盐井街道", "便民服务型"),
    ("C03", "玉峰社区", "蓬莱镇", "社会组织参与型"),
    ("C04", "南街社区", "隆盛镇", "便民服务型"),
]
# (unit, task, category, metric, target, weight, start, due, budget in 元 or text)
TASKS = [
    ("DY16", "水晶城社区党群服务中心改造", "硬件改造", "进度", 100, 3, 1, 6, "30万"),
    ("DY16", "西街社区党群服务中心改造", "硬件改造", "进度", 100, 2, 2, 8, "300000"),
    ("DY17", "玉峰社区党群服务中心改造", "硬件改造", "进度", 100, 3, 1, 9, "28万"),
    ("DY18", "南街社区党群服务中心改造", "硬件改造", "进度", 100, 3, 3, 10, "300000"),
    ("DY02", "红色物业 水晶城小区改造", "硬件改造", "进度", 100, 3, 2, 11, "100万"),
    ("DY01", "县社工总站提档升级", "硬件改造", "进度", 100, 2, 1, 6, "200000"),
    ("DY01", "培育社会组织", "软件提升", "数量", 15, 2, 1, 12, None),
    ("DY01", "购买居家养老和留守儿童关爱服务", "服务亮点", "进度", 100, 3, 1, 12, "200万"),
    ("DY03", "卓筒之星 社会工作者评选表彰", "场景呈现", "数量", 10, 1, 4, 11, "50000"),
    ("DY03", "社区工作者职业化培训", "软件提升", "数量", 12, 2, 1, 12, None),
    ("DY04", "青年志愿服务时长", "服务亮点", "数量", 5000, 2, 1, 12, None),
    ("DY04", "青少年活动阵地建设", "硬件改造", "进度", 100, 1, 3, 8, "80000"),
    ("DY05", "妇女儿童之家建设", "硬件改造", "进度", 100, 2, 2, 7, "60000"),
    ("DY05", "巾帼志愿服务队", "服务亮点", "数量", 8, 1, 1, 10, None),
    ("DY06", "试点项目资金保障", "软件提升", "进度", 100, 2, 1, 12, None),
    ("DY06", "资金绩效评价", "软件提升", "进度", 100, 1, 6, 12, None),
    ("DY07", "网格化服务管理", "软件提升", "进度", 100, 2, 1, 12, "150000"),
    ("DY07", "矛盾纠纷多元化解", "场景呈现", "数量", 200, 1, 1, 12, None),
    ("DY08", "老旧小区改造", "硬件改造", "进度", 100, 3, 3, 11, "80万"),
    ("DY08", "社区公共空间微更新", "硬件改造", "进度", 100, 1, 4, 9, "120000"),
    ("DY09", "社区卫生服务站提升", "硬件改造", "进度", 100, 2, 2, 8, "250000"),
    ("DY09", "家庭医生签约服务", "服务亮点", "数量", 3000, 1, 1, 12, None),
    ("DY10", "社区教育学校建设", "软件提升", "进度", 100, 2, 3, 10, "100000"),
    ("DY10", "四点半课堂", "服务亮点", "数量", 40, 1, 3, 12, None),
    ("DY11", "社区文化活动中心", "场景呈现", "进度", 100, 2, 2, 9, "180000"),
    ("DY11", "文化惠民演出", "服务亮点", "数量", 24, 1, 1, 12, None),
    ("DY12", "残疾人康复服务", "服务亮点", "数量", 150, 2, 1, 12, "90000"),
    ("DY12", "无障碍设施改造", "硬件改造", "进度", 100, 1, 4, 10, "70000"),
    ("DY13", "职工服务驿站", "硬件改造", "进度", 100, 2, 2, 7, "60000"),
    ("DY13", "新就业形态劳动者关爱", "服务亮点", "数量", 500, 1, 3, 12, None),
    ("DY14", "法律服务进社区", "服务亮点", "数量", 48, 2, 1, 12, None),
    ("DY14", "社区法律顾问全覆盖", "软件提升", "进度", 100, 1, 1, 6, None),
    ("DY15", "社区应急避难场所", "硬件改造", "进度", 100, 2, 3, 10, "150000"),
    ("DY15", "应急演练", "场景呈现", "数量", 12, 1, 1, 12, None),
    ("DY16", "社区居民议事会", "软件提升", "进度", 100, 1, 1, 12, None),
    ("DY16", "智慧社区平台", "场景呈现", "进度", 100, 2, 4, 12, "400000"),
    ("DY17", "社会组织孵化基地", "软件提升", "进度", 100, 2, 2, 10, "120000"),
    ("DY17", "邻里互助积分", "场景呈现", "数量", 300, 1, 3, 12, None),
    ("DY18", "院落自治示范", "软件提升", "进度", 100, 2, 1, 11, None),
    ("DY19", "便民服务站建设", "硬件改造", "进度", 100, 2, 2, 8, "100000"),
    ("DY19", "社区志愿者队伍", "服务亮点", "数量", 100, 1, 1, 12, None),
    ("DY20", "社区养老服务点", "硬件改造", "进度", 100, 2, 3, 9, "150000"),
    ("DY20", "乡风文明积分超市", "场景呈现", "数量", 60, 1, 2, 12, None),
    ("DY02", "社区两委干部培训", "软件提升", "数量", 6, 1, 1, 10, None),
    ("DY06", "项目资金监管平台", "场景呈现", "进度", 100, 1, 2, 9, "50000"),
]
TASK_IDS = {i: f"T{i + 1:03d}" for i in range(len(TASKS))}
# Report file per unit: its format cycles through these.
FORMATS = ("xlsx", "gb18030", "utf-8-sig", "xls")
REPORT_HEADER = [
    "单位编码",
    "任务编号",
    "报告月份",
    "完成进度",
    "实际完成值",
    "报送日期",
    "本月工作情况",
]
PHONE = "联系电话"
HONOR_HEADER = ["单位编码", "荣誉名称", "级别", "文号", "授予日期"]
QUESTIONS = [
    "1、您所在的社区是？",
    "2、您对社区党群服务中心的服务是否满意？ ",
    "3、您对社区环境和公共空间是否满意？",
    "4、您对社区养老、托幼等服务是否满意？ ",
    "5、您对社区矛盾纠纷化解是否满意？",
    "6、您对社区工作者的工作作风是否满意？",
]
OPTIONS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
RULES_TOML = """\
# 大英县 2021 年城乡社区治理试点考核规则（未列出的参数取默认值）
[weights]
work = 80
satisfaction = 20

[survey]
community_question = 1
items = [2, 3, 4, 5, 6]
min_seconds = 30
min_responses = 30

[grade]
excellent_quota = 0.2
"""


def plan(root: Path) -> None:
    write_xlsx(
        root / "plan" / "units.xlsx",
        {"责任单位": (["单位编码", "单位名称", "单位类型", "联系社区"], [u[:4] for u in UNITS])},
    )
    write_csv(
        root / "plan" / "communities.csv",
        ["社区编码", "社区名称", "所属镇街", "试点类型"],
        COMMUNITIES,
        encoding="gb18030",
    )
    header = [
        "任务编号",
        "责任单位编码",
        "任务内容",
        "任务类别",
        "指标类型",
        "目标值",
        "权重",
        "开始月份",
        "完成月份",
        "预算资金（元）",
    ]
    rows = [(TASK_IDS[i], *t[:2], *t[2:8], t[8]) for i, t in enumerate(TASKS)]
    rows = [
        (r[0], r[1], r[2], r[3], r[4], r[5], r[6], f"{r[7]}月" if r[7] > 9 else r[7], r[8], r[9])
        for r in rows
    ]
    write_xls(root / "plan" / "tasks.xls", {"目标任务": (header, rows)})
    (root / "plan" / "rules.toml").write_text(RULES_TOML, encoding="utf-8")


def _month_text(month: int, k: int) -> object:
    forms = (f"{YEAR}-{month:02d}", f"{YEAR}/{month}", f"{YEAR}年{month}月", f"{month}月", month)
    return forms[k % len(forms)]


def _date_text(day: dt.date, k: int, fmt: str) -> object:
    if fmt in ("xlsx", "xls") and k % 3 == 0:
        return day  # a real Excel date cell
    if fmt in ("xlsx", "xls") and k % 3 == 1:
        return (day - dt.date(1899, 12, 30)).days  # an Excel serial typed as a number
    forms = (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    )
    return forms[k % len(forms)]


def _percent_text(value: float, k: int) -> object:
    v = round(value)
    forms = (
        str(v),
        f"{v}%",
        f"{v:.1f}%",
        f"{v}％".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    )
    return forms[k % len(forms)]


def _progress_path(rng: random.Random, diligence: float, start: int, due: int) -> dict[int, float]:
    """Cumulative progress (0-100) per month from start to December."""
    path, value = {}, 0.0
    span = due - start + 1
    for m in range(start, 13):
        planned = min(100.0, 100.0 * (m - start + 1) / span)
        value = max(value, min(100.0, planned * diligence * rng.uniform(0.9, 1.08)))
        if diligence > 0.95 and m >= due - 2 and m >= start + 1:
            value = 100.0
        path[m] = round(value)
    return path


def report_rows(rng: random.Random) -> dict[str, list[list]]:
    """unit_id → rows of its 进度 sheet (before formatting)."""
    rows: dict[str, list[list]] = {u[0]: [] for u in UNITS}
    diligence = {u[0]: u[4] for u in UNITS}
    for i, (unit, name, _cat, metric, target, _w, start, due, _b) in enumerate(TASKS):
        path = _progress_path(rng, diligence[unit], start, due)
        for m, pct in path.items():
            if diligence[unit] < 0.8 and rng.random() < 0.12:
                continue  # a missing month
            due_day = dt.date(YEAR + (m == 12), m % 12 + 1, 5)
            late = rng.random() < (0.25 if diligence[unit] < 0.85 else 0.04)
            day = due_day + dt.timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 4))
            if metric == "数量":
                factor = 1.3 if TASK_IDS[i] == "T007" else 1.0  # 培育社会组织 beyond target
                actual = round(target * pct / 100 * factor)
                rows[unit].append([TASK_IDS[i], m, None, actual, day, f"{name} 累计完成{actual}"])
            else:
                rows[unit].append([TASK_IDS[i], m, pct, None, day, f"{name} 推进中"])
    return rows


def honors() -> dict[str, list[list]]:
    return {
        "DY16": [
            [
                "DY16",
                "全国和谐社区建设示范社区",
                "国家级",
                "民函〔2021〕88号",
                dt.date(2021, 11, 20),
            ],
            [
                "DY16",
                "省级城乡社区治理示范社区",
                "省级",
                "川民发〔2021〕35号",
                dt.date(2021, 6, 18),
            ],
            ["DY16", "城乡社区治理示范社区", "市级", "川民发〔2021〕35号", dt.date(2021, 6, 18)],
        ],
        "DY01": [
            ["DY01", "社会工作服务示范单位", "省级", "川民发〔2021〕61号", dt.date(2021, 9, 3)],
            ["DY01", "先进集体", "市级", None, dt.date(2021, 12, 1)],
        ],
        "DY17": [
            ["DY17", "市级社区治理创新案例", "市级", "遂民发〔2021〕12号", dt.date(2021, 8, 9)],
            ["DY17", "县级表扬", "县级", "大委办〔2021〕3号", dt.date(2021, 5, 6)],
        ],
        "DY05": [["DY05", "巾帼文明岗", "省级", "川妇发〔2021〕9号", "2021年3月8日"]],
    }


def reports(root: Path, rng: random.Random) -> None:
    rows = report_rows(rng)
    # Resubmissions: a later report corrects an earlier one.
    rows["DY08"].append(["T019", 6, 55, None, dt.date(2021, 7, 20), "更正：6月实际进度"])
    rows["DY03"].append(["T010", 3, None, 4, dt.date(2021, 4, 12), "更正：培训场次"])
    rows["DY16"].append(["T001", 2, 60, None, dt.date(2021, 3, 9), "更正：2月进度"])
    # Bad rows a unit must correct.
    rows["DY14"] += [
        ["T031", 5, "120%", None, dt.date(2021, 6, 3), "填报错误"],
        ["T001", 5, 40, None, dt.date(2021, 6, 3), "报了别的单位的任务"],
        ["T099", 5, 40, None, dt.date(2021, 6, 3), "任务编号不存在"],
        ["T032", 5, None, None, dt.date(2021, 6, 3), "漏填进度"],
    ]
    rows["DY19"] += [
        ["T041", 7, None, None, dt.date(2021, 8, 3), "漏填实际完成值"],
        ["T040", 7, 50, None, "2021-13-45", "日期写错"],
        ["T040", "13月", 50, None, dt.date(2021, 8, 3), "月份写错"],
    ]
    for n, (unit, name, *_rest) in enumerate(UNITS):
        fmt = FORMATS[n % len(FORMATS)]
        body = []
        for k, (task, month, pct, actual, day, note) in enumerate(rows[unit]):
            month_cell = month if isinstance(month, str) else _month_text(month, k + n)
            if fmt in ("xlsx", "xls") and k % 7 == 3 and isinstance(month, int):
                month_cell = dt.date(YEAR, month, 1)  # a month written as an Excel date
            pct_cell = pct if not isinstance(pct, int | float) else _percent_text(pct, k + n)
            day_cell = day if isinstance(day, str) else _date_text(day, k + n, fmt)
            body.append([unit, task, month_cell, pct_cell, actual, day_cell, note])
        if n % 5 == 2:
            body.insert(3, list(body[2]))  # the same row pasted twice
        phone = n % 3 == 0
        header = REPORT_HEADER + ([PHONE] if phone else [])
        if phone:
            body = [r + [f"138{n:04d}{k:04d}"] for k, r in enumerate(body)]
        base = root / "reports" / f"{unit}_{name}_2021年进度月报"
        if fmt == "xlsx":
            sheets = {"进度": (header, body)}
            if unit in honors():
                sheets["荣誉"] = (HONOR_HEADER, honors()[unit])
            write_xlsx(base.with_suffix(".xlsx"), sheets)
        elif fmt == "xls":
            write_xls(base.with_suffix(".xls"), {"进度": (header, body)})
        else:
            write_csv(base.with_suffix(".csv"), header, body, encoding=fmt)
    # A unit sends its honors in a separate workbook, and one file is exported twice.
    write_xlsx(
        root / "reports" / "DY16_盐井街道_荣誉.xlsx", {"荣誉": (HONOR_HEADER, honors()["DY16"])}
    )
    write_xlsx(
        root / "reports" / "DY05_县妇联_荣誉.xlsx", {"荣誉": (HONOR_HEADER, honors()["DY05"])}
    )
    first = root / "reports" / "DY02_县委组织部_2021年进度月报.csv"
    shutil.copyfile(first, first.with_name("DY02_县委组织部_2021年进度月报(1).csv"))


def _money_text(amount: int, k: int) -> str:
    forms = (f"{amount}", f"{amount:,}.00", f"¥{amount:,}.00")
    if amount % 10000 == 0 and k % 4 == 0:
        return f"{amount // 10000}万"
    if amount % 1000 == 0 and k % 5 == 1:
        return f"{amount / 10000:g}万元"
    return forms[k % len(forms)]


def funding(root: Path, rng: random.Random) -> None:
    sources = ("民政局", "财政局", "组织部", "人社局", "群团组织")
    entries = []  # (date, voucher, task, source, kind, amount 元, summary)
    v = 0

    def add(day, task, source, kind, amount, summary):
        nonlocal v
        v += 1
        entries.append([day, f"记-{day.month:02d}-{v:04d}", task, source, kind, amount, summary])

    for i, t in enumerate(TASKS):
        budget = t[8]
        if budget is None:
            continue
        amount = int(float(budget.rstrip("万")) * 10000) if "万" in budget else int(budget)
        task = TASK_IDS[i]
        source = sources[i % len(sources)]
        add(
            dt.date(2021, max(1, t[6] - 1) if t[6] > 1 else 1, 15),
            task,
            source,
            "下达",
            amount,
            f"下达{t[1]}资金",
        )
        execution = {"T019": 0.55, "T036": 0.45}.get(task, rng.uniform(0.82, 0.98))
        if task == "T042":
            execution = 1.08  # overspent
        spent, parts = round(amount * execution), 3
        for p in range(parts):
            month = min(12, t[6] + (p + 1) * max(1, (t[7] - t[6]) // parts))
            add(
                dt.date(2021, month, 10 + p),
                task,
                source,
                "支出",
                spent // parts,
                f"{t[1]} 第{p + 1}笔支出",
            )
    add(dt.date(2021, 9, 28), "T001", "民政局", "退回", 12000, "结余资金退回")
    header = ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额(元)", "摘要"]
    half = len(entries) // 2
    first = [
        [
            e[0].isoformat() if k % 2 else f"{e[0].year}/{e[0].month}/{e[0].day}",
            *e[1:5],
            _money_text(e[5], k),
            e[6],
        ]
        for k, e in enumerate(entries[:half])
    ]
    first += [
        ["2021-07-01", "记-07-9001", "T099", "财政局", "支出", "5000", "项目编号有误"],
        ["2021-07-02", "记-07-9002", "T008", "民政局", "支出", "0", "金额为零"],
        ["2022-01-15", "记-01-9003", "T008", "民政局", "支出", "3000", "跨年凭证"],
        ["2021-08-08", "记-08-9004", "T021", "财政局", "支出", "20000", "凭证重复录入"],
        ["2021-08-08", "记-08-9004", "T021", "财政局", "支出", "25000", "凭证重复录入（金额不同）"],
    ]
    write_csv(root / "funding" / "项目资金台账_上半部分.csv", header, first, encoding="gb18030")
    write_csv(
        root / "funding" / "项目资金台账_上半部分_重复下载.csv",
        header,
        first[:10],
        encoding="gb18030",
    )
    wan_header = ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额（万元）", "摘要"]
    second = [[e[0], *e[1:5], e[5] / 10000, e[6]] for e in entries[half:]]
    write_xlsx(root / "funding" / "项目资金台账_下半部分.xlsx", {"台账": (wan_header, second)})


def _ip(rng: random.Random) -> str:
    return f"{rng.choice(['117.173', '182.140'])}.{rng.randint(0, 255)}.{rng.randint(1, 254)}(四川-遂宁)"


def surveys(root: Path, rng: random.Random) -> None:
    # (community answer forms, responses): C04 stays under 30 valid responses.
    plan = [
        (("水晶城社区", "C01"), 150),
        (("西街社区", "C02"), 120),
        (("玉峰社区", "C03"), 130),
        (("南街社区", "C04"), 22),
    ]
    weights = {
        "C01": (45, 35, 14, 4, 2),
        "C02": (30, 40, 20, 7, 3),
        "C03": (38, 38, 16, 6, 2),
        "C04": (20, 40, 25, 10, 5),
    }
    responses = []
    for forms, count in plan:
        for k in range(count):
            cid = forms[1]
            answers = rng.choices(range(1, 6), weights=weights[cid], k=5)
            seconds = rng.randint(45, 400) if rng.random() > 0.05 else rng.randint(8, 25)
            if rng.random() < 0.04:
                answers = [1, -2, -2, -2, -2]  # most items skipped
            when = dt.datetime(
                2021,
                rng.randint(9, 12),
                rng.randint(1, 28),
                rng.randint(8, 21),
                rng.randint(0, 59),
                rng.randint(0, 59),
            )
            responses.append([when, seconds, forms[k % 2], answers])
    responses.append([dt.datetime(2022, 1, 3, 10, 0, 0), 120, "C01", [1, 1, 2, 1, 1]])
    responses += [
        [dt.datetime(2021, 11, 3, 10, 5, 0), 88, "不知道", [2, 2, 2, 3, 2]],
        [dt.datetime(2021, 11, 4, 11, 0, 0), 95, "(跳过)", [2, 2, 1, 1, 2]],
    ]
    rng.shuffle(responses)
    meta = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    channels = ("手机提交", "微信", "链接")

    def rows(subset, by_text: bool, start: int):
        out = []
        for k, (when, seconds, community, answers) in enumerate(subset):

            def cell(a):
                if by_text:
                    return "(跳过)" if a < 0 else OPTIONS[a - 1]
                return a

            out.append(
                [
                    start + k,
                    when.strftime("%Y/%m/%d %H:%M:%S") if by_text else when.isoformat(sep=" "),
                    f"{seconds}秒" if by_text else seconds,
                    channels[k % 3],
                    "直接访问",
                    _ip(rng),
                    community,
                    *(cell(a) for a in answers),
                ]
            )
        return out

    half = len(responses) * 3 // 5
    text_rows = rows(responses[:half], True, 1)
    text_rows[5][7] = "还行"  # an answer outside the option list
    text_rows.append(list(text_rows[10]))  # downloaded twice
    write_xlsx(
        root / "surveys" / "问卷星_满意度测评_按文本.xlsx",
        {
            "Sheet1": (
                meta + ["总分", "微信昵称"] + QUESTIONS,
                [r[:6] + [None, f"用户{r[0]}"] + r[6:] for r in text_rows],
            )
        },
    )
    number_rows = rows(responses[half:], False, 1)
    number_rows[7][8] = 7  # an option number out of range
    number_rows.append(list(number_rows[3]))
    write_csv(
        root / "surveys" / "问卷星_满意度测评_按序号.csv",
        meta + ["用户ID"] + QUESTIONS,
        [r[:6] + [f"wx{r[0]:05d}"] + r[6:] for r in number_rows],
        encoding="utf-8-sig",
    )


APPEAL_HEADER = [f.label for f in APPEAL_FIELDS]  # as the units' 申诉填报 sheet has it
DECISION_HEADER = [f.label for f in DECISION_FIELDS]


def appeals(root: Path) -> None:
    """The year-end appeals (docs/appeals.md): as of 2022-01-31 three are decided (撤销, 改分,
    维持), two wait (one of them decided only on 8 February), one names no line of the score."""
    rows = [
        [
            "SS-01",
            "DY17",
            "红灯月",
            "T003",
            "12月",
            None,
            "12月报告已于1月4日报送，系统未收到",
            dt.date(2022, 1, 10),
        ],
        [
            "SS-02",
            "DY20",
            "overspent",
            "T042",
            None,
            None,
            "超支部分为上级追加资金，尚未入账",
            dt.date(2022, 1, 12),
        ],
        ["SS-03", "DY03", "迟报", "T010", 11, None, "11月报告因系统故障迟报", dt.date(2022, 1, 14)],
        [
            "SS-04",
            "DY09",
            "凭证冲突",
            None,
            None,
            "记-08-9004",
            "两次导出的同一凭证，并非重复支出",
            dt.date(2022, 1, 25),
        ],
        [
            "SS-05",
            "DY08",
            "资金执行率低",
            "T019",
            None,
            None,
            "资金按合同分期支付",
            dt.date(2022, 1, 26),
        ],
        ["SS-06", "DY05", "红灯月", "T099", 6, None, "6月进度已达计划", dt.date(2022, 1, 27)],
    ]
    write_xlsx(root / "appeals" / "申诉登记表.xlsx", {"申诉": (APPEAL_HEADER, rows)})
    no = "大英目考〔2022〕{}号".format
    decided = [
        [
            no(2),
            dt.date(2022, 1, 20),
            "SS-01",
            "DY17",
            "撤销",
            None,
            None,
            None,
            None,
            None,
            "经核实，12月报告按时报送",
        ],
        [
            no(3),
            dt.date(2022, 1, 20),
            "SS-02",
            "DY20",
            "改分",
            "超支",
            "T042",
            None,
            None,
            1,
            "追加资金已下达未入账，减半扣分",
        ],
        [
            no(4),
            dt.date(2022, 1, 21),
            "SS-03",
            "DY03",
            "维持",
            None,
            None,
            None,
            None,
            None,
            "系统当日运行正常，迟报属实",
        ],
        [
            no(5),
            dt.date(2022, 1, 24),
            None,
            "DY12",
            "加分",
            None,
            None,
            None,
            None,
            1,
            "平时考核：社区议事会经验获全省推广",
        ],
        [
            no(6),
            dt.date(2022, 1, 24),
            None,
            "DY14",
            "扣分",
            None,
            "T031",
            None,
            None,
            1,
            "平时考核：督查发现进度台账不实",
        ],
        [
            no(7),
            dt.date(2022, 2, 8),
            "SS-05",
            "DY08",
            "撤销",
            None,
            None,
            None,
            None,
            None,
            "资金按合同分期支付，不属执行率低",
        ],
    ]
    write_xlsx(root / "decisions" / "复核决定.xlsx", {"复核决定": (DECISION_HEADER, decided)})


def make_demo(out: Path) -> Path:
    root = out / str(YEAR)
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("plan", "reports", "funding", "surveys", "appeals", "decisions"):
        (root / folder).mkdir(parents=True)
    rng = random.Random(SEED)
    plan(root)
    reports(root, rng)
    funding(root, rng)
    surveys(root, rng)
    appeals(root)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("inbox"))
    root = make_demo(parser.parse_args().out)
    print(f"demo inbox written to {root}")


if __name__ == "__main__":
    main()
