"""`assess sql`: the warehouse opened read-only with DuckDB's Python package, which is in the
lock, so it works right after `uv sync` (README, "Querying the warehouse").

A sandbox, not a door (docs/reliability.md, "What assess sql allows"): the session reads the
warehouse and nothing else. External access is off (no COPY TO, EXPORT DATABASE, read_csv or
read_text of a host file, glob, ATTACH, INSTALL or LOAD) and the configuration is locked before
the connection is handed over, so no statement of the analyst can switch that back on.

One QUERY (several statements allowed) runs and exits; without one, SQL comes from stdin
(a pipe or file), or from an interactive prompt: statements end with `;`; between statements
`.tables` lists the tables, `help` says this, `.quit`, `exit` or `quit` leaves (also in a
piped script, after printing what ran before it).
On a terminal results are tables; otherwise one tab-separated line per row.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import duckdb

from flows import config
from warehouse.lock import WarehouseInUse

PROMPT, MORE = "assess sql> ", "        ...> "
# The warehouse file is all a session may touch: no other file, no network, no extension.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
NOT_ALLOWED = (
    "不允许：assess sql 只能只读查询数据仓库本身，不能读写其他文件、连接其他数据库、"
    "安装或加载扩展，也不能更改设置"
)


def connect(warehouse: Path | None) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, in the sandbox; locked before anyone else gets the connection."""
    where = config.settings(warehouse=warehouse).warehouse
    if not where.exists():
        raise FileNotFoundError(
            f"数据仓库不存在：{where}（先运行 assess run，或用 --warehouse 指定）"
        )
    con = where.session(SANDBOX)  # WarehouseInUse names a program that has it open for writing
    con.execute("SET lock_configuration = true")
    return con


def refusal(exc: duckdb.Error) -> str:
    """The one Chinese line for a statement that failed: the sandbox's refusal, or the error."""
    first = " ".join(str(exc).split())
    locked = isinstance(exc, duckdb.InvalidInputException) and "locked" in first
    if isinstance(exc, duckdb.PermissionException) or locked:
        return f"{NOT_ALLOWED}（{first}）"
    return f"SQL 错误：{first}"


def show(con: duckdb.DuckDBPyConnection, text: str, out: TextIO) -> None:
    """Run every statement of `text`; print each result."""
    for statement in duckdb.extract_statements(text):
        rel = con.sql(statement.query)
        if rel is None:
            continue
        if out.isatty():
            rel.show(max_width=10_000, max_rows=10_000)
            continue
        print("\t".join(rel.columns), file=out)
        for row in rel.fetchall():
            print("\t".join("" if v is None else str(v) for v in row), file=out)


QUIT = {".quit", ".exit", r"\q", "exit", "quit", "exit;", "quit;"}
HELP = {"help", ".help", "help;", "?"}
HELP_TEXT = (
    "语句以 ; 结束，可跨多行。\n"
    ".tables          列出全部表及其说明\n"
    "help             显示本说明\n"
    ".quit、exit、quit 退出\n"
    "各表各列的含义见 docs/data-dictionary.md。"
)
TABLES = (
    'SELECT schema_name || \'.\' || table_name AS "表", comment AS "说明" FROM duckdb_tables() '
    "WHERE database_name = current_database() ORDER BY 1"
)


def command(con: duckdb.DuckDBPyConnection, line: str, out: TextIO) -> bool | None:
    """A line that is not SQL (at the start of a statement): .tables, help or a way to quit.
    Returns True to go on, False to quit, None when the line is SQL after all."""
    word = line.strip()
    if word in QUIT:
        return False
    if word in HELP:
        print(HELP_TEXT, file=out)
        return True
    if word.rstrip(";") == ".tables":
        show(con, TABLES, out)
        return True
    return None


def script(con: duckdb.DuckDBPyConnection, text: str, out: TextIO) -> None:
    """SQL from a pipe or a file, with the prompt's commands between statements: every
    statement before a `.quit` runs and prints its result."""
    buffer: list[str] = []
    for line in text.splitlines():
        if not buffer or not "".join(buffer).strip():
            went = command(con, line, out)
            if went is not None:
                buffer = []
                if not went:
                    return
                continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            show(con, "\n".join(buffer), out)
            buffer = []
    if "".join(buffer).strip():
        show(con, "\n".join(buffer), out)


def _prompted(con: duckdb.DuckDBPyConnection) -> None:
    print("只读打开数据仓库；语句以 ; 结束，.tables 列出表，help 查看说明，.quit 或 exit 退出。")
    buffer: list[str] = []
    while True:
        try:
            line = input(MORE if buffer else PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not buffer:
            went = command(con, line, sys.stdout)
            if went is False:
                return
            if went:
                continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            try:
                show(con, "\n".join(buffer), sys.stdout)
            except duckdb.Error as exc:
                print(refusal(exc))
            buffer = []


def main(warehouse: Path | None, query: str | None) -> int:
    """Exit status: 0 done, 1 no warehouse or an SQL error (one line on stderr)."""
    try:
        con = connect(warehouse)
    except (FileNotFoundError, WarehouseInUse, duckdb.Error) as exc:
        print(f"assess: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    try:
        if query is None and sys.stdin.isatty():
            _prompted(con)
            return 0
        script(con, query if query is not None else sys.stdin.read(), sys.stdout)
        return 0
    except duckdb.Error as exc:
        print(f"assess: {refusal(exc)}", file=sys.stderr)
        return 1
    finally:
        con.close()
