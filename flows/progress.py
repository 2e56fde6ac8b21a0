"""Stage messages and a count of files read, for the terminal. Silent unless the command line
switches them on (cli/output.py shows them)."""

from __future__ import annotations

from collections.abc import Callable

_sink: Callable[[str], None] | None = None
_files: Callable[[int], None] | None = None
_file_read: Callable[[], None] | None = None

STAGE_LABELS = {
    "take_in": "读取并归档输入文件",
    "plan": "校验年度计划",
    "sources": "校验月报、台账、问卷",
    "score": "计算状态与得分",
    "publish": "发布到数据仓库",
    "office": "生成考核结果、预警清单和单位反馈表",
    "compare": "与已发布结果逐行比对",
}


def enable(
    sink: Callable[[str], None] | None,
    files: Callable[[int], None] | None = None,
    file_read: Callable[[], None] | None = None,
) -> None:
    global _sink, _files, _file_read
    _sink, _files, _file_read = sink, files, file_read


def stage(name: str) -> None:
    if _sink is not None:
        _sink(STAGE_LABELS.get(name, name))


def files(total: int) -> None:
    """`total` input files are about to be read."""
    if _files is not None:
        _files(total)


def file_read() -> None:
    """One more input file read (called from reader threads)."""
    if _file_read is not None:
        _file_read()
