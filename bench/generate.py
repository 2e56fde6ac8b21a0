"""Deterministic generator of large inboxes, in the same messy formats as the real files.

    uv run python -m bench.generate --scale M --out bench/out/M

writes ``<out>/inbox/2021/{plan,reports,funding,surveys}/...`` and ``<out>/generated.json``
(the scale, the seed, the number of files and data rows per folder, the time it took).

Scales (units / tasks / survey responses / ledger rows):

- ``S``: a copy of the demo inbox (demo/inbox/2021, made by ``python -m demo.make_demo`` when
  missing). Without the demo generator, a demo-sized generated inbox (20 / 60 / 3,000 / 600).
- ``M``: 60 / 600 / 300,000 / 100,000
- ``L``: 200 / 2,000 / 2,000,000 / 500,000
- ``XS``: 4 / 10 / 400 / 200 (tests); any other size through ``generate(Scale(...), out)``.

What the files look like (docs/inputs.md):

- plan/: ``责任单位.xlsx``, ``communities.csv`` (GB18030), ``tasks.xls`` and ``rules.toml``
  ([survey] community_question = 1, items = [2, 3, 4, 5, 6]).
- reports/: one monthly report per unit and month (``<单位>2021年9月进度月报.<ext>``), each
  unit in its own format: xlsx (sheets 进度 and, in some months, 荣誉), GB18030 CSV,
  UTF-8-BOM CSV or legacy xls; progress as ``85%``/``85``/``85.0%``/``８５％`` or a number
  cell, months as ``2021年9月``/``2021-09``/``9月``/``9`` or a date cell, submission dates as
  date cells or text; a 联系电话 column in some files; English headers in some. About 3% of
  task-months are missing, 3% are corrected by a later resubmission, 1% of rows are identical
  duplicates, 0.3% are bad (progress "120%", unknown task, month "13月", empty progress,
  another unit's task).
- funding/: ledger exports as GB18030 CSV (金额(元): ``¥1,234.50``, ``1,234.50``, ``1234.5``),
  xlsx (金额（万元）as number cells) and, for bigger ledgers, one xls; 1% identical
  duplicates (also across files), a few conflicting vouchers and bad rows.
- surveys/: 问卷星 exports; XLSX answers by text, CSV answers by option number (GB18030 or
  UTF-8 BOM), ``来自IP`` like ``117.173.12.34(四川-遂宁)``, 所用时间 ``95秒``; short answer
  times, non-pilot communities, mostly skipped, 2020 submissions, bad answers, duplicates.

Big outputs are split: at most 200,000 rows per xlsx (xlsxwriter constant_memory mode),
500,000 per CSV, 60,000 per xls. Random draws come from seeded ``random.Random`` streams
(one per part), columns are built and formatted with polars, so the same scale always gives
the same bytes.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from demo.writers import write_csv, write_xls, write_xlsx
from schemas.codes import PILOT_TYPES

YEAR = 2021
ROOT = Path(__file__).resolve().parent.parent
DEMO_INBOX = ROOT / "demo" / "inbox"

XLSX_MAX_ROWS = 200_000
CSV_MAX_ROWS = 500_000
XLS_MAX_ROWS = 60_000


@dataclass(frozen=True)
class Scale:
    name: str
    units: int
    tasks: int
    responses: int
    ledger: int
    communities: int = 0  # 0: one pilot community per four units (at least 3)
    seed: int = 2021

    @property
    def n_communities(self) -> int:
        return self.communities or max(3, round(self.units / 4))


SCALES = {
    "XS": Scale("XS", units=4, tasks=10, responses=400, ledger=200),
    "S": Scale("S", units=20, tasks=60, responses=3_000, ledger=600),
    "M": Scale("M", units=60, tasks=600, responses=300_000, ledger=100_000),
    "L": Scale("L", units=200, tasks=2_000, responses=2_000_000, ledger=500_000),
}

# ------------------------------------------------------------------ vocabulary
DEPARTMENTS = (
    "县委组织部",
    "县委宣传部",
    "县委政法委",
    "县委社治委",
    "县民政局",
    "县人社局",
    "县财政局",
    "县住建局",
    "县卫健局",
    "县教育局",
    "县司法局",
    "县公安局",
    "县文广旅局",
    "县农业农村局",
    "县市场监管局",
    "县应急管理局",
    "县妇联",
    "团县委",
    "县总工会",
    "县残联",
    "县科协",
    "县自然资源局",
    "县生态环境局",
    "县商务局",
    "县水利局",
    "县交通运输局",
    "县城管执法局",
    "县医保局",
    "县退役军人局",
    "县数据局",
)
TOWNS = (
    "盐井街道",
    "蓬莱镇",
    "隆盛镇",
    "回马镇",
    "天保镇",
    "河边镇",
    "卓筒井镇",
    "玉峰镇",
    "象山镇",
    "通仙乡",
    "智水乡",
    "金元镇",
    "卓筒井街道",
    "回马街道",
    "龙泉镇",
    "高石镇",
)
# a province-scale "county" is several counties' units in one inbox: their names get a prefix
PREFIXES = ("", "射洪", "蓬溪", "船山", "安居", "南部", "西充", "仪陇", "营山", "蓬安")
COMMUNITY_BASES = (
    "水晶城",
    "玉峰",
    "红光",
    "新华",
    "东升",
    "金鱼",
    "长安",
    "团结",
    "和平",
    "光明",
    "幸福里",
    "文化",
    "花园",
    "滨江",
    "卓筒",
    "青龙",
    "白马",
    "清河",
    "凤凰",
    "翠屏",
)
COMMUNITY_PREFIXES = ("", "东", "西", "南", "北", "中", "新", "上", "下", "前")
TASK_TEMPLATES = (  # name, category, metric, target range for 数量
    ("党群服务中心改造", "硬件改造", "进度", None),
    ("红色物业改造", "硬件改造", "进度", None),
    ("社区综合体建设", "硬件改造", "进度", None),
    ("便民服务站点建设", "硬件改造", "数量", (3, 10)),
    ("智慧社区平台建设", "软件提升", "进度", None),
    ("培育社会组织", "软件提升", "数量", (5, 20)),
    ("社区工作者培训", "软件提升", "数量", (50, 300)),
    ("居民议事会", "软件提升", "数量", (12, 24)),
    ("关爱留守儿童", "服务亮点", "进度", None),
    ("志愿服务活动", "服务亮点", "数量", (20, 100)),
    ("卓筒之星评选", "场景呈现", "数量", (5, 15)),
    ("社区微更新场景", "场景呈现", "进度", None),
)
NOTES = (
    "按计划推进",
    "已完成主体工程",
    "正在招标采购",
    "完成阶段性任务",
    "召开专题推进会",
    "已完成",
    "受天气影响略有滞后",
    "资金已到位，正在实施",
    None,
    None,
)
HONORS = (
    "全国和谐社区建设示范单位",
    "省级城乡社区治理示范社区",
    "市级优秀志愿服务项目",
    "省级巾帼文明岗",
    "市级社会组织参与社区治理优秀案例",
    "全国民主法治示范社区",
)
FUND_SOURCES = ("组织部", "人社局", "群团组织", "民政局", "财政局")
SURVEY_QUESTIONS = (
    "1、您所在的社区是？",
    "2、您对社区党群服务中心的服务满意吗？",
    "3、您对社区环境整治的成效满意吗？ ",
    "4、您对社区办事的便利程度满意吗？",
    "5、您对社区文体活动满意吗？",
    "6、您对社区工作人员的服务态度满意吗？",
    "7、您对社区治理还有什么意见建议？",
)
OPTIONS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
SUGGESTIONS = (
    "希望多组织活动",
    "停车难问题希望解决",
    "加强垃圾分类宣传",
    "增加老年人服务",
    "无",
    "很好",
)
REGIONS = (
    "四川-遂宁",
    "四川-遂宁",
    "四川-遂宁",
    "四川-成都",
    "四川-南充",
    "重庆-重庆",
    "四川-绵阳",
)
RULES_TOML = """\
# Generated by bench.generate: the default rules (docs/scoring.md), with the survey's questions.
[survey]
community_question = 1
items = [2, 3, 4, 5, 6]
"""


class Rng:
    """Seeded draws (random.Random: the same numbers on every platform and Python version).

    Scalars for the small per-row loops; lists (``size=n``) to build polars columns from.
    """

    def __init__(self, *seed: int) -> None:
        self._r = random.Random("-".join(map(str, seed)))

    def random(self, size: int | None = None):
        r = self._r.random
        return r() if size is None else [r() for _ in range(size)]

    def integers(self, low: int, high: int | None = None, size: int | None = None):
        """Uniform integers in [low, high) (or [0, low))."""
        if high is None:
            low, high = 0, low
        if size is None:
            return self._r.randrange(low, high)
        r, span = self._r.random, high - low
        return [low + int(r() * span) for _ in range(size)]

    def choice(self, seq, size: int | None = None, weights=None):
        if size is None:
            return self._r.choices(seq, weights)[0]
        return self._r.choices(seq, weights, k=size)

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct indexes of range(n)."""
        return self._r.sample(range(n), k)

    def lognormal(self, mu: float, sigma: float, size: int | None = None):
        draw = self._r.lognormvariate
        return draw(mu, sigma) if size is None else [draw(mu, sigma) for _ in range(size)]

    def normal(self, mu: float, sigma: float, size: int | None = None):
        draw = self._r.gauss
        return draw(mu, sigma) if size is None else [draw(mu, sigma) for _ in range(size)]

    def uniform(self, low: float, high: float, size: int):
        r, span = self._r.random, high - low
        return [low + r() * span for _ in range(size)]

    def dirichlet(self, alpha: Sequence[float]) -> list[float]:
        draws = [self._r.gammavariate(a, 1.0) for a in alpha]
        return [d / sum(draws) for d in draws]


