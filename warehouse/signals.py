"""Ctrl-C (SIGINT) and SIGTERM held over the one step that must not be cut in two.

Renaming the new file over the published one and the caller noting "published" belong
together: an interrupt between them would make a run that did publish say it did not. Inside
`held()` such a signal is only noted; when the block ends it is delivered to whatever handler
was there before (raising KeyboardInterrupt, Prefect's TerminationSignal, or the default).
Signals are handled in the main thread only; elsewhere `held()` changes nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    before = {sig: signal.signal(sig, lambda signum, _: arrived.append(signum)) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        if arrived:
            _deliver(arrived[0], before[arrived[0]])


def _deliver(signum: int, handler: object) -> None:
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)
