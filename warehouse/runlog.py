"""The log file of a run that ended in an unexpected error: logs/<run_id>.log beside the
warehouse. The console gets one line naming this file; the traceback goes here, never there."""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path

LOG_DIR = "logs"


def write_log(warehouse: Path | None, run_id: str, exc: BaseException) -> Path | None:
    """Write the exception with its traceback; returns the file written. When the warehouse's
    folder cannot be written either, the log goes to the system's temporary folder; when that
    fails too (a full disk), None: the run's one line must still be said."""
    text = "".join(traceback.format_exception(exc))
    places = [warehouse.parent / LOG_DIR] if warehouse is not None else []
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