def _rng(scale: Scale, part: int) -> Rng:
    """One independent stream per part, so that changing one part never shifts another."""
    return Rng(scale.seed, part)


def _month_end(month: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------ plan
@dataclass
class PlanData:
    units: list[dict] = field(default_factory=list)
    communities: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)


def make_plan(scale: Scale) -> PlanData:
    rng = _rng(scale, 1)
    plan = PlanData()
    bases = [(n, "部门") for n in DEPARTMENTS]
    for i, town in enumerate(TOWNS):  # interleave: about one town per three departments
        bases.insert(min(len(bases), 3 * i + 2), (town, "镇街"))
    for i in range(scale.units):
        group, (base, kind) = divmod(i, len(bases))[0], bases[i % len(bases)]
        prefix = PREFIXES[group] if group < len(PREFIXES) else f"第{group}片区"
        plan.units.append(
            {"unit_id": f"U{i + 1:03d}", "unit_name": prefix + base, "unit_type": kind}
        )
    towns = [u["unit_name"] for u in plan.units if u["unit_type"] == "镇街"] or [TOWNS[0]]
    for i in range(scale.n_communities):
        k, base = divmod(i, len(COMMUNITY_BASES))
        prefix = COMMUNITY_PREFIXES[k] if k < len(COMMUNITY_PREFIXES) else f"第{k}"
        plan.communities.append(
            {
                "community_id": f"C{i + 1:03d}",
                "community_name": f"{prefix}{COMMUNITY_BASES[base]}社区",
                "town": towns[i % len(towns)],
                "pilot_type": PILOT_TYPES[i % len(PILOT_TYPES)],
            }
        )
    ids = [c["community_id"] for c in plan.communities]
    for i, unit in enumerate(plan.units):
        if unit["unit_type"] == "镇街":
            mine = [c["community_id"] for c in plan.communities if c["town"] == unit["unit_name"]]
            unit["communities"] = "、".join(mine) or None
        elif i % 3 == 0:
            unit["communities"] = "全部"
        elif i % 3 == 1:
            picked = sorted(ids[k] for k in rng.sample(len(ids), min(len(ids), 1 + i % 3)))
            unit["communities"] = ("、", ",", "，", ";")[i % 4].join(picked)
        else:
            unit["communities"] = None
    owners = list(range(scale.units)) + list(rng.integers(0, scale.units, scale.tasks))
    for i in range(max(scale.tasks, scale.units)):
        name, category, metric, span = TASK_TEMPLATES[int(rng.integers(len(TASK_TEMPLATES)))]
        community = plan.communities[int(rng.integers(len(plan.communities)))]["community_name"]
        start = int(rng.choice([1, 1, 1, 2, 3, 4, 5, 6]))
        due = int(rng.integers(max(start, 6), 13))
        budget_kind = rng.random()
        budget_wan = int(rng.integers(5, 200))
        if budget_kind < 0.4:
            budget = f"{budget_wan}万"
        elif budget_kind < 0.7:
            budget = budget_wan * 10_000
        elif budget_kind < 0.9:
            budget = None
        else:
            budget = 0
        plan.tasks.append(
            {
                "task_id": f"T{i + 1:04d}",
                "unit_id": plan.units[owners[i]]["unit_id"],
                "task_name": f"{community}{name}",
                "category": category,
                "metric": metric,
                "target": 100 if metric == "进度" else int(rng.integers(*span)),
                "weight": int(rng.choice([1, 1, 2, 2, 3])),
                "start_month": start,
                "due_month": due,
                "budget": budget,
                "budget_yuan": 0 if budget is None or budget == 0 else budget_wan * 10_000,
            }
        )
    return plan


