"""The `assess` command line (SPEC §9): run, rerun, serve."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

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


def _progress(quiet: bool) -> None:
    from flows import progress

    progress.enable(None if quiet else lambda label: err.print(f"[dim]… {label}[/dim]"))


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
    quiet: Annotated[bool, typer.Option("--quiet", help="只输出结论")] = False,
) -> None:
    """Assess a year and publish it."""
    _progress(quiet)
    from flows.assess_year import assess_year

    result = assess_year(
        year,
        str(inbox) if inbox else None,
        str(warehouse) if warehouse else None,
        _date(as_of),
        trigger,
    )
    if result.files is not None and result.files.height and not quiet:
        print_files(result.files)
    if not result.published:
        err.print(f"assess: {year} 年未发布：{result.message}")
        raise typer.Exit(1)
    scores = result.marts["unit_score"]
    quarantined = int(result.files["rows_quarantined"].sum())
    kind = "最终结果" if result.last_month == 12 else f"截至{result.last_month}月的临时结果"
    console.print(
        f"已发布 {year} 年{kind}（运行 {result.run_id}，基准日 {result.as_of}）："
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
    _progress(quiet)
    from flows.rerun import rerun_year

    result = rerun_year(year, run_id, str(warehouse) if warehouse else None)
    if result.error:
        err.print(f"assess: 复算失败：{result.error}")
        raise typer.Exit(2)
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


if __name__ == "__main__":
    app()
