"""The `assess` command line: run, rerun, serve, templates (see README.md, docs/templates.md)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

# Prefect's own per-task INFO lines would bury the summary; warnings and errors still show.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="社区治理试点年度目标考核：读取收件箱、校验、计分并发布到 DuckDB。",
)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

Year = Annotated[int, typer.Option("--year", help="考核年度，如 2021")]
WarehouseOpt = Annotated[Path | None, typer.Option("--warehouse", help="DuckDB 文件")]


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"不是 YYYY-MM-DD 格式的日期：{value}") from None


def fail(message: str) -> NoReturn:
    """The one line on stderr of a command that did not do its job, and exit status 1."""
    err.print(f"assess: {message}", soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def one_line_on_failure(year: int, warehouse: Path | None) -> Iterator[str]:
    """Around a flow call: anything it raises (Prefect failing to start, an interrupt, a bug
    outside the flow's own handling) still ends in one line, a log file and a failed run row."""
    from flows.runs import new_run_id

    run_id = new_run_id(year)
    try:
        yield run_id
    except (Exception, KeyboardInterrupt) as exc:
        fail(f"{year} 年未发布：{_outside_flow(exc, year, warehouse, run_id)}")


def _outside_flow(exc: BaseException, year: int, warehouse: Path | None, run_id: str) -> str:
    from flows import config
    from flows.assess_year import RunResult, record_failure
    from flows.failures import one_line

    try:
        place = config.settings(warehouse=warehouse).warehouse
    except Exception:  # noqa: BLE001  (the settings themselves may be what failed)
        place = None
    message = one_line(exc, place, run_id)
    if place is not None:
        result = RunResult(run_id, year, dt.date.today(), "failed", message)
        record_failure(place, result, "manual", {})
    return message


def _progress(quiet: bool) -> None:
    from flows import progress

    progress.enable(None if quiet else lambda label: console.print(f"[dim]… {label}[/dim]"))


STATUS_LABELS = {"rejected": "拒收：", "skipped": "跳过："}


def print_files(files) -> None:
    table = Table(title="输入文件核对（读取 = 入库 + 重复 + 隔离）", title_justify="left")
    for name in ("文件", "工作表", "读取", "入库", "重复", "隔离", "状态"):
        table.add_column(name, justify="right" if name in "读取入库重复隔离" else "left")
    for r in files.iter_rows(named=True):
        status = STATUS_LABELS.get(r["status"], "") + (r["reason"] or "")
        table.add_row(
            r["file"],
            r["sheet"],
            *(
                str(r[k])
                for k in ("rows_read", "rows_loaded", "rows_duplicate", "rows_quarantined")
            ),
            status,
        )
    console.print(table)


@app.command()
def run(
    year: Year,
    inbox: Annotated[
        Path | None, typer.Option("--inbox", help="收件箱根目录（含 <年度>/ 子目录）")
    ] = None,
    warehouse: WarehouseOpt = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="评估基准日 YYYY-MM-DD，默认今天")
    ] = None,
    trigger: Annotated[str, typer.Option(help="manual 或 nightly")] = "manual",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="允许用信息更少的结果（临时结果或更早的基准日）替换已发布的结果"
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="只输出结论")] = False,
) -> None:
    """Assess a year and publish it."""
    day = _date(as_of)
    with one_line_on_failure(year, warehouse) as run_id:
        _progress(quiet)
        from flows.assess_year import assess_year

        result = assess_year(
            year,
            str(inbox) if inbox else None,
            str(warehouse) if warehouse else None,
            day,
            trigger,
            replace,
            run_id,
        )
    if result.files is not None and result.files.height and not quiet:
        print_files(result.files)
    if not result.published:
        fail(f"{year} 年未发布：{result.message}")
    if result.warning:
        err.print(f"assess: {year} 年已发布，但未能生成办公文件：{result.warning}", soft_wrap=True)
    scores = result.marts["unit_score"]
    quarantined = int(result.files["rows_quarantined"].sum())
    console.print(
        f"已发布 {year} 年{result.ctx.kind_text}（运行 {result.run_id}，基准日 {result.as_of}）："
        f"{scores.height} 个单位，优秀 {(scores['grade'] == '优秀').sum()} 个，"
        f"隔离 {quarantined} 行（见 audit.quarantine）。"
    )


@app.command()
def rerun(
    year: Year,
    run_id: Annotated[
        str | None, typer.Option("--run-id", help="要复算的运行，默认当前发布的运行")
    ] = None,
    warehouse: WarehouseOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet")] = False,
) -> None:
    """Replay a published run from the archive and compare every mart row."""
    with one_line_on_failure(year, warehouse) as rerun_id:
        _progress(quiet)
        from flows.rerun import rerun_year

        result = rerun_year(year, run_id, str(warehouse) if warehouse else None, rerun_id)
    if result.error:
        fail(f"复算失败：{result.error}")
    if result.reproduced:
        console.print(
            f"reproduced：运行 {result.run_id} 的全部结果行已逐行复现（复算 {result.rerun_id}）。"
        )
        return
    console.print(
        f"differs：运行 {result.run_id} 复算有 {result.differences.height} 处差异，"
        f"已写入 audit.rerun_diff（rerun_id = {result.rerun_id}）："
    )
    console.print(result.differences.head(20))
    raise typer.Exit(1)


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help="cron 表达式，默认每晚 02:00")] = None,
    year: Annotated[int | None, typer.Option("--year", help="考核年度，默认当年")] = None,
) -> None:
    """Serve the nightly deployment (needs a running Prefect server, see README)."""
    from flows.serve import serve_nightly

    serve_nightly(cron, year)


TEMPLATES_HELP = (
    "为每个责任单位生成进度月报填报模板（Excel），写入 <输出目录>/<年度>/填报模板/。"
    "数据取自数据仓库中该年度已发布的运行。"
)


@app.command(help=TEMPLATES_HELP)
def templates(
    year: Year,
    month: Annotated[
        int | None,
        typer.Option("--month", min=1, max=12, help="报告月份 1-12，默认为下一期月报"),
    ] = None,
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出根目录（默认 ./out 或 ASSESS_OUT）")
    ] = None,
) -> None:
    """Write the fill-in templates of a published year (docs/templates.md)."""
    from flows.templates import TemplatesError, write_year_templates

    try:
        written = write_year_templates(year, month, warehouse, out)
    except TemplatesError as exc:
        typer.echo(f"assess: {exc}", err=True)  # one line: no wrapping, no markup
        raise typer.Exit(1) from None
    console.print(
        f"已生成 {year} 年{written.month}月进度填报模板 {len(written.paths)} 份"
        f"（运行 {written.run_id}）：{written.folder}",
        soft_wrap=True,
        markup=False,
    )


if __name__ == "__main__":
    app()