def write_plan(plan: PlanData, year_dir: Path) -> dict[str, int]:
    folder = year_dir / "plan"
    write_xlsx(
        folder / "责任单位.xlsx",
        {
            "责任单位": (
                ["单位编码", "单位名称", "单位类型", "联系社区"],
                [
                    (u["unit_id"], u["unit_name"], u["unit_type"], u["communities"])
                    for u in plan.units
                ],
            )
        },
    )
    write_csv(
        folder / "communities.csv",
        ["社区编码", "社区名称", "所属镇街", "试点类型"],
        [tuple(c.values()) for c in plan.communities],
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
    keys = [
        "task_id",
        "unit_id",
        "task_name",
        "category",
        "metric",
        "target",
        "weight",
        "start_month",
        "due_month",
        "budget",
    ]
    rows = [[t[k] for k in keys] for t in plan.tasks]
    write_xls(folder / "tasks.xls", {"目标任务": (header, rows)})
    (folder / "rules.toml").write_text(RULES_TOML, encoding="utf-8")
    return {
        "units": len(plan.units),
        "communities": len(plan.communities),
        "tasks": len(plan.tasks),
    }


# ------------------------------------------------------------------ reports
REPORT_HEADER_CN = [
    "单位编码",
    "任务编号",
    "报告月份",
    "完成进度",
    "实际完成值",
    "报送日期",
    "本月工作情况",
]
REPORT_HEADER_EN = ["unit_id", "task_id", "month", "progress", "actual", "submitted_on", "note"]
HONOR_HEADER = ["单位编码", "荣誉名称", "级别", "文号", "授予日期"]
REPORT_FORMATS = ("xlsx", "csv-gb18030", "csv-bom", "xls")


def _report_rows(plan: PlanData, rng: Rng) -> dict[tuple[int, int], list[dict]]:
    """(unit index, file month) → the rows of that unit's report file for that month."""
    unit_index = {u["unit_id"]: i for i, u in enumerate(plan.units)}
    files: dict[tuple[int, int], list[dict]] = {}
    for task in plan.tasks:
        u = unit_index[task["unit_id"]]
        start, due, target = task["start_month"], task["due_month"], task["target"]
        speed = 0.3 if rng.random() < 0.05 else min(1.5, max(0.4, rng.lognormal(0, 0.25)))
        overshoot = 1.3 if rng.random() < 0.1 else 1.0
        given_progress = task["metric"] == "进度" or rng.random() < 0.3
        last = 0.0
        for m in range(start, 13):
            planned = min(100.0, 100 * (m - start + 1) / (due - start + 1))
            last = max(last, min(100.0, round(planned * speed + rng.integers(-3, 4))))
            if rng.random() < 0.03:
                continue  # a month the unit did not report
            late = rng.random() < 0.12
            day = int(rng.integers(6, 13)) if late else int(rng.integers(1, 6))
            submitted = dt.date(YEAR + (m == 12), m % 12 + 1, day)
            row = {
                "unit_id": task["unit_id"],
                "task_id": task["task_id"],
                "month": m,
                "progress": last if given_progress else None,
                "actual": None
                if task["metric"] == "进度"
                else round(target * last / 100 * overshoot, 1),
                "submitted": submitted,
                "note": NOTES[int(rng.integers(len(NOTES)))],
            }
            files.setdefault((u, m), []).append(row)
            if rng.random() < 0.03:  # corrected in the next month's file, submitted later
                fixed = dict(row, submitted=submitted + dt.timedelta(days=int(rng.integers(3, 20))))
                if fixed["progress"] is not None:
                    fixed["progress"] = min(100.0, fixed["progress"] + int(rng.integers(1, 10)))
                if fixed["actual"] is not None:
                    fixed["actual"] = round(fixed["actual"] * 1.05, 1)
                files.setdefault((u, min(12, m + 1)), []).append(fixed)
    return files


def _spoil(rows: list[dict], plan: PlanData, rng: Rng) -> None:
    """Duplicates (1%) and bad rows (0.3%), in place."""
    i = 0
    while i < len(rows):
        r = rng.random()
        if r < 0.01:
            rows.insert(i + 1, dict(rows[i]))
            i += 1
        elif r < 0.013:
            kind = int(rng.integers(5))
            bad = dict(rows[i], note="更正")
            if kind == 0:
                bad["progress"] = 120.0
            elif kind == 1:
                bad["task_id"] = "T9999"
            elif kind == 2:
                bad["month"] = "13月"
            elif kind == 3 and bad["actual"] is None:
                bad["progress"] = None
            else:
                other = plan.tasks[int(rng.integers(len(plan.tasks)))]
                if other["unit_id"] == bad["unit_id"]:
                    bad["task_id"] = "T9999"
                else:
                    bad["task_id"] = other["task_id"]
            rows.insert(i + 1, bad)
            i += 1
        i += 1


def _progress_text(value: float, style: int) -> str:
    whole = f"{value:g}"
    return (f"{whole}%", whole, f"{value:.1f}%", _full_width(f"{whole}%"))[style]


def _month_cell(month, style: int, excel: bool):
    if isinstance(month, str):
        return month
    if excel and style == 4:
        return _month_end(month)
    if style == 4:
        style = 0
    return (
        f"{YEAR}年{month}月",
        f"{YEAR}-{month:02d}",
        f"{month}月",
        month if excel else str(month),
        f"{YEAR}/{month}",
    )[style]


def _date_text(day: dt.date, style: int) -> str:
    return (
        f"{day.year}/{day.month}/{day.day}",
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
    )[style % 3]


def write_reports(plan: PlanData, year_dir: Path, scale: Scale) -> dict[str, int]:
    rng = _rng(scale, 2)
    folder = year_dir / "reports"
    files = _report_rows(plan, rng)
    n_rows = n_files = 0
    for (u, m), rows in sorted(files.items()):
        unit = plan.units[u]
        fmt = REPORT_FORMATS[u % len(REPORT_FORMATS)]
        excel = fmt in ("xlsx", "xls")
        month_style, date_style = u % 5, u % 3
        english = u % 10 == 7 and not excel
        phone = u % 5 == 0
        _spoil(rows, plan, rng)
        header = list(REPORT_HEADER_EN if english else REPORT_HEADER_CN)
        if u % 7 == 3:
            header[3] = "\u3000完成进度 "  # stray spaces around a header
        if phone:
            header.append("联系电话")
        cells = []
        for r in rows:
            style = 3 if rng.random() < 0.02 else (u + m) % 3
            progress = r["progress"]
            if progress is not None and not (excel and style == 1):
                progress = _progress_text(progress, style)
            line = [
                r["unit_id"],
                r["task_id"],
                _month_cell(r["month"], month_style, excel),
                progress,
                r["actual"] if excel or r["actual"] is None else f"{r['actual']:g}",
                r["submitted"] if excel else _date_text(r["submitted"], date_style),
                r["note"],
            ]
            if phone:
                line.append(f"138{int(rng.integers(10**7, 10**8))}")
            cells.append(line)
        name = folder / f"{unit['unit_name']}{YEAR}年{m}月进度月报"
        if excel:
            sheets = {"进度": (header, cells)}
            honors = _honors(unit, m, rng)
            if honors:
                sheets["荣誉"] = (HONOR_HEADER, honors)
            (write_xlsx if fmt == "xlsx" else write_xls)(name.with_suffix("." + fmt), sheets)
            n_rows += len(honors)
        else:
            encoding = "gb18030" if fmt == "csv-gb18030" else "utf-8-sig"
            write_csv(name.with_suffix(".csv"), header, cells, encoding=encoding)
        n_rows += len(cells)
        n_files += 1
    return {"files": n_files, "rows": n_rows}


def _honors(unit: dict, month: int, rng: Rng) -> list[list]:
    if rng.random() > 0.08:
        return []
    out = []
    for _ in range(int(rng.integers(1, 3))):
        level = ("国家级", "省级", "省级", "市级", "市级", "市级", "县级")[int(rng.integers(7))]
        doc = None if rng.random() < 0.15 else f"川民发〔{YEAR}〕{int(rng.integers(1, 200))}号"
        day = dt.date(YEAR, month, int(rng.integers(1, 28)))
        out.append([unit["unit_id"], HONORS[int(rng.integers(len(HONORS)))], level, doc, day])
    return out


# ------------------------------------------------------------------ funding
LEDGER_HEADER = ["日期", "凭证号", "项目编号", "资金来源", "类型", "金额(元)", "摘要"]


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(n, a + size)) for a in range(0, n, size)]


