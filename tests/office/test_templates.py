"""填报模板: templates written from a plan are ordinary report files for the pipeline.

Filled programmatically (openpyxl) with valid values in every cell a unit owns, they load
with no quarantined row and give hand-known statuses; their own validation rules, read back
from the files, reject invalid values; forced in anyway, those values are quarantined.
The plan is tests/plan_fixture.py (3 units, 5 tasks); the templates are for September, scored
as of 2021-10-05 (last assessed month 9).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from office.workbooks.fill_in import (
    OPTIONAL_FILL,
    REQUIRED_FILL,
    TEMPLATES_DIR,
    template_month,
    write_templates,
)
from schemas.reports import honor_schema, progress_schema
from tests import plan_fixture
from tests.office import office_frames
from tests.office.office_frames import fill, has_formulas
from transforms import reports
from transforms.plan import build_plan

YEAR, MONTH = 2021, 9
AS_OF = dt.date(2021, 10, 5)
SUBMITTED = dt.date(2021, 10, 3)
ROOT = Path(__file__).resolve().parents[2]
# task → (完成进度, 实际完成值) written into its row; the expected September status
FILLED = {
    "T1": (100, 100),  # 进度, due 6: completed
    "T2": (100, 15),  # 数量, target 15: completed
    "T3": (80, 80),  # 进度, 3-9: planned 100, gap 20 → yellow
    "T4": (40, 40),  # 进度, 1-12: planned 75, gap 35 → red
    "T5": (60, 6),  # 数量, target 10, 6-11: planned 66.7, gap 6.7 → green
}
EXPECTED = {
    "T1": ("green", "completed"),
    "T2": ("green", "completed"),
    "T3": ("yellow", "behind"),
    "T4": ("red", "behind"),
    "T5": ("green", "on_track"),
}
HONOR = ("U1", "全省城乡社区治理工作先进集体", "省级", "川民发〔2021〕12号", dt.date(2021, 6, 1))


# ------------------------------------------------------------------ helpers


def headers(sheet) -> dict[str, int]:
    """header → 1-based column."""
    return {c.value: c.column for c in sheet[1] if c.value}


def fill_template(
    path: Path,
    target: Path,
    honors: list[tuple] = (),
    values: Callable[[dict], tuple[float, float]] | None = None,
    month: int = MONTH,
    submitted: dt.date = SUBMITTED,
) -> Path:
    """Fill every cell the unit owns in 进度 (完成进度 and 实际完成值 from `values` of the row's
    pre-filled cells, default FILLED) and the given 荣誉 rows; save under `target`."""
    book = openpyxl.load_workbook(path)
    sheet, col = book["进度"], headers(book["进度"])
    for r in range(2, sheet.max_row + 1):
        task = {h: sheet.cell(r, c).value for h, c in col.items()}
        progress, actual = values(task) if values else FILLED[task["任务编号"]]
        sheet.cell(r, col["报告月份"]).value = f"{YEAR}年{month}月"
        sheet.cell(r, col["完成进度"]).value = progress
        sheet.cell(r, col["实际完成值"]).value = actual
        sheet.cell(r, col["报送日期"]).value = submitted
        sheet.cell(r, col["本月工作情况"]).value = "按计划推进；=不是公式"
    for r, row in enumerate(honors, start=2):
        for c, value in enumerate(row, start=1):
            book["荣誉"].cell(r, c).value = value
    book.save(target)
    return target


def run_year(plan, paths: list[Path], as_of: dt.date):
    """Sources, core, marts and quarantine of the year with `paths` as its only reports,
    through the flow's own steps (in process, no Prefect run)."""
    from flows.tasks import audit_quarantine
    from transforms.assessment import Assessment
    from transforms.scoring import UNMATCHED, score_year
    from transforms.warning_list import warning_list
    from transforms.year import sources

    src, core = sources(plan, {"reports": as_inputs(paths)}, None)
    ctx = Assessment(plan.year, as_of, plan.rules)
    marts = score_year(ctx, core)
    marts.pop(UNMATCHED)  # not a mart: the run quarantines these (transforms/sources.settle)
    marts["warning_list"] = warning_list(
        marts["task_month_status"], core["tasks"], "run-1", ctx.last_month
    )
    return src, core, marts, audit_quarantine("run-1", plan.year, src)


def as_inputs(paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(f"reports/{p.name}", p.read_bytes()) for p in paths]


