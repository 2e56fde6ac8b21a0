"""How a run that does not publish ends: one line for the console, a log file for the rest.

Every exception reaches `one_line`. The expected ones (bad input, setup problems, refusals)
are the message a clerk acts on; any other error's traceback is written to
<run_id>.log in the warehouse's log folder (logs/ beside a warehouse file), and the line
names that file (docs/reliability.md).
"""

from __future__ import annotations

import errno

import duckdb
from prefect.exceptions import TerminationSignal

from flows.asof import AsOfRefused
from flows.config import SettingsError
from schemas.rules import RulesError
from schemas.semantics import UnknownSemantics
from transforms.pii import PiiKeyMissing
from transforms.plan import PlanError
from warehouse.archive import ArchiveMissing
from warehouse.inbox import InboxUnreadable, Unreadable
from warehouse.location import RunNotFound, Warehouse
from warehouse.lock import WarehouseBusy, WarehouseInUse
from warehouse.publish import PublicationCheckFailed
from warehouse.runlog import write_log
from warehouse.target import WarehouseUnusable


class InboxMissing(Exception):
    """The year's inbox folder does not exist."""


class SaysLess(Exception):
    """The run would replace a published result with one that says less (needs --replace)."""


class ApprovalRefused(Exception):
    """Sign-off refused the request: a run would change the approved result without a decision,
    or an approval was asked of a result that cannot be approved."""


class SimulationPlace(Exception):
    """A simulation was asked to write inside the published year's office folder."""


# Problems with the inputs, the setup or the request: their message is the whole story.
EXPECTED = (
    PlanError,
    RulesError,
    PiiKeyMissing,
    WarehouseBusy,
    WarehouseInUse,
    WarehouseUnusable,
    PublicationCheckFailed,
    InboxMissing,
    SaysLess,
    SimulationPlace,
    ApprovalRefused,
    AsOfRefused,
    SettingsError,
    RunNotFound,
    InboxUnreadable,
    Unreadable,
    UnknownSemantics,
    ArchiveMissing,
)


INTERRUPTED = "运行被中断，未发布，已发布的结果不变"


def interrupted(exc: BaseException) -> bool:
    """Ctrl-C or SIGTERM, however it surfaced: KeyboardInterrupt, Prefect's TerminationSignal
    (its SIGTERM handler while a flow runs), or DuckDB's InterruptException (mid-query)."""
    return isinstance(exc, (KeyboardInterrupt, TerminationSignal, duckdb.InterruptException))


def one_line(exc: BaseException, warehouse: Warehouse | None, run_id: str) -> str:
    """The console line for a run ended by `exc` (its traceback logged when unexpected)."""
    if isinstance(exc, EXPECTED):
        return " ".join(str(exc).split())
    if interrupted(exc):
        return INTERRUPTED
    log = write_log(warehouse.log_dir if warehouse is not None else None, run_id, exc)
    details = f"详情见 {log}" if log else "日志也无法写入"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"磁盘空间已满，无法写入 {exc.filename or ''}，已发布的结果不变；{details}"
    if isinstance(exc, OSError):
        what = f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}".replace("  ", " ")
        return f"{what}；{details}"
    return f"内部错误（{type(exc).__name__}），已发布的结果不变；{details}，请交给系统维护人员"