def ledger_frame(plan: PlanData, scale: Scale) -> pl.DataFrame:
    """The clean ledger with conflicting vouchers and bad rows mixed in (amounts in cents)."""
    rng = _rng(scale, 3)
    n, n_tasks = scale.ledger, len(plan.tasks)
    tasks = pl.DataFrame(
        {
            "t": list(range(n_tasks)),
            "task_id": [t["task_id"] for t in plan.tasks],
            "task_name": [t["task_name"] for t in plan.tasks],
            "alloc": [
                100 * (t["budget_yuan"] or rng.integers(5, 200) * 10_000) for t in plan.tasks
            ],
            "execution": [min(1.25, max(0.3, rng.normal(0.9, 0.2))) for _ in plan.tasks],
        }
    )
    t, r = pl.col("t"), pl.col("r")
    first = t != t.shift(1, fill_value=-1)
    rows = (
        pl.DataFrame(
            {
                "t": sorted(rng.integers(0, n_tasks, n)),
                "r": rng.random(n),
                "noise": rng.uniform(0.5, 1.5, n),
                "d_alloc": rng.integers(0, 90, n),
                "d_other": rng.integers(30, 365, n),
                "source": rng.choice(FUND_SOURCES, n),
            }
        )
        .with_columns(kind=pl.when(first | (r < 0.02)).then(0).when(r > 0.97).then(2).otherwise(1))
        .join(tasks, on="t", how="left", maintain_order="left")
    )
    kind = pl.col("kind")
    spends = (kind == 1).sum().over("t").clip(1)
    allocations = (kind == 0).sum().over("t").clip(1)
    spend = pl.col("alloc") * pl.col("execution") / spends * pl.col("noise")
    cents = (
        pl.when(kind == 0)
        .then(pl.col("alloc") / allocations)
        .when(kind == 1)
        .then(spend)
        .otherwise(spend * 0.1)
    )
    day = pl.when(kind == 0).then("d_alloc").otherwise("d_other")
    frame = (
        rows.select(
            (pl.lit(dt.date(YEAR, 1, 1)) + pl.duration(days=day)).alias("date"),
            pl.format(
                "记-{}-{}", pl.lit(YEAR), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(7)
            ).alias("voucher"),
            "task_id",
            "source",
            kind.replace_strict([0, 1, 2], ["下达", "支出", "退回"], return_dtype=pl.String).alias(
                "kind"
            ),
            cents.round(0).cast(pl.Int64).clip(1).alias("cents"),
            pl.format(
                "{}{}",
                "task_name",
                kind.replace_strict(
                    [0, 1, 2], ["资金下达", "项目支出", "结余退回"], return_dtype=pl.String
                ),
            ).alias("summary"),
            pl.lit(None, pl.String).alias("bad"),
        )
        .sort("date", "voucher")
        .with_columns(pos=pl.int_range(pl.len()).cast(pl.Float64))
    )
    # conflicting vouchers: a second row with the voucher of another but a different amount
    conflicts = frame[rng.sample(n, max(1, n // 2000))].with_columns(
        cents=pl.col("cents") + 100, pos=pl.col("pos") + 0.5
    )
    # bad rows: amount, task, date or kind
    picks = rng.sample(n, max(1, n // 1000))
    bad = frame[picks].with_columns(
        voucher=pl.col("voucher") + "B",
        pos=pl.col("pos") + 0.25,
        bad=pl.Series(rng.choice(["amount", "task", "date", "kind"], len(picks))),
    )
    return pl.concat([frame, conflicts, bad]).sort("pos").drop("pos")


def _money_text(cents: pl.Expr, style: pl.Expr) -> pl.Expr:
    """ "¥1,234.50" / "1,234.50" / "1234.5" by style 0/1/2."""
    yuan, fen = cents // 100, cents % 100
    z3 = lambda e: e.cast(pl.String).str.zfill(3)  # noqa: E731
    grouped = (
        pl.when(yuan >= 1_000_000)
        .then(pl.format("{},{},{}", yuan // 1_000_000, z3((yuan // 1000) % 1000), z3(yuan % 1000)))
        .when(yuan >= 1000)
        .then(pl.format("{},{}", yuan // 1000, z3(yuan % 1000)))
        .otherwise(yuan.cast(pl.String))
    )
    two = pl.format("{}.{}", grouped, fen.cast(pl.String).str.zfill(2))
    plain = (cents / 100).cast(pl.String)
    return (
        pl.when(style == 0).then(pl.format("¥{}", two)).when(style == 1).then(two).otherwise(plain)
    )


def write_funding(plan: PlanData, year_dir: Path, scale: Scale) -> dict[str, int]:
    folder = year_dir / "funding"
    frame = ledger_frame(plan, scale)
    n = frame.height
    # one part per file: 55% GB18030 CSV, 40% xlsx in 万元, 5% xls (bigger ledgers only)
    n_xls = min(XLS_MAX_ROWS, n // 20) if n >= 10_000 else 0
    n_csv = (n - n_xls) * 55 // 100
    parts = [("csv", a, b) for a, b in _chunks(n_csv, CSV_MAX_ROWS // 2)]
    parts += [("xlsx", n_csv + a, n_csv + b) for a, b in _chunks(n - n_csv - n_xls, XLSX_MAX_ROWS)]
    if n_xls:
        parts.append(("xls", n - n_xls, n))
    written = n_files = 0
    previous = None
    for i, (fmt, a, b) in enumerate(parts):
        part = frame.slice(a, b - a)
        if previous is not None:  # the same export downloaded twice: rows of the previous file
            part = pl.concat([part, previous.sample(max(1, previous.height // 200), seed=i)])
        part = pl.concat([part, part.sample(max(1, part.height // 100), seed=100 + i)])
        if fmt == "csv":  # a CSV export in date order, a workbook in the order it was keyed in
            part = part.sort("date", maintain_order=True)
        else:
            part = part.sample(fraction=1.0, shuffle=True, seed=200 + i)
        previous = frame.slice(a, b - a)
        bad = pl.col("bad")
        typed = part.with_columns(
            task_id=pl.when(bad == "task").then(pl.lit("T9999")).otherwise("task_id"),
            kind=pl.when(bad == "kind").then(pl.lit("调整")).otherwise("kind"),
            date=pl.when(bad == "date").then(pl.lit(dt.date(YEAR - 1, 12, 31))).otherwise("date"),
        )
        name = folder / f"项目资金台账_{i + 1:02d}"
        if fmt == "csv":
            style = pl.int_range(pl.len()) % 3
            text = typed.select(
                pl.col("date").dt.strftime("%Y-%m-%d").alias("日期"),
                pl.col("voucher").alias("凭证号"),
                pl.col("task_id").alias("项目编号"),
                pl.col("source").alias("资金来源"),
                pl.col("kind").alias("类型"),
                pl.when(bad == "amount")
                .then(pl.lit("-5"))
                .otherwise(_money_text(pl.col("cents"), style))
                .alias("金额(元)"),
                pl.col("summary").alias("摘要"),
            )
            _write_frame_csv(text, name.with_suffix(".csv"), "gb18030")
        else:
            header = [*LEDGER_HEADER[:5], "金额（万元）", "摘要"]
            rows = typed.select(
                "date",
                "voucher",
                "task_id",
                "source",
                "kind",
                pl.when(bad == "amount").then(-5.0).otherwise(pl.col("cents") / 1_000_000),
                "summary",
            ).iter_rows()
            if fmt == "xlsx":
                write_xlsx(
                    name.with_suffix(".xlsx"), {"台账": (header, rows)}, constant_memory=True
                )
            else:
                write_xls(name.with_suffix(".xls"), {"台账": (header, rows)})
        written += part.height
        n_files += 1
    return {"files": n_files, "rows": written}


# ------------------------------------------------------------------ surveys
def survey_frame(plan: PlanData, scale: Scale) -> pl.DataFrame:
    """All responses, answers as option indexes (0-4; -2 skipped; 9 bad), before formatting."""
    rng = _rng(scale, 5)
    n, n_c = scale.responses, len(plan.communities)
    # each community has its own mood: cumulative probabilities over the five options
    moods = [rng.dirichlet([6, 5, 3, 1.2, 0.6]) for _ in range(n_c)]
    communities = pl.DataFrame(
        {
            "c": list(range(n_c)),
            "name": [c["community_name"] for c in plan.communities],
            "cid": [c["community_id"] for c in plan.communities],
            **{f"cum{k}": [sum(m[: k + 1]) for m in moods] for k in range(4)},
        }
    )
    weights = rng.uniform(0.5, 1.5, n_c)
    frame = pl.DataFrame(
        {
            "c": rng.choice(range(n_c), n, weights=weights),
            **{f"u{q}": rng.random(n) for q in range(2, 7)},
            **{f"skip{q}": rng.random(n) for q in range(2, 7)},
            "r_skip": rng.random(n),
            "r_bad": rng.random(n),
            "r_answer": rng.random(n),
            "lognormal": rng.lognormal(math.log(110), 0.6, n),
            "r_fast": rng.random(n),
            "fast": rng.integers(5, 30, n),
            "offset": rng.integers(0, 306 * 86_400, n),
            "r_old": rng.random(n),
            "old_offset": rng.integers(0, 10 * 86_400, n),
            "ip0": rng.choice([117, 182, 110, 223, 171, 125], n),
            "ip1": rng.integers(1, 255, n),
            "ip2": rng.integers(0, 255, n),
            "ip3": rng.integers(1, 255, n),
            "region": rng.choice(REGIONS, n),
            "channel": rng.choice(["微信", "微信", "微信", "手机提交", "手机提交", "链接"], n),
            "r_suggest": rng.random(n),
            "suggestion": rng.choice(SUGGESTIONS, n),
        }
    ).join(communities, on="c", how="left", maintain_order="left")

    def item(q: int) -> pl.Expr:
        u = pl.col(f"u{q}")
        index = pl.sum_horizontal(*(u > pl.col(f"cum{k}") for k in range(4)))
        skipped = (pl.col(f"skip{q}") < 0.04) | ((pl.col("r_skip") < 0.01) & (q < 6))
        out = pl.when(skipped).then(-2).otherwise(index)
        if q == 4:
            out = pl.when(pl.col("r_bad") < 0.0002).then(9).otherwise(out)
        return out.cast(pl.Int32).alias(f"q{q}")

    answer = pl.col("r_answer")
    seconds = pl.col("lognormal").clip(31, 3600).cast(pl.Int64)
    at = (
        pl.when(pl.col("r_old") < 0.003)
        .then(pl.lit(dt.datetime(YEAR - 1, 12, 15, 10)) + pl.duration(seconds="old_offset"))
        .otherwise(pl.lit(dt.datetime(YEAR, 3, 1)) + pl.duration(seconds="offset"))
    )
    return frame.select(
        at.alias("at"),
        pl.when(pl.col("r_fast") < 0.03).then("fast").otherwise(seconds).alias("seconds"),
        "channel",
        "ip0",
        "ip1",
        "ip2",
        "ip3",
        "region",
        pl.when(answer < 0.93)
        .then("name")
        .when(answer <= 0.97)
        .then("cid")
        .when(answer < 0.99)
        .then(pl.lit("幸福社区"))
        .otherwise(pl.lit("(跳过)"))
        .alias("q1"),
        *(item(q) for q in range(2, 7)),
        pl.when(pl.col("r_suggest") < 0.8)
        .then(pl.lit("(跳过)"))
        .otherwise("suggestion")
        .alias("q7"),
    ).sort("at", maintain_order=True)


def _survey_columns(frame: pl.DataFrame, by_number: bool) -> pl.DataFrame:
    option_text = pl.Series(["(跳过)", *OPTIONS, "很满意"])

    def item(q: str) -> pl.Expr:
        c = pl.col(q)
        if by_number:  # option numbers start at 1; skipped is -2; a bad answer is 7
            return (
                pl.when(c == -2)
                .then(pl.lit("-2"))
                .when(c == 9)
                .then(pl.lit("7"))
                .otherwise((c + 1).cast(pl.String))
            )
        index = pl.when(c == -2).then(0).when(c == 9).then(6).otherwise(c + 1)
        return index.replace_strict(list(range(7)), option_text.to_list(), return_dtype=pl.String)

    link = pl.lit("https://www.wjx.cn/vm/Pq7kXyZ.aspx")
    detail = pl.when(pl.col("channel") == "链接").then(link).otherwise(pl.lit("N/A"))
    return frame.select(
        pl.int_range(1, pl.len() + 1).alias(SURVEY_META[0]),
        pl.col("at").dt.strftime("%Y/%-m/%-d %H:%M:%S").alias(SURVEY_META[1]),
        pl.format("{}秒", "seconds").alias(SURVEY_META[2]),
        pl.col("channel").alias(SURVEY_META[3]),
        detail.alias(SURVEY_META[4]),
        pl.format("{}.{}.{}.{}({})", "ip0", "ip1", "ip2", "ip3", "region").alias(SURVEY_META[5]),
        pl.col("q1").alias(SURVEY_QUESTIONS[0]),
        *(item(f"q{q}").alias(SURVEY_QUESTIONS[q - 1]) for q in range(2, 7)),
        pl.col("q7").alias(SURVEY_QUESTIONS[6]),
    )


SURVEY_META = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")


def write_surveys(plan: PlanData, year_dir: Path, scale: Scale) -> dict[str, int]:
    folder = year_dir / "surveys"
    frame = survey_frame(plan, scale)
    n = frame.height
    half = n // 2
    parts = [("xlsx", a, b) for a, b in _chunks(half, XLSX_MAX_ROWS)]
    parts += [("csv", half + a, half + b) for a, b in _chunks(n - half, CSV_MAX_ROWS)]
    written = 0
    for i, (fmt, a, b) in enumerate(parts):
        part = _survey_columns(frame.slice(a, b - a), by_number=fmt == "csv")
        dup = part.sample(max(1, part.height // 200), seed=300 + i)
        part = pl.concat([part, dup]).sort(SURVEY_META[0], maintain_order=True)
        name = folder / f"问卷星_满意度测评_{i + 1:02d}"
        if fmt == "xlsx":
            rows = part.iter_rows()
            write_xlsx(
                name.with_suffix(".xlsx"), {"Sheet1": (part.columns, rows)}, constant_memory=True
            )
        else:
            _write_frame_csv(part, name.with_suffix(".csv"), "gb18030" if i % 2 else "utf-8-sig")
        written += part.height
    return {"files": len(parts), "rows": written}


# ------------------------------------------------------------------ files
def _write_frame_csv(frame: pl.DataFrame, path: Path, encoding: str) -> None:
    """A polars frame as CSV the way Excel saves one (CRLF), re-encoded where asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.write_csv(line_terminator="\r\n", quote_style="necessary")
    path.write_bytes(text.encode(encoding))


def _copy_demo(out: Path) -> bool:
    """Copy demo/inbox/<year> (made by `python -m demo.make_demo`); False when it is missing."""
    source = DEMO_INBOX / str(YEAR)
    if not source.is_dir():
        print(
            f"{source} is missing (make it with `uv run python -m demo.make_demo`); "
            "S falls back to a generated demo-sized inbox",
            file=sys.stderr,
        )
        return False
    shutil.copytree(source, out / "inbox" / str(YEAR))
    return True


def _count(year_dir: Path) -> dict[str, dict[str, int]]:
    out = {}
    for folder in ("plan", "reports", "funding", "surveys"):
        files = [p for p in (year_dir / folder).glob("*") if p.is_file()]
        out[folder] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    return out


def generate(scale: Scale | str, out: Path | str) -> dict:
    """Write `<out>/inbox/<year>/...` for `scale` (replacing what was there); return a summary."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    out = Path(out)
    started = time.perf_counter()
    if (out / "inbox").exists():
        shutil.rmtree(out / "inbox")
    year_dir = out / "inbox" / str(YEAR)
    source = "generated"
    counts: dict = {}
    if scale.name == "S" and _copy_demo(out):
        source = "demo/inbox"
    else:
        plan = make_plan(scale)
        counts["plan"] = write_plan(plan, year_dir)
        counts["reports"] = write_reports(plan, year_dir, scale)
        counts["funding"] = write_funding(plan, year_dir, scale)
        counts["surveys"] = write_surveys(plan, year_dir, scale)
    summary = {
        "scale": asdict(scale),
        "source": source,
        "year": YEAR,
        "inbox": str(out / "inbox"),
        "rows": counts,
        "files": _count(year_dir),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "generated.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return summary


def ensure_inbox(scale: str, out: Path) -> None:
    """Generate `<out>/inbox` for `scale` unless it is there, in a process of its own (the
    generator's memory stays out of the process that measures)."""
    if not (out / "inbox" / str(YEAR)).is_dir():
        command = [sys.executable, "-m", "bench.generate", "--scale", scale, "--out", str(out)]
        subprocess.run(command, check=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="M", choices=sorted(SCALES))
    parser.add_argument("--out", type=Path, default=None, help="default bench/out/<scale>")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "bench" / "out" / args.scale
    summary = generate(args.scale, out)
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
