"""Every input source, declared once: its reader spec (schemas/fields.SourceSpec: sheet, headers,
fields), the inbox folder its files are in, its Chinese label and the core tables it fills.

The inbox reads exactly the folders named here (warehouse/inbox.py), the run loads every row
source with its loader (transforms/sources.py), audit rows and the office's labels name a source
as it is declared here. A new source is one declaration here plus its loader module.
"""

from __future__ import annotations

from schemas.appeals import APPEALS, DECISIONS
from schemas.fields import SourceSpec
from schemas.funding import LEDGER
from schemas.plan import PLAN_TABLES
from schemas.reports import HONORS, PROGRESS
from schemas.surveys import SURVEYS
from schemas.tables import CORE_TABLES

PLAN_FOLDER = "plan"  # the plan's tables and rules.toml: a run cannot start without them
# Sources of rows, in the order their counts and quarantines are listed.
ROW_SOURCES: tuple[SourceSpec, ...] = (PROGRESS, HONORS, LEDGER, SURVEYS, APPEALS, DECISIONS)
SOURCES: tuple[SourceSpec, ...] = (*PLAN_TABLES, *ROW_SOURCES)


def in_folder(folder: str) -> tuple[SourceSpec, ...]:
    return tuple(s for s in ROW_SOURCES if s.folder == folder)


# the inbox's folders, plan first
FOLDERS: tuple[str, ...] = tuple(dict.fromkeys([PLAN_FOLDER, *(s.folder for s in ROW_SOURCES)]))
# source (as audit rows name it) → its Chinese label
SOURCE_TEXT = {PLAN_FOLDER: "年度计划"} | {s.source: s.label for s in SOURCES}
# core table → its date column: what scoring knows at the as-of date (transforms/scoring/known.py)
KNOWN_AT = {
    t.name: s.known_at
    for s in ROW_SOURCES
    for t in CORE_TABLES
    if t.name in s.tables and s.known_at in {c.name for c in t.columns}
}
# a row folder → what it holds (its first source's label), as a run's notes name it when the
# folder gave no row (an optional folder is not worth a note)
FOLDER_TEXT = {f: in_folder(f)[0].label for f in FOLDERS[1:] if not in_folder(f)[0].optional}
