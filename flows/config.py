"""Where things are: command-line options, then environment, then assess.toml, then defaults.

Environment: ASSESS_INBOX, ASSESS_WAREHOUSE, ASSESS_ARCHIVE, ASSESS_OUT, ASSESS_CONFIG (path of the
config file, default ./assess.toml), ASSESS_LOCK_WAIT (seconds), ASSESS_NIGHTLY_CRON,
ASSESS_COUNTY (the county's name in the title of 看板.html, e.g. 大英县; default none).
The PII key is never read from a file: ASSESS_PII_KEY or the Prefect Secret block
`assess-pii-key`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

SECRET_BLOCK = "assess-pii-key"


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    archive: Path
    out: Path  # office files: out/<year>/考核结果.xlsx, 预警清单.xlsx, 单位反馈/
    lock_wait_seconds: float
    nightly_cron: str
    county: str = ""  # shown in the title of 看板.html


def _file_settings() -> dict:
    path = Path(os.environ.get("ASSESS_CONFIG", "assess.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh).get("assess", {})


def settings(inbox: Path | None = None, warehouse: Path | None = None) -> Settings:
    conf = _file_settings()

    def pick(given, env: str, key: str, default):
        return given if given is not None else os.environ.get(env) or conf.get(key) or default

    inbox = Path(pick(inbox, "ASSESS_INBOX", "inbox", "inbox"))
    warehouse = Path(pick(warehouse, "ASSESS_WAREHOUSE", "warehouse", "assess.duckdb"))
    archive = Path(pick(None, "ASSESS_ARCHIVE", "archive", warehouse.parent / "archive"))
    out = Path(pick(None, "ASSESS_OUT", "out", warehouse.parent / "out"))
    return Settings(
        inbox=inbox,
        warehouse=warehouse,
        archive=archive,
        out=out,
        lock_wait_seconds=float(pick(None, "ASSESS_LOCK_WAIT", "lock_wait_seconds", 600)),
        nightly_cron=str(pick(None, "ASSESS_NIGHTLY_CRON", "nightly_cron", "0 2 * * *")),
        county=str(pick(None, "ASSESS_COUNTY", "county", "")),
    )


def pii_key() -> bytes | None:
    """The HMAC key for survey IPs, or None when none is configured."""
    key = os.environ.get("ASSESS_PII_KEY")
    if key:
        return key.encode()
    try:
        from prefect.blocks.system import Secret

        return Secret.load(SECRET_BLOCK, _sync=True).get().encode()
    except Exception:  # no such block, or no Prefect API reachable: treated as "not configured"
        return None
