"""The `assess` command line: run, rerun, serve, server, sql, templates (README, docs/).

Heavy modules (polars, DuckDB, Prefect) are imported inside the commands, after the first line
is printed; the Prefect server a run needs is found or started first (cli/localserver.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cli import text as cli_text
from cli.output import StageLines, console, print_files, say

LAUNCHED = time.monotonic()
# Prefect's own per-task INFO lines would bury the summary; warnings and errors still show.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
cli_text.apply()
# True when `assess` is its own process (command(): the console script, python -m cli), not a
# call inside another one (the tests' in-process runner).
OWN_PROCESS = False

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="社区治理试点年度目标考核：读取收件箱、校验、计分并发布到 DuckDB。",
    epilog=cli_text.EXIT_CODES,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)
server_app = typer.Typer(
    no_args_is_help=True,
    help="本机后台 Prefect 服务（未设置 PREFECT_API_URL 时 assess 自动启动并复用）。",
    options_metavar="[选项]",
    subcommand_metavar="命令",
)
app.add_typer(server_app, name="server", short_help="本机后台 Prefect 服务：status、stop、start。")


def _version(shown: bool) -> None:
    if shown:
        from flows.runs import code_version

        say(f"assess {code_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="显示程序版本并退出。",
            callback=_version,
            is_eager=True,
            metavar="",
        ),
    ] = False,
) -> None:
    """社区治理试点年度目标考核：读取收件箱、校验、计分并发布到 DuckDB。"""


Year = Annotated[int, typer.Option("--year", help="考核年度，如 2021", metavar="年度")]
WarehouseOpt = Annotated[
    Path | None,
    typer.Option("--warehouse", help="DuckDB 文件，默认 ./assess.duckdb", metavar="文件"),
]
Quiet = Annotated[bool, typer.Option("--quiet", help="只输出结论", metavar="")]


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"不是 YYYY-MM-DD 格式的日期：{value}") from None


@contextmanager
def _prepared(quiet: bool) -> Iterator[None]:
    """Prefect server and stage lines before the flow: the server starts (first use) while the
    flow's modules load; every step says what it does, so the terminal is never silent long; the
    stage lines end when the block does.

    Inside, flows send no heartbeats: Prefect uses them to mark runs of a deployment that stopped
    reporting as crashed, which nothing needs of a run at the keyboard (it records its own end in
    audit.run), and at the flow's end it waits out the heartbeat thread's one-second sleep, half
    a second of every command on average. `assess serve` keeps Prefect's default."""
    from cli import localserver
    from flows import progress

    lines = StageLines(LAUNCHED)
    note = (lambda text: None) if quiet else say
    state = None
    if localserver.wanted():
        try:
            state, started = localserver.start()
        except (OSError, TimeoutError) as exc:  # filelock's Timeout is a TimeoutError
            fail(f"无法启动本机 Prefect 服务：{exc}")
        os.environ["PREFECT_API_URL"] = state.api_url
        if started:
            note(
                f"启动本机 Prefect 服务 {state.api_url}（仅首次，约 10–20 秒；assess server stop 可停止）"
            )
        else:
            note(f"Prefect 服务：{state.api_url}（本机后台服务）")
    elif os.environ.get("ASSESS_PREFECT_SERVER", "").lower() != "temporary":
        note(f"Prefect 服务：{localserver.configured_api_url()}")
    note("加载数据组件（polars、DuckDB、pandera）…")
    import duckdb  # noqa: F401
    import pandera.polars  # noqa: F401
    import polars  # noqa: F401

    note("加载 Prefect…")
    import prefect  # noqa: F401

    note("加载评估流程…")
    import flows.tasks  # noqa: F401  (the pipeline's modules)

    if state is not None:
        since = state.started_at
        try:
            localserver.wait_ready(
                state, lambda _: note(f"等待 Prefect 服务就绪…（已 {time.time() - since:.0f} 秒）")
            )
        except localserver.ServerNotStarted as exc:
            fail(str(exc))
    if not quiet:
        progress.enable(lines.stage, lines.files, lines.file_read)
    if OWN_PROCESS:
        # Start-up's ~155,000 objects (modules, classes, Prefect's settings) live until the
        # process ends; frozen, the collector no longer scans them in every full collection
        # (0.3-0.5 s of an M run) nor once more as the interpreter exits (0.6 s). Never inside
        # another process: garbage frozen there would not be freed while it lives.
        gc.freeze()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
    lines.close()  # once the flow has returned; a failure's one line follows the lines as they stood


