"""How a run that does not publish ends: one line for the console, a log file for the rest.

Every exception reaches `one_line`. The expected ones (bad input, setup problems, refusals)
are the message a clerk acts on; any other error's traceback is written to
logs/<run_id>.log beside the warehouse, and the line names that file (docs/reliability.md).
"""

from __future__ import annotations

from pathlib import Path

from flows.config import SettingsError
from schemas.rules import RulesError
from schemas.semantics import UnknownSemantics
from transforms.pii import PiiKeyMissing
from transforms.plan import PlanError
from warehouse.archive import ArchiveMissing
from warehouse.inbox import InboxUnreadable, Unreadable
from warehouse.lock import WarehouseBusy
from warehouse.publish import PublicationCheckFailed
from warehouse.read import RunNotFound
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
    WarehouseUnusable,
    PublicationCheckFailed,
    InboxMissing,
    SaysLess,
    SimulationPlace,
    ApprovalRefused,
    SettingsError,
    RunNotFound,
    InboxUnreadable,
    Unreadable,
    UnknownSemantics,
    ArchiveMissing,
)


def one_line(exc: BaseException, warehouse: Path | None, run_id: str) -> str:
    """The console line for a run ended by `exc` (its traceback logged when unexpected)."""
    if isinstance(exc, EXPECTED):
        return " ".join(str(exc).split())
    if isinstance(exc, KeyboardInterrupt):
        return "运行被中断，未发布，已发布的结果不变"
    log = write_log(warehouse, run_id, exc)
    if isinstance(exc, OSError):
        what = f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}".replace("  ", " ")
        return f"{what}；详情见 {log}"
    return f"内部错误（{type(exc).__name__}），已发布的结果不变；详情见 {log}，请交给系统维护人员"
