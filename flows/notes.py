"""The notes of a published run: what the office must know about the result besides its
numbers, one short Chinese line each, printed after the run's result line (cli/app.py) and
in the nightly's log (flows/serve.py). A note never fails the run: the result is published.

- a source folder (reports/, funding/, surveys/) that is missing or gave no row: without a
  line, a final run without surveys would publish satisfaction 0 for every unit and say nothing;
- reports of one task-month with the same 报送日期 and different numbers, where the later file
  in name order won (office/workbooks/findings.same_day_conflicts).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from schemas.sources import FOLDER_TEXT
from warehouse.inbox import NotRead, TakenIn


def missing_folders(year_dir: Path) -> set[str]:
    """The source folders not there at all (a link in a folder's place is there: it is listed
    as not read, and its note says so)."""
    return {f for f in FOLDER_TEXT if not os.path.lexists(year_dir / f)}


def source_notes(
    missing: set[str],
    files: Sequence[TakenIn],
    not_read: Sequence[NotRead],
    loaded_rows: dict[str, int],
) -> list[str]:
    """One line per source folder that gave the run no row: missing, in place of a folder
    something not read (a link), without a file to read, or with files none of whose rows was
    loaded (they are in the file table above the result line, with their reasons)."""
    notes = []
    for folder, what in FOLDER_TEXT.items():
        read = [f for f in files if f.folder == folder]
        itself = [n for n in not_read if n.file == folder]
        if folder in missing:
            why = "文件夹不存在"
        elif itself:
            why = f"未读取（{itself[0].reason}）"
        elif not read:
            why = "文件夹中没有可读取的文件"
        elif not loaded_rows.get(folder, 0):
            why = f"的 {len(read)} 个文件中没有可入库的行（原因见输入文件核对和 audit.quarantine）"
        else:
            continue
        notes.append(f"注意：本次没有{what}：{folder}/ {why}。")
    return notes


def tie_notes(conflicts: pl.DataFrame) -> list[str]:
    """One line for the reports of a task-month with the same 报送日期 and different numbers
    (office/workbooks/findings.same_day_conflicts): how many, the first of them, and where each unit
    is told."""
    if not conflicts.height:
        return []
    first = conflicts.row(0, named=True)
    more = f"等 {conflicts.height} 处" if conflicts.height > 1 else ""
    return [
        f"注意：同一任务月份同日报送了数值不同的报告，按文件名顺序采用后一个文件：任务"
        f"{first['task_id']} {first['month']}月 采用 {first['file']} 第{first['row_number']}行，"
        f"未采用 {first['other_file']} 第{first['other_row']}行{more}"
        "（见 单位反馈/ 中各单位的“同日报告”表）。"
    ]
