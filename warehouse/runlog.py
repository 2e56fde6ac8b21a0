"""The log file of a run that ended in an unexpected error: <run_id>.log in the warehouse's log
folder (logs/ beside a warehouse file, Warehouse.log_dir). The console gets one line naming
this file; the traceback goes here, never there."""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path


def write_log(log_dir: Path | None, run_id: str, exc: BaseException) -> Path | None:
    """Write the exception with its traceback; returns the file written. When the warehouse's
    log folder cannot be written either, the log goes to the system's temporary folder; when that
    fails too (a full disk), None: the run's one line must still be said."""
    text = "".join(traceback.format_exception(exc))
    places = [log_dir] if log_dir is not None else []
    places.append(Path(tempfile.gettempdir()) / "assess-logs")
    for folder in places:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{run_id}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None
