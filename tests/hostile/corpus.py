"""The hostile-input corpus: every case is generated in code from the demo inbox (nothing large
is committed), see docs/reliability.md ("Hostile inputs").

A case is a function that changes a copy of a published workspace (the inbox, rules.toml, the
warehouse path, the command's options) and the outcome expected of `assess run`: published
(exit 0) or refused (exit 1), with assertions of its own. What every case must also hold (no
traceback, one stderr line on failure, every file reconciles, nothing from outside the inbox is
read or archived, a refused run leaves the published year as it was) is checked by
tests/hostile/test_corpus.py.
"""

from __future__ import annotations

import math
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import mutate as m
from tests.hostile.mutate import LEDGER_CSV, REPORT_CSV
from tests.hostile.outcome import Outcome, warehouse_contains
from warehouse import inbox

PUBLISHED, REFUSED = "published", "refused"

REPORT_XLSX = "reports/DY01_县民政局_2021年进度月报.xlsx"
HONORS_XLSX = "reports/DY05_县妇联_荣誉.xlsx"
REPORT_XLS = "reports/DY04_团县委_2021年进度月报.xls"
PERCENT_CSV = "reports/DY11_县文广旅局_2021年进度月报.csv"  # UTF-8 with BOM; T025 is 进度
GB_REPORT_CSV = "reports/DY10_县教体局_2021年进度月报.csv"  # GB18030
SURVEY_CSV = "surveys/问卷星_满意度测评_按序号.csv"  # UTF-8 with BOM, answers by number
RULES = "plan/rules.toml"


@dataclass
class Space:
    """A case's copy of the published workspace and the command it will run."""

    root: Path
    inbox: Path  # the inbox root (<inbox>/2021/...); a case that moves it passes --inbox
    warehouse: Path  # the warehouse the run is told to use
    args: list[str] = field(default_factory=lambda: ["--quiet"])  # options of `assess run`
    during: Callable[[threading.Event], None] | None = None  # in a thread until the run ends

    @property
    def year(self) -> Path:
        return self.inbox / "2021"

    @property
    def outside(self) -> Path:
        """Files outside the inbox, each holding SENTINEL (tests/hostile/mutate.py)."""
        return self.root / "outside"

    def use_warehouse(self, path: Path) -> None:
        self.warehouse = path
        self.args += ["--warehouse", str(path)]


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Space], None]
    expect: str  # PUBLISHED or REFUSED
    check: Callable[[Outcome], None] | None = None
    whole_process: bool = False  # run as a real subprocess (what a process-wide change needs)


def listed(o: Outcome, file: str, status: str, reason: str) -> None:
    """The path is in audit.input_file, not read: no hash, no rows."""
    row = o.files()[file]
    assert (row["status"], row["reason"]) == (status, reason), row
    assert row["sha256"] is None and row["size_bytes"] is None and row["rows_read"] == 0


def rejected(o: Outcome, file: str, *words: str) -> None:
    """The file was read and rejected whole, with a reason that says why."""
    row = o.files()[file]
    assert row["status"] == "rejected" and row["sha256"], row
    assert all(w in row["reason"] for w in words), row["reason"]


def unchanged(o: Outcome) -> None:
    o.same_results_as_baseline()


