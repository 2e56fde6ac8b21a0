"""Named pause points for fault-injection tests: a run can be stopped at an exact place.

With ASSESS_PAUSE_AT=<name> the run writes <name> to ASSESS_PAUSE_FILE when it gets there
and sleeps, so a test can SIGKILL it at that point. Without the variable this does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = ("take_in", "score", "swap")


def pause_point(name: str) -> None:
    if os.environ.get("ASSESS_PAUSE_AT") != name:
        return
    Path(os.environ["ASSESS_PAUSE_FILE"]).write_text(name, encoding="utf-8")
    time.sleep(600)
