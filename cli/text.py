"""Typer's own words on the `assess` command line, in Chinese (help panels, usage, errors).

Command and option names stay as they are; a wrong command line prints one line on stderr,
`assess: 用法错误：…`, and exits 2 (docs/operations.md lists the exit codes).
"""

from __future__ import annotations

import re
import sys

import typer
from typer import rich_utils
from typer._click import core as click_core
from typer._click import formatting

HELP_TEXT = "显示本帮助并退出。"
EXIT_CODES = (
    "退出状态：0 已发布（run）/ 已复现（rerun）；1 未发布、未复现或无法复算；2 命令行用法错误。"
)

# Typer's error messages (English f-strings) → Chinese, applied in turn.
ERRORS = [
    (r"Missing option '([^']+)'\.?", r"缺少选项 \1"),
    (r"No such option: (\S+) \(Possible options: (.*)\)", r"没有选项 \1（可用：\2）"),
    (r"No such option: (\S+?)\.?$", r"没有选项 \1"),
    (r"No such command '([^']+)'\.?", r"没有命令 \1"),
    (r"Missing command\.?", "缺少命令"),
    (r"Missing argument '([^']+)'\.?", r"缺少参数 \1"),
    (r"Option '([^']+)' requires an argument\.?", r"选项 \1 需要一个值"),
    (r"Invalid value for '([^']+)': (.*)", r"选项 \1 的值无效：\2"),
    (r"^Invalid value: ", "值无效："),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid (\w+).*", r"应为 \1"),
    (r"Input should be less than or equal to (\S+?)\.?$", r"应不大于 \1"),
    (r"Input should be greater than or equal to (\S+?)\.?$", r"应不小于 \1"),
    (r"Input should be less than (\S+?)\.?$", r"应小于 \1"),
    (r"Input should be greater than (\S+?)\.?$", r"应大于 \1"),
    (r"Input should be .*", "不是允许的值"),  # pydantic's other words: never shown in English
    (r"(-?\d+) is not in the range (\S+)\.?", r"\1 不在范围 \2 内"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"Value '([^']*)' is not a valid (\w+)\.?", r"“\1”不是有效的 \2"),
    (r"'([^']*)' is not a valid (\w+)\.?", r"“\1”不是有效的 \2"),
]


def translate(message: str) -> str:
    for pattern, replacement in ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


def _one_line_error(exc: typer._click.ClickException) -> None:
    ctx = getattr(exc, "ctx", None)
    where = f"（{ctx.command_path} --help 查看用法）" if ctx is not None else ""
    text = " ".join(translate(exc.format_message()).split())
    print(f"assess: 用法错误：{text}{where}", file=sys.stderr)


def _help_option(self: click_core.Command, ctx: click_core.Context):
    option = _original_help_option(self, ctx)
    if option is not None:
        option.help = HELP_TEXT
        option.metavar = ""  # no <bool>
    return option


_original_help_option = click_core.Command.get_help_option
_original_write_usage = formatting.HelpFormatter.write_usage


def _write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
    _original_write_usage(self, prog, args, "用法：" if prefix is None else prefix)


def apply() -> None:
    """Switch typer's help and error texts to Chinese (idempotent)."""
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已中止。"
    rich_utils.rich_format_error = _one_line_error
    click_core.Command.get_help_option = _help_option
    formatting.HelpFormatter.write_usage = _write_usage