@app.command(
    help="评估一个年度并发布结果。", short_help="评估一个年度并发布结果。", options_metavar="[选项]"
)
def run(
    year: Year,
    inbox: Annotated[
        Path | None,
        typer.Option("--inbox", help="收件箱根目录（含 <年度>/ 子目录）", metavar="目录"),
    ] = None,
    warehouse: WarehouseOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="评估基准日 YYYY-MM-DD，默认今天", metavar="日期"),
    ] = None,
    trigger: Annotated[
        str, typer.Option(help="触发方式：manual（手动）或 nightly（每晚）", metavar="方式")
    ] = "manual",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            # spaces: where rich may wrap CJK text in an 80-column help (never cut with …)
            help="允许替换已发布的结果，即使新结果信息更少 （临时结果，或基准日更早）；"
            " 已定稿的年度还须用 --document 给出复核决定文号",
            metavar="",
        ),
    ] = False,
    document: Annotated[
        str | None,
        typer.Option(
            "--document",
            help="改动定稿结果所依据的复核决定文号（与 --replace 一起）",
            metavar="文号",
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            # spaces: where rich may wrap CJK text in an 80-column help (never cut with …)
            help="每个文件都重新读取和解析， 不用上次运行保存的解析结果 （结果相同，只是更慢）",
            metavar="",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Assess a year and publish it (README, "Command line")."""
    as_of_date = _date(as_of)  # a wrong date is a usage error before any work
    if not quiet:
        say(f"assess run：评估 {year} 年{f'（基准日 {as_of}）' if as_of else ''}")
    with (
        _interrupts_end_in_one_line(),
        one_line_on_failure(year, warehouse, as_of_date, trigger) as run_id,
    ):
        _check_before_any_work(year, warehouse, as_of_date)
        with _prepared(quiet):
            from flows.assess_year import assess_year

            result = assess_year(
                year,
                str(inbox) if inbox else None,
                str(warehouse) if warehouse else None,
                as_of_date,
                trigger,
                replace,
                run_id,
                document=document,
                full=full,
            )
    if not quiet:
        print_files(result.files)
    if result.status == "unchanged":  # approved, and reproduced: nothing to do
        say(f"{result.message}（运行 {result.run_id}）。")
        return
    if not result.published:
        fail(f"{year} 年未发布：{result.message}")
    if result.warning:
        print(f"assess: {year} 年已发布，但未能生成办公文件：{result.warning}", file=sys.stderr)
    _published(result)


def _check_before_any_work(year: int, warehouse: Path | None, as_of: dt.date | None) -> None:
    """What the flow checks first (settings, the warehouse path and whether another program
    holds it, the as-of date), checked before the Prefect server: a refusal costs a second,
    not a server's start-up, and nothing is started for it."""
    from flows import config
    from flows.asof import check_as_of

    config.settings(warehouse=warehouse).warehouse.check_writable()
    today = dt.date.today()
    check_as_of(year, as_of or today, today)


def fail(line: str) -> NoReturn:
    """The one stderr line of a command that did not do its job, and exit status 1."""
    print(f"assess: {line}", file=sys.stderr)
    raise typer.Exit(1)


@contextmanager
def _interrupts_end_in_one_line() -> Iterator[None]:
    """Inside: Ctrl-C and SIGTERM raise KeyboardInterrupt, which the flow (or
    one_line_on_failure) turns into the run's one line; Prefect's own crash lines are silenced
    from then on. SIGTERM's default would end the process with no line and no record."""

    def interrupt(signum: int, frame: object) -> NoReturn:
        logging.disable(logging.CRITICAL)
        raise KeyboardInterrupt

    before = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        logging.disable(logging.NOTSET)


@contextmanager
def one_line_on_failure(
    year: int, warehouse: Path | None, as_of: dt.date | None = None, trigger: str = "manual"
) -> Iterator[str]:
    """Around a flow call: anything it raises (Prefect failing to start, an interrupt, a bug
    outside the flow's own handling) still ends in one line, a log file and a failed run row
    with the run's own as-of date."""
    from flows.runs import new_run_id

    run_id = new_run_id(year)
    try:
        yield run_id
    except typer.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        try:
            message = _outside_flow(exc, year, warehouse, run_id, as_of, trigger)
        except KeyboardInterrupt:  # a second Ctrl-C: the line, without its record
            message = INTERRUPTED
        fail(f"{year} 年未发布：{message}")


INTERRUPTED = "运行被中断，未发布，已发布的结果不变"  # flows.failures.INTERRUPTED, not imported


def _outside_flow(
    exc: BaseException,
    year: int,
    warehouse: Path | None,
    run_id: str,
    as_of: dt.date | None,
    trigger: str,
) -> str:
    from flows import config
    from flows.assess_year import RunResult, record_failure
    from flows.failures import interrupted, one_line

    try:
        place = config.settings(warehouse=warehouse).warehouse
    except config.SettingsError as broken:  # the settings themselves may be what failed
        place = broken.warehouse
    except Exception:  # noqa: BLE001
        place = None
    message = one_line(exc, place, run_id)
    if place is not None:
        result = RunResult(run_id, year, as_of or dt.date.today(), "failed", message)
        record_failure(place, result, trigger, {}, 0 if interrupted(exc) else 30)
    return message


def _where(path: Path) -> str:
    """A path as the user can type it: relative to the current folder when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def result_line(result) -> str:
    """The one line a published run ends with: what was published, what was not taken in
    (files rejected whole apart from rows quarantined) and where people read the result."""
    from office.dashboard import DASHBOARD_FILE
    from office.files import FINDINGS_DIR

    scores, files = result.marts["unit_score"], result.files
    loaded = files.filter(files["status"] == "loaded")
    rejected = int((files["status"] == "rejected").sum())
    quarantined = int(loaded["rows_quarantined"].fill_null(0).sum())
    red = int((result.marts["warning_list"]["status"] == "red").sum())
    grades = (
        f"优秀 {(scores['grade'] == '优秀').sum()} 个" if result.ctx.is_final else "等次年终评定"
    )
    taken = f"拒收文件 {rejected} 个、隔离 {quarantined} 行（见 audit.quarantine）"
    line = (
        f"已发布 {result.year} 年{result.ctx.kind_text}（运行 {result.run_id}，基准日 {result.as_of}）："
        f"{scores.height} 个单位，{grades}，当前红灯任务 {red} 项；{taken}"
    )
    if result.out_dir is not None:
        findings = result.out_dir / FINDINGS_DIR
        count = len(list(findings.glob("*.xlsx"))) if findings.is_dir() else 0
        line += (
            f"；看板 {_where(result.out_dir / DASHBOARD_FILE)}，"
            f"单位反馈 {_where(findings)}（{count} 份）"
        )
    return line + "。"


def _published(result) -> None:
    say(result_line(result))
    for note in result.notes:
        say(note)


@app.command(
    help="复算已发布的运行：用归档的输入和规则重算，逐行比对全部结果。",
    short_help="复算已发布的运行，逐行比对全部结果。",
)
def rerun(
    year: Year,
    run_id: Annotated[
        str | None,
        typer.Option("--run-id", help="要复算的运行，默认当前发布的运行", metavar="运行"),
    ] = None,
    warehouse: WarehouseOpt = None,
    current: Annotated[
        bool,
        typer.Option(
            "--current",
            # spaces: where rich may wrap CJK text in an 80-column help (never cut with …)
            help="按当前版本的评分口径复算， 列出与发布结果不同的每一行 及引起它的口径变更",
            metavar="",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Replay a published run from the archive and compare every mart row (docs/reliability.md)."""
    if not quiet:
        say(f"assess rerun：复算 {year} 年{f' 运行 {run_id}' if run_id else '当前发布的运行'}")
    with (
        _interrupts_end_in_one_line(),
        one_line_on_failure(year, warehouse) as rerun_id,
        _prepared(quiet),
    ):
        from flows.rerun import rerun_year

        result = rerun_year(
            year, run_id, str(warehouse) if warehouse else None, rerun_id, current=current
        )
    if result.error:
        fail(f"复算失败：{result.error}")
    if current:
        _say_current(result)
        return
    if result.reproduced:
        say(
            f"已复现（reproduced）：运行 {result.run_id} 的全部结果行已逐行复现"
            f"（复算 {result.rerun_id}）。"
        )
        return
    say(
        f"不一致（differs）：运行 {result.run_id} 复算有 {result.differences.height} 处差异，"
        f"已写入 audit.rerun_diff（rerun_id = {result.rerun_id}）："
    )
    console.print(result.differences.head(20))
    raise typer.Exit(1)


def _say_current(result) -> None:  # noqa: ANN001  (flows.rerun.RerunResult, imported lazily)
    """--current: what today's semantics change, each difference with its reason; exit 1 only
    when some difference has no semantic change to explain it."""
    if result.reproduced:
        say(f"按当前口径复算运行 {result.run_id}：结果不变（复算 {result.rerun_id}）。")
        return
    say(
        f"按当前口径复算运行 {result.run_id}：{result.differences.height} 处不同，"
        f"其中 {result.unexplained} 处无口径变更可解释；"
        f"已写入 audit.rerun_diff（rerun_id = {result.rerun_id}）。按原因："
    )
    import polars as pl

    reasons = (
        result.differences.group_by(
            pl.col("reason").fill_null("无口径变更可解释（输入或程序不同）")
        )
        .agg(pl.len().alias("n"), pl.col("table_name").unique().sort().str.join("、"))
        .sort("n", descending=True)
    )
    for reason, n, tables in reasons.iter_rows():
        say(f"  {n} 处  {reason}（{tables}）")
    if result.unexplained:
        raise typer.Exit(1)


@app.command(
    help="规则模拟：用草案规则对已发布运行的归档输入重新计分，列出各单位得分、排名、等次的变化"
    "及变化的得分明细（不改动已发布的结果；见 docs/simulate.md）。",
    short_help="规则模拟：草案规则下各单位得分、排名、等次的变化。",
)
def simulate(
    year: Year,
    rules: Annotated[
        Path, typer.Option("--rules", help="草案规则文件（rules.toml 的写法）", metavar="文件")
    ],
    run_id: Annotated[
        str | None,
        typer.Option("--run-id", help="基于哪次已发布运行，默认当前发布的运行", metavar="运行"),
    ] = None,
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="结果文件夹，默认 ./规则模拟/<年度>_<草案名>", metavar="文件夹"),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Score a published run's archived inputs under draft rules (never publishes)."""
    if not quiet:
        say(f"assess simulate：用草案 {rules} 模拟 {year} 年的结果")
    try:
        with _prepared(quiet):
            from flows.simulate import simulate_year

            result = simulate_year(
                year,
                str(rules),
                run_id,
                str(warehouse) if warehouse else None,
                str(out) if out else None,
            )
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001  (one line, nothing recorded)
        from flows.failures import one_line

        fail(f"规则模拟未完成：{one_line(exc, None, 'simulate')}")
    if result.error:
        fail(f"规则模拟未完成：{result.error}")
    say(f"规则模拟（草案 {rules.name}，基于运行 {result.run_id}）：{result.summary}")
    say(f"对比表与可打印页面：{result.out_dir}")


@app.command(
    help="定稿：记录该年度已发布的最终结果经批准（文号），此后改动定稿结果须有复核决定"
    "（见 docs/reliability.md）。",
    short_help="定稿：记录已发布的最终结果经批准（文号）。",
)
def approve(
    year: Year,
    document: Annotated[
        str,
        typer.Option(
            "--document", help="批准定稿的文件文号，如 大英目考〔2022〕3号", metavar="文号"
        ),
    ],
    warehouse: WarehouseOpt = None,
) -> None:
    """Record the approval of the year's published final result."""
    from flows.failures import one_line

    try:
        from flows.approve import approve_year

        say(approve_year(year, document, str(warehouse) if warehouse else None))
    except typer.Exit:
        raise
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001  (one line, never a traceback)
        fail(f"未定稿：{one_line(exc, warehouse, f'approve-{year}')}")


@app.command(
    help="在 Prefect 服务上运行每晚的部署 assess-nightly/nightly（见 docs/operations.md）。",
    short_help="运行每晚的部署 assess-nightly/nightly。",
)
def serve(
    cron: Annotated[
        str | None, typer.Option(help="cron 表达式，默认每晚 02:00", metavar="表达式")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="考核年度，默认当年", metavar="年度")
    ] = None,
) -> None:
    """Serve the nightly deployment (docs/operations.md)."""
    from flows.serve import serve_nightly

    serve_nightly(cron, year)


@server_app.command("status", help="显示本机后台 Prefect 服务的地址和进程；未运行时退出状态 1。")
def server_status() -> None:
    """Show the background Prefect server (docs/operations.md)."""
    from cli import localserver

    configured = localserver.configured_api_url()
    if configured:
        say(f"已设置 PREFECT_API_URL={configured}：assess 使用该服务，不启动本机后台服务。")
    state = localserver.read_state()
    if state is None or not localserver._ours(state.pid):
        say("本机后台 Prefect 服务未运行（下次 assess run 会自动启动）。")
        raise typer.Exit(1)
    up = "运行中" if localserver.healthy(state.api_url) else "启动中"
    hours = (time.time() - state.started_at) / 3600
    say(f"本机后台 Prefect 服务{up}：{state.api_url}（进程 {state.pid}，已运行 {hours:.1f} 小时）")
    say(f"数据与日志：{localserver.prefect_home()}")


@server_app.command("stop", help="停止本机后台 Prefect 服务（运行记录保留，下次使用时再启动）。")
def server_stop() -> None:
    """Stop the background Prefect server (docs/operations.md)."""
    from cli import localserver

    state = localserver.stop()
    say(
        "本机后台 Prefect 服务未运行。"
        if state is None
        else f"已停止本机后台 Prefect 服务（进程 {state.pid}）。"
    )


@server_app.command(
    "start", help="启动本机后台 Prefect 服务并等到它就绪（通常不必：assess run 会自动启动）。"
)
def server_start() -> None:
    """Start the background Prefect server and wait for it (docs/operations.md)."""
    from cli import localserver

    state, _ = localserver.start()
    localserver.wait_ready(state, lambda s: say(f"等待 Prefect 服务就绪…（{s:.0f} 秒）"))
    say(f"本机后台 Prefect 服务运行中：{state.api_url}")


@app.command(
    help="只读打开数据仓库执行 SQL：给出 QUERY 则执行后退出，否则进入交互式 SQL"
    "（.tables 列出表，help 查看说明，.quit 或 exit 退出）。",
    short_help="只读查询数据仓库（SQL）。",
)
def sql(
    query: Annotated[str | None, typer.Argument(help="要执行的 SQL", metavar="QUERY")] = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Query the warehouse read-only (README, "Querying the warehouse")."""
    from cli import analyst

    code = analyst.main(warehouse, query)
    if code:
        raise typer.Exit(code)


TEMPLATES_HELP = (
    "为每个责任单位生成进度月报填报模板（Excel），写入 <输出目录>/<年度>/填报模板/。"
    "数据取自数据仓库中该年度已发布的运行。"
)


@app.command(
    help=TEMPLATES_HELP, short_help="生成各单位下期进度月报填报模板。", options_metavar="[选项]"
)
def templates(
    year: Year,
    month: Annotated[
        int | None,
        typer.Option(
            "--month", min=1, max=12, help="报告月份 1-12，默认为下一期月报", metavar="月"
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="输出根目录（默认 ./out 或 ASSESS_OUT）", metavar="目录"),
    ] = None,
) -> None:
    """Write the fill-in templates of a published year (docs/templates.md)."""
    from cli.templates import TemplatesError, write_year_templates

    try:
        written = write_year_templates(year, month, warehouse, out)
    except TemplatesError as exc:
        fail(str(exc))
    say(
        f"已生成 {year} 年{written.month}月进度填报模板 {len(written.paths)} 份"
        f"（运行 {written.run_id}）：{written.folder}"
    )


PROVINCE_HELP = (
    "全省汇总：各县并行评估（本机线程或 Dask 集群），再把各县已发布的结果汇总到省级数据仓库"
    "（docs/province.md）。"
)


@app.command(help=PROVINCE_HELP, short_help="全省汇总各县结果。", options_metavar="[选项]")
def province(
    year: Year,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root", help="各县文件夹的上级目录（默认 ASSESS_PROVINCE_ROOT）", metavar="目录"
        ),
    ] = None,
    county: Annotated[
        list[str] | None,
        typer.Option(
            "--county",
            help="一个县及其目录，写成 县名=目录（可重复；默认 root 下所有含收件箱的文件夹）",
            metavar="县名=目录",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="基准日期 YYYY-MM-DD", metavar="日期")
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Dask 调度器地址（默认 ASSESS_DASK_ADDRESS）", metavar="地址"),
    ] = None,
    warehouse: Annotated[
        Path | None, typer.Option("--warehouse", help="省级数据仓库文件", metavar="文件")
    ] = None,
) -> None:
    """Every county's year, then one province file (docs/province.md)."""
    from flows.province import assess_province

    bad = [c for c in county or [] if "=" not in c]
    if bad:
        fail(f"--county 应写成 县名=目录：{bad[0]}")
    result = assess_province(
        year,
        counties=dict(c.split("=", 1) for c in county or []) or None,
        root=str(root) if root else None,
        as_of=_date(as_of),
        dask_address=dask,
        province_warehouse=str(warehouse) if warehouse else None,
    )
    for r in result.counties:  # tab-separated, for a script to read (rich would expand tabs)
        print(
            f"{r.county}\t{r.status}\t{r.run_id or ''}\t{r.seconds:.1f}s\t{r.worker}\t{r.message or ''}"
        )
    say(
        f"province {result.status}: {result.warehouse} "
        f"({result.rows.get('mart.unit_score', 0)} unit scores)"
    )
    if not result.published:
        raise typer.Exit(1)


def command() -> None:
    """`assess` as a process of its own: the console script and `python -m cli`."""
    global OWN_PROCESS
    OWN_PROCESS = True
    app()


if __name__ == "__main__":
    command()
