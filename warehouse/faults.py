"""Named pause points (take_in, score, swap) for fault-injection tests: a run can be held at an exact place.

With ASSESS_PAUSE_AT=<name>, a run that gets there writes <name> into ASSESS_PAUSE_FILE and
waits until that file is deleted (the test then kills or interrupts it, or lets it go on); only
the first time, so that a failed run's recorder, which publishes through the same code, is
not held again. Without the
variable this does nothing. With ASSESS_FAIL_AT=<name>, a run that gets there raises
InjectedFault instead: an unexpected error, for tests of the failure path.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class InjectedFault(RuntimeError):
    pass


_paused: set[str] = set()  # the points this process has already been held at


def pause_point(name: str, timeout_seconds: float = 600) -> None:
    if os.environ.get("ASSESS_FAIL_AT") == name:
        raise InjectedFault(f"fault injected at {name} (ASSESS_FAIL_AT)")
    if os.environ.get("ASSESS_PAUSE_AT") != name or name in _paused:
        return
    _paused.add(name)
    marker = Path(os.environ["ASSESS_PAUSE_FILE"])
    marker.write_text(name, encoding="utf-8")
    deadline = time.monotonic() + timeout_seconds
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
