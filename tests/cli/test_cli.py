"""The command line as people meet it: Chinese help with exit codes, one-line usage errors,
one line per record in a log, and the README's queries through `assess sql`."""

from __future__ import annotations

import io
import re

import pytest

from cli import analyst
from tests.flows.conftest import AS_OF, ROOT, assess, assess_here, copy_published

SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)


def readme_queries() -> list[str]:
    blocks = SQL_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README has no sql block"
    return [s.query for block in blocks for s in analyst.duckdb.extract_statements(block)]


def test_help_is_chinese_and_lists_exit_codes(workspace):
    done = assess(workspace, "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())  # rich folds long lines at 80 columns in a pipe
    assert "退出状态：0 已发布" in text and "2 命令行用法错误" in text
    for english in ("Options", "Commands", "Usage", "Show this message", "<bool>"):
        assert english not in text
    run_help = assess(workspace, "run", "--help").stdout
    assert "<" not in run_help.replace("<年度>", "") and "[必填]" in run_help


def test_wrong_usage_is_one_line_and_exit_2(workspace):
    done = assess(workspace, "run", "--yeer", "2021")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(
        "assess: 用法错误：没有选项 --yeer"
    )


def test_version_and_help_never_cut_at_80_columns(workspace):
    # in this process (the help's width is COLUMNS', as in a subprocess): the whole `assess`
    # process's help is test_help_is_chinese_and_lists_exit_codes'
    done = assess_here(workspace, "--version")
    assert done.returncode == 0 and re.fullmatch(r"assess \d+\.\d+\.\d+\S*\n", done.stdout)
    for command in ([], ["run"], ["rerun"], ["serve"], ["sql"], ["templates"], ["server"]):
        shown = assess_here(workspace, *command, "--help", COLUMNS="80")
        assert shown.returncode == 0
        assert "…" not in shown.stdout, (command, shown.stdout)
    sql_help = " ".join(assess_here(workspace, "sql", "--help", COLUMNS="80").stdout.split())
    assert ".tables" in sql_help and "exit" in sql_help


def test_out_of_range_values_are_told_in_chinese(workspace):
    done = assess_here(workspace, "templates", "--year", "2021", "--month", "13")
    assert done.returncode == 2
    assert done.stderr.startswith("assess: 用法错误：选项 --month 的值无效：应不大于 12")
    assert "Input should" not in done.stderr


def test_sql_knows_tables_help_and_quit_and_a_piped_script_prints_before_quit(demo_warehouse):
    con = analyst.duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        out = io.StringIO()
        analyst.script(
            con, "SELECT count(*) AS n FROM mart.unit_score;\n.tables\nhelp\n.quit\nSELECT 2;", out
        )
        lines = out.getvalue().splitlines()
        assert lines[:2] == ["n", "20"]
        assert any(line.startswith("mart.warning_list\t预警清单") for line in lines)
        assert any(line.startswith(".quit、exit、quit") for line in lines)
        assert "2" not in lines  # nothing after .quit runs
        for word in ("exit", "quit"):
            after = io.StringIO()
            analyst.script(con, f"SELECT 1 AS one;\n{word}\nSELECT 3;", after)
            assert after.getvalue().splitlines() == ["one", "1"]
    finally:
        con.close()


@pytest.fixture
def demo_warehouse(published_demo, workspace):
    copy_published(published_demo, workspace)
    return workspace / "assess.duckdb"


def test_every_readme_query_runs_as_printed(demo_warehouse):
    queries = readme_queries()
    assert len(queries) >= 7
    for query in queries:
        out = io.StringIO()
        con = analyst.connect(demo_warehouse)
        try:
            analyst.show(con, query, out)
        finally:
            con.close()
        header, *rows = out.getvalue().splitlines()
        assert rows, f"no rows: {query}"
        if query.lstrip().startswith("PIVOT"):  # months in calendar order
            assert header.split("\t") == ["task_id", *map(str, range(1, 13))]


def test_sql_command_is_read_only_and_prints_a_line_per_row(demo_warehouse, workspace):
    done = assess_here(workspace, "sql", "SELECT unit_id, rank FROM mart.unit_score ORDER BY rank")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "unit_id\trank" and len(lines) == 21
    refused = assess_here(workspace, "sql", "DELETE FROM mart.unit_score")
    assert refused.returncode == 1 and refused.stderr.startswith("assess: SQL 错误：")
    assert refused.stderr.count("\n") == 1


def test_run_in_a_log_prints_one_line_per_record(workspace):
    done = assess(workspace, "run", "--year", "2021", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("assess run：评估 2021 年")
    header = lines.index("文件\t工作表\t读取\t入库\t重复\t隔离\t状态")
    files = lines[header + 1 : -1]
    assert len(files) >= 30 and all(line.count("\t") == 6 for line in files)
    assert len({line.split("\t")[0] + line.split("\t")[1] for line in files}) == len(files)
    assert lines[-1].startswith("已发布 2021 年最终结果") and lines[-1].endswith("。")
    # the result line: rejected files apart from quarantined rows, and where to read it all
    quarantined = sum(int(line.split("\t")[5] or 0) for line in files)
    assert f"拒收文件 0 个、隔离 {quarantined} 行" in lines[-1] and "优秀 4 个" in lines[-1]
    assert re.search(
        r"看板 \S*out/2021/看板\.html，单位反馈 \S*out/2021/单位反馈（\d+ 份）", lines[-1]
    )
    assert any(line.startswith("… 发布到数据仓库") for line in lines)


def test_failed_run_prints_no_table_of_zeros(workspace):
    (workspace / "inbox" / "2021" / "plan" / "rules.toml").write_text("[bonus]\ncapp = 1\n")
    done = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF)
    assert done.returncode == 1
    assert "文件\t工作表" not in done.stdout
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("assess: 2021 年未发布：")


def test_a_command_at_the_keyboard_sends_no_flow_heartbeats(monkeypatch):
    """Nothing watches a foreground run's heartbeats, and Prefect waits out the heartbeat
    thread's one-second sleep at the flow's end: switched off for the command, and only there."""
    from prefect.settings import get_current_settings

    from cli.app import _prepared

    # A configured API: the command neither starts nor looks for a background server here.
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")

    before = get_current_settings().flows.heartbeat_frequency
    assert before is not None
    with _prepared(quiet=True):
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


@pytest.mark.parametrize("own_process", [False, True])
def test_start_up_objects_are_frozen_only_in_a_process_of_its_own(monkeypatch, own_process):
    """`assess` as its own process freezes what start-up made before the flow (the collector
    then skips it in every full collection and at exit); a call inside another process, as
    here, must not: garbage frozen in a long-lived process is never freed."""
    import gc

    import cli.app

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setattr(cli.app, "OWN_PROCESS", own_process)
    gc.unfreeze()
    try:
        with cli.app._prepared(quiet=True):
            frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert (frozen > 10_000) is own_process