def rule_at(sheet, cell: str):
    """The data validation of `cell` (exactly one)."""
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{cell}: {len(found)} rules"
    return found[0]


def _serial(day: dt.date) -> float:
    return float((day - dt.date(1899, 12, 30)).days)


def _custom_accepts(formula: str, value) -> bool:
    """A custom rule of AND/OR/NOT/ISNUMBER and comparisons on its one cell, as Excel reads it."""
    if not isinstance(value, int | float):
        return "ISNUMBER" not in formula
    python = re.sub(r"\b[A-Z]{1,3}[0-9]+\b", "x", formula.lstrip("="))
    python = re.sub(r"(?<![<>])=", "==", python).replace("<>", "!=")
    names = {"AND": lambda *a: all(a), "OR": lambda *a: any(a), "NOT": lambda a: not a}
    return bool(eval(python, {**names, "ISNUMBER": lambda _: True}, {"x": value}))


def accepts(rule, value) -> bool:
    """Whether Excel lets `value` into a cell with this validation (the rule as read back)."""
    if value is None:
        return bool(rule.allow_blank)
    if rule.type == "list":
        return str(value) in rule.formula1.strip('"').split(",")
    if rule.type == "custom":
        return _custom_accepts(rule.formula1, value)
    if rule.type == "textLength":
        x = float(len(str(value)))
    elif rule.type == "date":
        if not isinstance(value, dt.date):
            return False
        x = _serial(value)
    elif rule.type == "decimal":
        if not isinstance(value, int | float):
            return False
        x = float(value)
    else:
        raise AssertionError(f"rule type {rule.type}")
    low = float(rule.formula1)
    return {
        None: lambda: low <= x <= float(rule.formula2),
        "between": lambda: low <= x <= float(rule.formula2),
        "greaterThanOrEqual": lambda: x >= low,
        "lessThanOrEqual": lambda: x <= low,
    }[rule.operator]()


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def plan():
    return plan_fixture.plan()


