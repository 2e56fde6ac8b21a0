"""The command line as people meet it: Chinese help with exit codes, one-line usage errors,
one line per record in a log, and the README's queries through `assess sql`."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from flows import analyst
from flows.assess_year import assess_year
from tests.flows.conftest import AS_OF, ROOT, assess

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


@pytest.fixture
def demo_warehouse(prefect_server, workspace):
    result = assess_year(2021, as_of=dt.date.fromisoformat(AS_OF))
    assert result.published, result.message
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
    done = assess(workspace, "sql", "SELECT unit_id, rank FROM mart.unit_score ORDER BY rank")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "unit_id\trank" and len(lines) == 21
    refused = assess(workspace, "sql", "DELETE FROM mart.unit_score")
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
    assert any(line.startswith("… 发布到数据仓库") for line in lines)


def test_failed_run_prints_no_table_of_zeros(workspace):
    (workspace / "inbox" / "2021" / "plan" / "rules.toml").write_text("[bonus]\ncapp = 1\n")
    done = assess(workspace, "run", "--year", "2021", "--as-of", AS_OF)
    assert done.returncode == 1
    assert "文件\t工作表" not in done.stdout
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("assess: 2021 年未发布：")