def both(*checks: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
    def run(o: Outcome) -> None:
        for check in checks:
            check(o)

    return run


# ------------------------------------------------------------------------------ links


def link_to_passwd(s: Space) -> None:
    (s.year / "reports" / "zz_passwd.csv").symlink_to(s.outside / "passwd")


def reproduced_by_a_rerun(o: Outcome) -> None:
    """The auditors' rerun replays the files read; the paths listed but not read have no hash."""
    from tests.flows.conftest import assess

    done = assess(o.root, "rerun", "--year", "2021", "--quiet")
    assert done.returncode == 0 and "reproduced" in done.stdout, done.stdout + done.stderr


def link_to_ledger(s: Space) -> None:
    (s.year / "funding" / "台账_外部.csv").symlink_to(s.outside / "ledger.csv")


def check_ledger_link(o: Outcome) -> None:
    listed(o, "funding/台账_外部.csv", "rejected", inbox.LINK)
    assert o.query("SELECT count(*) FROM core.ledger_entries WHERE voucher_no = '记-03-7001'") == [
        (0,)
    ]
    unchanged(o)


def linked_folder(s: Space) -> None:
    (s.year / "reports" / "更多月报").symlink_to(s.outside / "reports", target_is_directory=True)


def funding_folder_is_a_link(s: Space) -> None:
    m.replace_with_link(s.year / "funding", s.outside / "funding")


def check_funding_link(o: Outcome) -> None:
    listed(o, "funding", "rejected", inbox.LINK)
    assert o.query("SELECT count(*) FROM core.ledger_entries") == [(0,)]
    assert not [f for f in o.files() if f.startswith("funding/")]


def link_inside_the_inbox(s: Space) -> None:
    (s.year / "reports" / "DY01_链接.xlsx").symlink_to(s.year / REPORT_XLSX)


def rules_toml_is_a_link(s: Space) -> None:
    m.replace_with_link(s.year / RULES, s.outside / "rules.toml")


# ------------------------------------------------------------------------------ what is read


def subfolder_files(s: Space) -> None:
    old = s.year / "reports" / "旧版" / "六月"
    old.mkdir(parents=True)
    shutil.copy(s.year / REPORT_XLSX, old.parent / "DY01_旧版.xlsx")
    shutil.copy(s.year / REPORT_CSV, old / "DY03_六月.csv")
    m.append_lines(old / "DY03_六月.csv", "DY03,T009,2021年12月,,1,2022/1/4,旧版不应读取")
    (old / "外部.csv").symlink_to(s.outside / "passwd")


def check_subfolder(o: Outcome) -> None:
    listed(o, "reports/旧版/DY01_旧版.xlsx", "rejected", inbox.IN_SUBFOLDER)
    listed(o, "reports/旧版/六月/DY03_六月.csv", "rejected", inbox.IN_SUBFOLDER)
    listed(o, "reports/旧版/六月/外部.csv", "rejected", inbox.LINK)
    unchanged(o)


LOCK_FILES = (
    "reports/~$DY01_县民政局_2021年进度月报.xlsx",
    "reports/.~lock.DY05_县妇联_荣誉.xlsx#",
    "reports/.DS_Store",
    "funding/~$项目资金台账_下半部分.xlsx",
    "surveys/.问卷星_满意度测评_按序号.csv.swp",
)


def lock_files(s: Space) -> None:
    for name in LOCK_FILES:  # Excel's owner file: 165 bytes, the user name in UTF-16
        (s.year / name).write_bytes(b"\x0a" + "张三".encode("utf-16-le").ljust(164, b"\x20"))


def lock_files_shown(s: Space) -> None:
    lock_files(s)
    s.args.remove("--quiet")  # the file table is shown


def check_lock_files(o: Outcome) -> None:
    for name in LOCK_FILES:
        listed(o, name, "skipped", inbox.TEMPORARY)
    assert "跳过" in o.done.stdout  # the file table says so
    unchanged(o)


def pipe_in_reports(s: Space) -> None:
    m.fifo(s.year / "reports" / "管道.csv")  # opening it to read would wait for a writer


def name_not_utf8(s: Space) -> None:
    name = "DY03_县人社局_月报".encode("gb18030") + b".csv"
    target = bytes(s.year / "reports") + b"/" + name
    with open(target, "wb") as fh:
        fh.write((s.year / REPORT_CSV).read_bytes())


def check_name_not_utf8(o: Outcome) -> None:
    names = [f for f in o.files() if f.startswith("reports/DY03_\\x")]
    assert len(names) == 1
    listed(o, names[0], "rejected", inbox.BAD_NAME)
    unchanged(o)


# ------------------------------------------------------------------------------ rules.toml


def rules(old: str, new: str) -> Callable[[Space], None]:
    def change(s: Space) -> None:
        m.edit_text(s.year / RULES, lambda t: t.replace(old, new))

    return change


def rules_in(encoding: str) -> Callable[[Space], None]:
    return lambda s: m.reencode(s.year / RULES, encoding)


def refused_naming(*words: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert all(w in o.done.stderr for w in words), o.done.stderr

    return check


# ------------------------------------------------------------------------------ warehouse


def warehouse_is_text_file(s: Space) -> None:
    path = s.root / "notes.txt"
    path.write_text("这是一个文本文件，不是数据库。\n", encoding="utf-8")
    s.use_warehouse(path)


def check_text_file_untouched(o: Outcome) -> None:
    assert o.warehouse.read_text(encoding="utf-8") == "这是一个文本文件，不是数据库。\n"


def warehouse_is_folder(s: Space) -> None:
    path = s.root / "仓库"
    path.mkdir()
    (path / "说明.txt").write_text("folder", encoding="utf-8")
    s.use_warehouse(path)


def check_folder_untouched(o: Outcome) -> None:
    assert sorted(p.name for p in o.warehouse.iterdir()) == ["说明.txt"]


def warehouse_cannot_be_written(s: Space) -> None:
    s.use_warehouse(Path("/proc/assess-hostile/assess.duckdb"))  # not even root can write here


def warehouse_under_a_file(s: Space) -> None:
    (s.root / "a-file").write_text("x", encoding="utf-8")
    s.use_warehouse(s.root / "a-file" / "assess.duckdb")


# ------------------------------------------------------------------------------ runs


def second_run_as_of_july(s: Space) -> None:
    s.args += ["--as-of", "2021-07-20"]


def check_names_published_run(o: Outcome) -> None:
    (run_id,) = o.query("SELECT run_id FROM audit.publication WHERE year = 2021")[0]
    assert run_id in o.done.stderr and "2022-01-31" in o.done.stderr, o.done.stderr
    assert "--replace" in o.done.stderr


def second_run_with_replace(s: Space) -> None:
    s.args += ["--as-of", "2021-07-20", "--replace"]


def check_provisional(o: Outcome) -> None:
    assert o.query("SELECT DISTINCT is_final FROM mart.unit_score") == [(False,)]


def earlier_final_run(s: Space) -> None:
    s.args += ["--as-of", "2022-01-10"]


def missing_year(s: Space) -> None:
    s.args += ["--year", "2022"]  # the last of a repeated option counts


def missing_rules(s: Space) -> None:
    (s.year / RULES).unlink()


def missing_units(s: Space) -> None:
    (s.year / "plan" / "units.xlsx").unlink()


# ------------------------------------------------------------------------------ rows and cells


def stray_survey_cell(s: Space) -> None:
    path = s.year / SURVEY_CSV
    c01 = next(r for r in m.read_text(path)[0].splitlines()[1:] if ",C01," in r).split(",")
    c01[0], c01[5], c01[6] = "9001", "10.0.0.9(四川-遂宁)", "wx09001"
    c01[-3] = "还行"
    m.append_lines(path, ",".join(c01))


def check_stray_survey_cell(o: Outcome) -> None:
    rows = m.row_count(o.root / "inbox" / "2021" / SURVEY_CSV) + 1
    assert [q[0] for q in o.quarantine(SURVEY_CSV)] == [9, rows]
    o.same_results_as_baseline()


def duplicate_header(s: Space) -> None:
    def twice(text: str) -> str:
        lines = text.splitlines()
        lines[0] += ",完成进度"
        lines[1:] = [row + ",50%" for row in lines[1:]]
        return "\r\n".join(lines) + "\r\n"

    m.edit_text(s.year / PERCENT_CSV, twice)


def submitted_before_month(s: Space) -> None:
    m.append_lines(s.year / REPORT_CSV, "DY03,T009,2021年12月,,30,2021/11/20,提前报送")


def check_submitted_before_month(o: Outcome) -> None:
    reasons = [q[3] for q in o.quarantine(REPORT_CSV)]
    assert any("报送日期早于报告月份" in r for r in reasons), reasons


def ledger_row(amount: str, voucher: str, kind: str = "支出", summary: str = "测试") -> str:
    return f"2021/6/30,{voucher},T002,民政局,{kind},{amount},{summary}"


def amounts(*values: str) -> Callable[[Space], None]:
    def change(s: Space) -> None:
        rows = [ledger_row(v, f"记-06-90{i:02d}") for i, v in enumerate(values)]
        m.append_lines(s.year / LEDGER_CSV, *rows)

    return change


def quarantined_amounts(count: int, reason: str | None) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        new = [q for q in o.quarantine(LEDGER_CSV) if q[0] > 56]
        assert len(new) == count, new
        assert reason is None or all(reason in q[3] for q in new), new
        o.same_results_as_baseline()

    return check


def phone_in_note(s: Space) -> None:
    path = s.year / REPORT_CSV
    m.set_line(path, 2, m.line(path, 2) + " 联系人张三 13912345678")


def check_phone_masked(o: Outcome) -> None:
    assert warehouse_contains(o.warehouse, "13912345678") == []
    notes = o.query("SELECT note FROM core.reports WHERE contains(note, '139****5678')")
    assert len(notes) == 1


def id_number_in_summary(s: Space) -> None:
    m.append_lines(
        s.year / LEDGER_CSV, ledger_row("100.00", "记-06-9101", summary="报销 510921199001011234")
    )


def check_id_masked(o: Outcome) -> None:
    assert warehouse_contains(o.warehouse, "510921199001011234") == []
    assert o.query("SELECT count(*) FROM core.ledger_entries WHERE contains(summary, '510****')")


def overspent(s: Space) -> None:
    m.append_lines(s.year / LEDGER_CSV, ledger_row("37200000.00", "记-06-9201"))  # 124x of T002


def check_overspent_red(o: Outcome) -> None:
    assert o.query("SELECT status FROM mart.funding_execution WHERE task_id = 'T002'") == [("red",)]


def formula_text(s: Space) -> None:
    path = s.year / REPORT_CSV
    notes = [
        '"=HYPERLINK(""http://example.invalid/x"",""点我"")"',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
    ]
    for number, note in zip((2, 3, 4), notes, strict=True):
        cells = m.line(path, number).split(",")
        m.set_line(path, number, ",".join([*cells[:6], note]))
    m.append_lines(path, "DY03,T009,2021年12月,,=1+1,2022/1/4,公式")


FORMULAS = ('=HYPERLINK("http://example.invalid/x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)")


def check_formula_text(o: Outcome) -> None:
    import openpyxl

    stored = {n for (n,) in o.query("SELECT note FROM core.reports WHERE unit_id = 'DY03'")}
    assert set(FORMULAS) <= stored
    book = openpyxl.load_workbook(o.root / "out" / "2021" / "单位反馈" / "DY03_县人社局.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


HUGE = ("1e400", "inf", "-inf", "NaN", "123456789012345678901234567890")


def huge_cells(s: Space) -> None:
    m.append_lines(
        s.year / PERCENT_CSV,
        *(f"DY11,T025,2021年{i + 7}月,{v},,2021/{i + 8}/2,巨大" for i, v in enumerate(HUGE)),
    )
    m.append_lines(s.year / REPORT_CSV, "DY03,T009,2021年12月,,1e400,2022/1/4,巨大")
    amounts(*HUGE)(s)


def check_huge_cells(o: Outcome) -> None:
    assert len([q for q in o.quarantine(PERCENT_CSV) if q[0] > 24]) == len(HUGE)
    assert len([q for q in o.quarantine(REPORT_CSV) if q[0] > 24]) == 1
    assert len([q for q in o.quarantine(LEDGER_CSV) if q[0] > 56]) == len(HUGE)
    for (score,) in o.query("SELECT score FROM mart.community_satisfaction"):
        assert math.isfinite(score)
    o.same_results_as_baseline()


def huge_survey_cells(s: Space) -> None:
    path = s.year / SURVEY_CSV
    c01 = next(r for r in m.read_text(path)[0].splitlines()[1:] if ",C01," in r).split(",")
    rows = []
    for i, value in enumerate(HUGE):
        row = list(c01)
        row[0], row[2], row[5], row[-1] = str(9100 + i), value, f"10.0.1.{i}(四川)", value
        rows.append(",".join(row))
    m.append_lines(path, *rows)


def check_huge_survey_cells(o: Outcome) -> None:
    rows = {q[0] for q in o.quarantine(SURVEY_CSV)}  # a row may have several bad cells
    assert len(rows) == 1 + len(HUGE), rows
    o.same_results_as_baseline()


# ------------------------------------------------------------------------------ whole files


def reencode(file: str, encoding: str) -> Callable[[Space], None]:
    return lambda s: m.reencode(s.year / file, encoding)


def utf16_report(s: Space) -> None:
    path = s.year / PERCENT_CSV
    path.write_bytes(m.read_text(path)[0].encode("utf-16"))  # with its BOM, as Excel writes


def garbage_csv(s: Space) -> None:
    (s.year / "reports" / "乱码.csv").write_bytes(bytes(range(256)) * 8)


def html_as_xls(s: Space) -> None:
    (s.year / "reports" / "DY20_网页导出.xls").write_text(
        "<html><body><table><tr><td>单位编码</td></tr></table></body></html>", encoding="utf-8"
    )


def ledger_in_reports(s: Space) -> None:
    shutil.copy(s.year / LEDGER_CSV, s.year / "reports" / "放错文件夹的台账.csv")


def empty_files(s: Space) -> None:
    (s.year / "reports" / "空白.csv").write_bytes(b"")
    (s.year / "funding" / "空白.xlsx").write_bytes(b"")


def check_empty_files(o: Outcome) -> None:
    rejected(o, "reports/空白.csv", "为空")
    rejected(o, "funding/空白.xlsx", "为空")
    unchanged(o)


def very_long_note(s: Space) -> None:
    path = s.year / REPORT_CSV
    m.set_line(path, 2, m.line(path, 2) + "很长" * 50_000)


def odd_names(s: Space) -> None:
    reports = s.year / "reports"
    moves = {
        "DY03_县人社局_2021年进度月报.csv": "DY03 县人社局 2021年 进度月报 .csv",
        "DY06_县财政局_2021年进度月报.csv": "DY06_县财政局_✅📊_2021年进度月报.csv",
        "DY07_县委政法委_2021年进度月报.csv": "DY07_" + "县委政法委" * 15 + ".csv",
        "DY10_县教体局_2021年进度月报.csv": "DY10_县教体局\n2021年进度月报.csv",
        "DY11_县文广旅局_2021年进度月报.csv": "DY11'; DROP TABLE core.reports; --.csv",
    }
    for old, new in moves.items():
        (reports / old).rename(reports / new)


def odd_inbox_path(s: Space) -> None:
    moved = s.root / "收件 箱 (2021 年)" / "inbox"
    moved.parent.mkdir()
    s.inbox.rename(moved)
    s.inbox = moved
    s.args += ["--inbox", str(moved)]


def growing_file(s: Space) -> None:
    s.during = m.keep_appending(s.year / REPORT_CSV)


def listed_as(file: str, status: str, reason: str) -> Callable[[Outcome], None]:
    return lambda o: listed(o, file, status, reason)


def rejected_as(file: str, *words: str) -> Callable[[Outcome], None]:
    return lambda o: rejected(o, file, *words)


CASES: tuple[Case, ...] = (
    # links to files and folders outside the inbox
    Case(
        "link_to_passwd_in_reports",
        link_to_passwd,
        PUBLISHED,
        both(
            listed_as("reports/zz_passwd.csv", "rejected", inbox.LINK),
            unchanged,
            reproduced_by_a_rerun,
        ),
        whole_process=True,
    ),
    Case("link_to_outside_ledger_in_funding", link_to_ledger, PUBLISHED, check_ledger_link),
    Case(
        "linked_folder_in_reports",
        linked_folder,
        PUBLISHED,
        both(listed_as("reports/更多月报", "rejected", inbox.LINK), unchanged),
    ),
    Case("funding_folder_is_a_link", funding_folder_is_a_link, PUBLISHED, check_funding_link),
    Case(
        "link_to_a_file_inside_the_inbox",
        link_inside_the_inbox,
        PUBLISHED,
        both(listed_as("reports/DY01_链接.xlsx", "rejected", inbox.LINK), unchanged),
    ),
    Case(
        "rules_toml_is_a_link",
        rules_toml_is_a_link,
        REFUSED,
        refused_naming("rules.toml"),
    ),
    # what is read
    Case("files_in_subfolders", subfolder_files, PUBLISHED, check_subfolder),
    Case("lock_and_temporary_files", lock_files_shown, PUBLISHED, check_lock_files),
    Case(
        "pipe_in_reports",
        pipe_in_reports,
        PUBLISHED,
        both(listed_as("reports/管道.csv", "rejected", inbox.NOT_A_FILE), unchanged),
    ),
    Case("file_name_not_utf8", name_not_utf8, PUBLISHED, check_name_not_utf8),
    # rules.toml
    Case(
        "rules_work_nan",
        rules("work = 80", "work = nan"),
        REFUSED,
        refused_naming("work"),
    ),
    Case(
        "rules_work_inf",
        rules("work = 80", "work = inf"),
        REFUSED,
        refused_naming("work"),
    ),
    Case(
        "rules_work_huge",
        rules("work = 80", "work = 10000000"),
        REFUSED,
        refused_naming("work"),
    ),
    Case("rules_toml_gb18030", rules_in("gb18030"), PUBLISHED, unchanged),
    Case("rules_toml_utf8_bom", rules_in("utf-8-sig"), PUBLISHED, unchanged),
    Case("rules_toml_utf16", rules_in("utf-16"), REFUSED, refused_naming("rules.toml")),
    Case("rules_toml_missing", missing_rules, REFUSED, refused_naming("rules.toml")),
    # the warehouse path
    Case(
        "warehouse_is_a_text_file",
        warehouse_is_text_file,
        REFUSED,
        check_text_file_untouched,
    ),
    Case(
        "warehouse_is_a_folder",
        warehouse_is_folder,
        REFUSED,
        check_folder_untouched,
    ),
    Case("warehouse_cannot_be_written", warehouse_cannot_be_written, REFUSED, None, True),
    Case("warehouse_under_a_file", warehouse_under_a_file, REFUSED, None),
    # runs that would say less than the published one
    Case(
        "second_run_as_of_july_after_final",
        second_run_as_of_july,
        REFUSED,
        check_names_published_run,
    ),
    Case(
        "second_run_with_replace",
        second_run_with_replace,
        PUBLISHED,
        check_provisional,
    ),
    Case(
        "earlier_as_of_after_final",
        earlier_final_run,
        REFUSED,
        refused_naming("--replace"),
    ),
    Case("missing_year_folder", missing_year, REFUSED, refused_naming("2022")),
    Case("missing_units_file", missing_units, REFUSED, refused_naming("units")),
    # rows and cells
    Case(
        "stray_cell_in_by_number_survey",
        stray_survey_cell,
        PUBLISHED,
        check_stray_survey_cell,
    ),
    Case(
        "header_names_progress_twice",
        duplicate_header,
        PUBLISHED,
        rejected_as(PERCENT_CSV, "列名重复：完成进度"),
    ),
    Case(
        "submitted_before_report_month",
        submitted_before_month,
        PUBLISHED,
        check_submitted_before_month,
    ),
    Case(
        "amount_with_three_decimals",
        amounts("1234.567"),
        PUBLISHED,
        quarantined_amounts(1, "金额最多两位小数"),
    ),
    Case(
        "amount_0_001",
        amounts("0.001"),
        PUBLISHED,
        quarantined_amounts(1, "金额最多两位小数"),
    ),
    Case("phone_number_in_report_note", phone_in_note, PUBLISHED, check_phone_masked),
    Case("id_number_in_ledger_summary", id_number_in_summary, PUBLISHED, check_id_masked),
    Case("task_spending_far_over_allocation", overspent, PUBLISHED, check_overspent_red),
    Case("formula_text_stays_text", formula_text, PUBLISHED, check_formula_text),
    Case("huge_and_non_finite_cells", huge_cells, PUBLISHED, check_huge_cells),
    Case(
        "huge_and_non_finite_survey_cells",
        huge_survey_cells,
        PUBLISHED,
        check_huge_survey_cells,
    ),
    Case("very_long_note", very_long_note, PUBLISHED),
    # whole files
    Case("report_csv_gb18030", reencode(REPORT_CSV, "gb18030"), PUBLISHED, unchanged),
    Case("report_csv_utf8_without_bom", reencode(REPORT_CSV, "utf-8"), PUBLISHED, unchanged),
    Case("report_csv_utf8_bom", reencode(GB_REPORT_CSV, "utf-8-sig"), PUBLISHED, unchanged),
    Case("ledger_csv_utf8_bom", reencode(LEDGER_CSV, "utf-8-sig"), PUBLISHED, unchanged),
    Case("report_csv_utf16", utf16_report, PUBLISHED, rejected_as(PERCENT_CSV, "编码")),
    Case(
        "truncated_xlsx",
        lambda s: m.truncate(s.year / REPORT_XLSX),
        PUBLISHED,
        rejected_as(REPORT_XLSX, "无法读取"),
    ),
    Case(
        "truncated_xls",
        lambda s: m.truncate(s.year / REPORT_XLS),
        PUBLISHED,
        rejected_as(REPORT_XLS, "无法读取"),
    ),
    Case(
        "password_protected_xlsx",
        lambda s: m.encrypt_workbook(s.year / HONORS_XLSX),
        PUBLISHED,
        rejected_as(HONORS_XLSX, "加密"),
    ),
    Case(
        "compound_file_header_only",
        lambda s: m.cfb_header_only(s.year / HONORS_XLSX),
        PUBLISHED,
        rejected_as(HONORS_XLSX, "无法读取"),
    ),
    Case(
        "zip_without_workbook",
        lambda s: m.zip_without_workbook(s.year / HONORS_XLSX),
        PUBLISHED,
        rejected_as(HONORS_XLSX, "无法读取"),
    ),
    Case("empty_files", empty_files, PUBLISHED, check_empty_files),
    Case("binary_garbage_csv", garbage_csv, PUBLISHED, rejected_as("reports/乱码.csv")),
    Case(
        "html_saved_as_xls",
        html_as_xls,
        PUBLISHED,
        rejected_as("reports/DY20_网页导出.xls", "HTML"),
    ),
    Case(
        "ledger_in_the_reports_folder",
        ledger_in_reports,
        PUBLISHED,
        rejected_as("reports/放错文件夹的台账.csv"),
    ),
    # names, paths, timing
    Case("odd_file_names", odd_names, PUBLISHED, unchanged),
    Case("odd_inbox_path", odd_inbox_path, PUBLISHED, unchanged, True),
    Case("file_growing_while_read", growing_file, PUBLISHED, unchanged, True),
)