@pytest.fixture(scope="module")
def made(plan, tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("out") / TEMPLATES_DIR
    return write_templates(out, year=YEAR, month=MONTH, units=plan.units, tasks=plan.tasks)


@pytest.fixture(scope="module")
def filled(made, tmp_path_factory) -> list[Path]:
    reports_dir = tmp_path_factory.mktemp("inbox") / "reports"
    reports_dir.mkdir()
    return [
        fill_template(p, reports_dir / p.name, [HONOR] if p.name.startswith("U1_") else [])
        for p in made
    ]


@pytest.fixture(scope="module")
def year_run(plan, filled):
    return run_year(plan, filled, AS_OF)


# ------------------------------------------------------------------ the files


def test_one_template_per_unit_named_for_the_clerk(made):
    assert [p.name for p in made] == [
        "U1_县民政局_2021年9月进度填报.xlsx",
        "U2_盐井街道_2021年9月进度填报.xlsx",
        "U3_县妇联_2021年9月进度填报.xlsx",
    ]
    book = openpyxl.load_workbook(made[0])
    assert book.sheetnames == ["填报说明", "进度", "荣誉"]
    assert book.active.title == "进度"


def test_progress_sheet_prefilled_with_the_units_tasks_under_report_headers(made):
    sheet = openpyxl.load_workbook(made[2])["进度"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == (
        "单位编码",
        "任务编号",
        "任务内容",
        "指标类型",
        "目标值",
        "完成月份",
        "填报要求",
        "报告月份",
        "完成进度",
        "实际完成值",
        "报送日期",
        "本月工作情况",
        "上次报告月份",
        "上次完成进度",
        "上次实际完成值",
    )
    assert [r[:8] for r in rows[1:]] == [
        ("U3", "T4", "关爱留守儿童", "进度", 100, 12, rows[1][6], "2021年9月"),
        ("U3", "T5", "卓筒之星评选", "数量", 10, 11, rows[2][6], "2021年9月"),
    ]
    assert (
        rows[1][6] == "必填：完成进度（0-100）" and rows[2][6] == "必填：实际完成值（累计，目标10）"
    )
    assert all(v is None for r in rows[1:] for v in r[8:])


def test_prefilled_cells_locked_input_cells_open_sheet_protected_without_password(made):
    book = openpyxl.load_workbook(made[0])
    for name in ("进度", "荣誉"):
        assert book[name].protection.sheet and not book[name].protection.password
    sheet, col = book["进度"], headers(book["进度"])
    for header in ("单位编码", "任务编号", "任务内容", "指标类型", "目标值", "完成月份"):
        assert sheet.cell(2, col[header]).protection.locked, header
    for header in ("报告月份", "完成进度", "实际完成值", "报送日期", "本月工作情况"):
        assert not sheet.cell(2, col[header]).protection.locked, header
    assert not book["荣誉"]["B2"].protection.locked


def test_metric_kind_visible_required_yellow_optional_grey(made):
    sheet = openpyxl.load_workbook(made[2])["进度"]  # T4 进度 in row 2, T5 数量 in row 3
    col = headers(sheet)
    yellow, grey = "FF" + REQUIRED_FILL[1:], "FF" + OPTIONAL_FILL[1:]
    assert fill(sheet.cell(2, col["完成进度"])) == yellow
    assert fill(sheet.cell(2, col["实际完成值"])) == grey
    assert fill(sheet.cell(3, col["完成进度"])) == grey
    assert fill(sheet.cell(3, col["实际完成值"])) == yellow
    assert sheet.conditional_formatting  # pasted values out of range turn red


def test_formula_like_plan_text_stays_text(tmp_path):
    paths = write_templates(
        tmp_path,
        year=YEAR,
        month=3,
        units=office_frames.units(),
        tasks=office_frames.tasks(),
    )
    assert not any(has_formulas(p) for p in paths)
    sheet = openpyxl.load_workbook(paths[0])["进度"]
    assert sheet["C2"].value == office_frames.HYPERLINK and sheet["C2"].data_type == "s"


def test_only_tasks_started_by_the_month_and_the_folder_holds_one_month(plan, tmp_path):
    write_templates(tmp_path, year=YEAR, month=9, units=plan.units, tasks=plan.tasks)
    paths = write_templates(tmp_path, year=YEAR, month=3, units=plan.units, tasks=plan.tasks)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    tasks = {
        p.name[:2]: [r[1] for r in openpyxl.load_workbook(p)["进度"].iter_rows(min_row=2)]
        for p in paths
    }
    assert {u: [c.value for c in cells] for u, cells in tasks.items()} == {
        "U1": ["T1", "T2"],
        "U2": ["T3"],
        "U3": ["T4"],  # T5 starts in June
    }


def test_a_unit_without_started_tasks_gets_a_header_only_progress_sheet(plan, tmp_path):
    paths = write_templates(tmp_path, year=YEAR, month=1, units=plan.units, tasks=plan.tasks)
    u2 = openpyxl.load_workbook(paths[1])  # T3 starts in March
    assert u2["进度"].max_row == 1 and "0 项任务" in u2["填报说明"]["A2"].value
    got = reports.progress_reports(as_inputs(paths), plan)
    assert got.read_counts.sort("file")["rows_read"].to_list() == [2, 0, 1]


def test_default_month_is_the_next_report_capped_at_december():
    assert [template_month(m) for m in (0, 1, 9, 11, 12)] == [1, 2, 10, 12, 12]


# ------------------------------------------------------------------ filled → the pipeline


def test_filled_templates_load_without_quarantine(plan, filled):
    inputs = as_inputs(filled)
    progress, honors = reports.progress_reports(inputs, plan), reports.honors(inputs, plan)
    assert progress.quarantine.height == 0 and honors.quarantine.height == 0
    assert sorted(progress.rows["task_id"]) == sorted(FILLED)
    assert progress.rows["month"].unique().to_list() == [MONTH]
    assert progress.rows["submitted_on"].unique().to_list() == [SUBMITTED]
    assert honors.rows.select("unit_id", "honor", "level", "document_no", "awarded_on").rows() == [
        HONOR
    ]


def test_filled_templates_score_to_the_expected_statuses(year_run):
    src, _, marts, quarantine = year_run
    assert quarantine.height == 0
    september = marts["task_month_status"].filter(pl.col("month") == MONTH)
    assert {r["task_id"]: (r["status"], r["reason"]) for r in september.to_dicts()} == EXPECTED
    assert not september["late"].any()
    honor = marts["score_line_item"].filter(pl.col("rule_id") == "honor_provincial")
    assert honor.select("unit_id", "ref", "points").rows() == [("U1", HONOR[3], 2.0)]


def test_after_a_run_the_office_folder_holds_next_months_templates(year_run, tmp_path):
    from flows.tasks import office_files_task

    _, core, marts, quarantine = year_run
    out = office_files_task.fn(tmp_path / "2021", YEAR, marts, core, quarantine, MONTH)
    assert sorted(p.name for p in (out / TEMPLATES_DIR).iterdir()) == [
        "U1_县民政局_2021年10月进度填报.xlsx",
        "U2_盐井街道_2021年10月进度填报.xlsx",
        "U3_县妇联_2021年10月进度填报.xlsx",
    ]


def test_unfilled_rows_are_quarantined_as_missed_reports(plan, made):
    got = reports.progress_reports(as_inputs(made), plan)
    assert got.rows.height == 0
    reasons = got.quarantine.group_by("row_number", "file").agg("column")
    assert reasons.height == len(FILLED)  # every task row, none lost
    assert set(got.quarantine["column"]) == {"完成进度", "实际完成值", "报送日期"}


def test_demo_templates_filled_give_a_green_december(tmp_path):
    """The demo plan's 20 templates for December, every task reported complete."""
    plan_dir = ROOT / "demo" / "inbox" / "2021" / "plan"
    demo = build_plan(YEAR, [(f"plan/{p.name}", p.read_bytes()) for p in plan_dir.iterdir()])
    made = write_templates(tmp_path / "t", year=YEAR, month=12, units=demo.units, tasks=demo.tasks)
    assert len(made) == demo.units.height == 20
    assert made[0].name == "DY01_县民政局_2021年12月进度填报.xlsx"
    (tmp_path / "reports").mkdir()
    filled = [
        fill_template(
            p,
            tmp_path / "reports" / p.name,
            values=lambda task: (100, task["目标值"]),
            month=12,
            submitted=dt.date(2022, 1, 4),
        )
        for p in made
    ]
    src, _, marts, quarantine = run_year(demo, filled, dt.date(2022, 1, 31))
    assert quarantine.height == 0 and src["reports"].rows.height == demo.tasks.height
    december = marts["task_month_status"].filter(pl.col("month") == 12)
    assert december.height == demo.tasks.height
    assert set(december.select("status", "reason", "late").rows()) == {
        ("green", "completed", False)
    }


# ------------------------------------------------------------------ invalid values


def test_validation_rules_read_back_reject_invalid_values(made):
    sheet = openpyxl.load_workbook(made[0])["进度"]  # U1: T1 进度 (row 2), T2 数量 (row 3)
    col = {h: openpyxl.utils.get_column_letter(c) for h, c in headers(sheet).items()}
    for row in (2, 3):
        progress = rule_at(sheet, f"{col['完成进度']}{row}")
        values = (0, 85, 100, 120, -1, "85%", 0.85, 0.5, 1, 85.5)
        assert [accepts(progress, v) for v in values] == [
            True,
            True,
            True,
            False,
            False,
            False,
            False,  # a typed 85% is stored as 0.85: refused at the cell
            False,
            True,
            True,
        ]
        actual = rule_at(sheet, f"{col['实际完成值']}{row}")
        assert [accepts(actual, v) for v in (0, 15, 1e6, -1)] == [True, True, True, False]
    month = rule_at(sheet, f"{col['报告月份']}2")
    assert month.formula1.strip('"').split(",") == [f"2021年{m}月" for m in range(1, 13)]
    assert not accepts(month, "2021年13月") and not accepts(month, "2020年9月")
    submitted = rule_at(sheet, f"{col['报送日期']}2")
    assert accepts(submitted, SUBMITTED)
    assert not accepts(submitted, dt.date(2021, 8, 31)) and not accepts(submitted, "明天")
    assert not accepts(rule_at(sheet, f"{col['本月工作情况']}2"), "字" * 501)
    for rule in sheet.data_validations.dataValidation:
        assert rule.showErrorMessage and rule.errorStyle in (None, "stop")
        assert rule.error and rule.prompt and rule.showInputMessage
    assert "0 到 100" in rule_at(sheet, f"{col['完成进度']}2").error
    assert "请输入 85" in rule_at(sheet, f"{col['完成进度']}2").error


def test_the_cells_take_exactly_what_the_reader_accepts(made):
    """Each limit is declared once (schemas/reports.py): the reader's pandera check and the
    cell's data validation agree at its edges."""
    reader = progress_schema(["U1"], ["T1"], YEAR).columns
    bounds = {
        name: {k: v for check in reader[name].checks for k, v in check.statistics.items()}
        for name in ("month", "progress", "actual")
    }
    book = openpyxl.load_workbook(made[0])
    sheet = book["进度"]
    col = {h: openpyxl.utils.get_column_letter(c) for h, c in headers(sheet).items()}
    low, high = bounds["progress"]["min_value"], bounds["progress"]["max_value"]
    progress = rule_at(sheet, f"{col['完成进度']}2")
    assert accepts(progress, low) and accepts(progress, high)
    assert not accepts(progress, low - 1) and not accepts(progress, high + 0.5)
    actual = rule_at(sheet, f"{col['实际完成值']}2")
    least = bounds["actual"]["min_value"]
    assert accepts(actual, least) and not accepts(actual, least - 0.01)
    months = rule_at(sheet, f"{col['报告月份']}2").formula1.strip('"').split(",")
    first, last = bounds["month"]["min_value"], bounds["month"]["max_value"]
    assert (months[0], months[-1]) == (f"{YEAR}年{first}月", f"{YEAR}年{last}月")
    (in_year,) = honor_schema(["U1"], YEAR).columns["awarded_on"].checks
    awarded = rule_at(book["荣誉"], "E2")
    first_day, last_day = in_year.statistics["min_value"], in_year.statistics["max_value"]
    assert accepts(awarded, first_day) and accepts(awarded, last_day)
    assert not accepts(awarded, first_day - dt.timedelta(days=1))


def test_progress_cells_show_a_percent_sign_without_scaling(made):
    sheet = openpyxl.load_workbook(made[0])["进度"]
    col = openpyxl.utils.get_column_letter(headers(sheet)["完成进度"])
    for row in (2, 3):
        assert sheet[f"{col}{row}"].number_format == 'General"%"'  # 85 shows 85%, not 8500%


def test_every_cell_the_unit_owns_has_a_rule(made):
    book = openpyxl.load_workbook(made[0])
    sheet, col = book["进度"], headers(book["进度"])
    for header in ("报告月份", "完成进度", "实际完成值", "报送日期", "本月工作情况"):
        letter = openpyxl.utils.get_column_letter(col[header])
        for row in range(2, sheet.max_row + 1):
            rule_at(sheet, f"{letter}{row}")
    honors = book["荣誉"]
    level = rule_at(honors, "C2")
    assert accepts(level, "省级") and not accepts(level, "县级")
    assert accepts(rule_at(honors, "A21"), "U1") and not accepts(rule_at(honors, "A2"), "U2")
    awarded = rule_at(honors, "E2")
    assert accepts(awarded, dt.date(2021, 6, 1)) and not accepts(awarded, dt.date(2022, 1, 1))


def test_invalid_values_forced_in_are_quarantined(plan, made, tmp_path):
    target = tmp_path / made[0].name
    fill_template(made[0], target, [("U1", "先进集体", "县级", "", dt.date(2021, 6, 1))])
    book = openpyxl.load_workbook(target)
    book["进度"]["I2"] = 120  # 完成进度 of T1
    book["进度"]["H3"] = "2021年13月"  # 报告月份 of T2
    book.save(target)
    inputs = as_inputs([target])
    got = reports.progress_reports(inputs, plan)
    reasons = got.quarantine.select("row_number", "column", "value", "reason").rows()
    assert (2, "完成进度", "120", '第2行 完成进度 "120" 超出0-100范围') in reasons
    assert {(r, c) for r, c, _, _ in reasons} == {(2, "完成进度"), (3, "报告月份")}
    honors = reports.honors(inputs, plan).quarantine
    assert honors.select("column", "value").rows() == [("级别", "县级")]


# ------------------------------------------------------------------ the command line


@pytest.fixture(scope="module")
def warehouse(year_run, plan, tmp_path_factory) -> Path:
    """A warehouse with the year published (last assessed month 9)."""
    from flows.runs import run_row
    from transforms.assessment import Assessment
    from warehouse.location import publish
    from warehouse.publish import Publication

    _, core, marts, quarantine = year_run
    path = tmp_path_factory.mktemp("wh") / "assess.duckdb"
    run = run_row(
        run_id="run-1",
        ctx=Assessment(YEAR, AS_OF, plan.rules),
        trigger="manual",
        status="published",
        message=None,
        rules_sha256=None,
        started_at=dt.datetime.now(dt.UTC),
        stages={},
    )
    publish(path, Publication("run-1", YEAR, {"run": run, "quarantine": quarantine}, core, marts))
    return path


def assess(*args: str):
    from cli.app import app

    return CliRunner().invoke(app, ["templates", *args])


def test_command_writes_next_months_templates_from_the_published_run(warehouse, tmp_path):
    done = assess("--year", "2021", "--warehouse", str(warehouse), "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    folder = tmp_path / "2021" / TEMPLATES_DIR
    assert sorted(p.name for p in folder.iterdir())[0] == "U1_县民政局_2021年10月进度填报.xlsx"
    assert "10月" in done.stdout and "3 份" in done.stdout
    done = assess(
        "--year", "2021", "--month", "3", "--warehouse", str(warehouse), "--out", str(tmp_path)
    )
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir())[2] == "U3_县妇联_2021年3月进度填报.xlsx"


@pytest.mark.parametrize("case", ["no year", "no file", "folder", "not duckdb"])
def test_command_without_a_published_year_says_so_in_one_line(warehouse, tmp_path, case):
    year, path = "2021", tmp_path / "x.duckdb"
    if case == "no year":
        year, path = "2020", warehouse
    elif case == "folder":
        path.mkdir()
    elif case == "not duckdb":
        path.write_text("不是数据库")
    done = assess("--year", year, "--warehouse", str(path), "--out", str(tmp_path / "out"))
    assert done.exit_code == 1
    assert done.stderr.startswith("assess: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.output and not (tmp_path / "out").exists()
    if case == "no year":
        assert "2020 年尚无已发布的运行" in done.stderr


def test_command_refuses_a_month_out_of_range(warehouse):
    assert assess("--year", "2021", "--month", "13", "--warehouse", str(warehouse)).exit_code == 2


def test_same_templates_same_bytes(made, tmp_path):
    """Writing the same templates twice gives the same bytes (fixed creation time)."""
    copy = tmp_path / "again"
    shutil.copytree(made[0].parent, copy)
    plan = plan_fixture.plan()
    again = write_templates(copy, year=YEAR, month=MONTH, units=plan.units, tasks=plan.tasks)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in made]


def test_next_months_template_carries_last_months_values_and_the_due_date(plan, tmp_path):
    """U3's template for September shows what it reported last (T4 in August, T5 in July;
    a later correction of August counts, a report after the as-of date does not) and says
    that September's report is due on 5 October."""
    from office.edition import Edition
    from schemas.tables import REPORTS

    rows = [  # task, month, progress, actual, submitted, effective
        ("T4", 7, 40.0, None, dt.date(2021, 8, 3), True),
        ("T4", 8, 55.0, None, dt.date(2021, 9, 2), False),
        ("T4", 8, 60.0, None, dt.date(2021, 9, 4), True),  # the correction
        ("T5", 7, None, 4.0, dt.date(2021, 8, 4), True),
        ("T5", 8, None, 6.0, dt.date(2021, 9, 30), True),  # after the as-of date
    ]
    reports_frame = office_frames.frame(
        REPORTS,
        [
            {"year": YEAR, "task_id": t, "unit_id": "U3", "month": m, "progress": p}
            | {"actual": a, "submitted_on": d, "is_effective": e}
            for t, m, p, a, d, e in rows
        ],
    )
    edition = Edition(YEAR, 8, False, dt.date(2021, 9, 20), "r8")
    paths = write_templates(
        tmp_path,
        year=YEAR,
        month=MONTH,
        units=plan.units,
        tasks=plan.tasks,
        reports=reports_frame,
        edition=edition,
    )
    book = openpyxl.load_workbook(paths[2])
    sheet = book["进度"]
    got = [tuple(r)[:2] + tuple(r)[-3:] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [("U3", "T4", "8月", 60, None), ("U3", "T5", "7月", None, 4)]
    guide = "\n".join(c.value or "" for c in book["填报说明"]["A"])
    assert "报送截止日期：2021年10月05日" in guide
    assert "评估至8月（临时结果）　基准日 2021-09-20" in guide
    submitted = rule_at(sheet, "K2")
    assert "截止 2021-10-05" in submitted.prompt
    assert "2021-10-05 前报送" in sheet.oddHeader.left.text
