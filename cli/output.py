"""What `assess` prints: progress and results on stdout, one line a record when not a terminal.

On a terminal the per-file reconciliation is a table and long stages show a bar; in a log file
(cron, CI, a pipe) every record is one tab-separated line and nothing is redrawn.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console

# soft_wrap: a long line stays one line (the terminal folds it, a log file keeps it whole)
console = Console(highlight=False, soft_wrap=True)
FILE_COLUMNS = {
    "file": "文件",
    "sheet": "工作表",
    "rows_read": "读取",
    "rows_loaded": "入库",
    "rows_duplicate": "重复",
    "rows_quarantined": "隔离",
}
BAR_MIN_FILES = 200  # fewer files than this (the demo has 32): stage lines only


def say(text: str) -> None:
    console.print(text, markup=False)


STATUS_LABELS = {"rejected": "拒收：", "skipped": "跳过："}  # a file read whole has no label


def _status(row: dict[str, Any]) -> str:
    label = STATUS_LABELS.get(row["status"])
    return label + (row["reason"] or "") if label else ""


def print_files(files: Any) -> None:
    """The per-file reconciliation (rows read = loaded + duplicates + quarantined)."""
    if files is None or files.height == 0 or not files["rows_read"].sum():
        return  # nothing was read: no table of zeros
    rows = list(files.iter_rows(named=True))
    if not console.is_terminal:
        print("\t".join([*FILE_COLUMNS.values(), "状态"]))
        for r in rows:
            print(
                "\t".join(
                    [*(str(r[k] if r[k] is not None else "") for k in FILE_COLUMNS), _status(r)]
                )
            )
        return
    from rich.table import Table

    table = Table(title="输入文件核对（读取 = 入库 + 重复 + 隔离）", title_justify="left")
    for key, name in FILE_COLUMNS.items():
        table.add_column(name, justify="right" if key.startswith("rows") else "left")
    table.add_column("状态")
    for r in rows:
        table.add_row(*(str(r[k] if r[k] is not None else "") for k in FILE_COLUMNS), _status(r))
    console.print(table)


class StageLines:
    """Stage messages (flows.progress sink): one line per stage with the seconds since launch.
    On a terminal, with many input files (M and L, not the demo): a bar of the files read,
    then a spinner with the elapsed time of each long stage; nothing is redrawn in a log."""

    def __init__(self, launched: float) -> None:
        self.launched = launched
        self.many = False
        self.live: Any = None
        self.task: Any = None

    def stage(self, label: str) -> None:
        self.close()
        say(f"… {label}（{time.monotonic() - self.launched:.1f} 秒）")
        if self.many:
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = (SpinnerColumn(), TextColumn("  {task.description}"), TimeElapsedColumn())
            self._start(label, None, *columns)

    def files(self, total: int) -> None:
        self.many = total >= BAR_MIN_FILES and console.is_terminal
        if self.many:
            from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn

            self.close()
            self._start(
                "读取文件", total, "  {task.description}", BarColumn(), MofNCompleteColumn()
            )
            self.live.columns = (*self.live.columns, TimeElapsedColumn())

    def _start(self, description: str, total: int | None, *columns: Any) -> None:
        from rich.progress import Progress

        self.live = Progress(*columns, console=console, transient=True)
        self.task = self.live.add_task(description, total=total)
        self.live.start()

    def file_read(self) -> None:
        if self.live is not None:
            self.live.advance(self.task)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
