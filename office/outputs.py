"""The office outputs of a published year, declared once: office/files.py writes whatever
OUTPUTS holds into out/<year>/, in its order, from one PublishedYear (office/published.py).

Adding an output is one declaration below and a module of its own whose writer takes the
published year and the path to write (a file or a folder), e.g. for the appeals list:

    OfficeOutput("申诉清单", APPEALS_FILE, write_appeals, kept=True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from office.dashboard.page import DASHBOARD_FILE, write_page
from office.published import PublishedYear
from office.workbooks.appeals import APPEALS_FILE, write_appeals
from office.workbooks.fill_in import TEMPLATES_DIR, write_fill_in
from office.workbooks.findings import FINDINGS_DIR, write_findings
from office.workbooks.results import RESULTS_FILE, write_results
from office.workbooks.warning_list import WARNINGS_FILE, write_warnings

Writer = Callable[[PublishedYear, Path], object]


@dataclass(frozen=True)
class OfficeOutput:
    """One output of the published year in out/<year>/."""

    name: str  # what people call it
    path: str  # its file or folder in out/<year>/
    write: Writer  # writes it from the published year at the path given
    kept: bool = False  # also kept as its month's bulletin, in 历次通报/<MM>月/
    # Only for a year published in a warehouse: the page names the warehouse's run
    # (without one, e.g. tests and previews, it is not written).
    published_only: bool = False


OUTPUTS: tuple[OfficeOutput, ...] = (
    OfficeOutput("考核结果", RESULTS_FILE, write_results, kept=True),
    OfficeOutput("预警清单", WARNINGS_FILE, write_warnings, kept=True),
    OfficeOutput("单位反馈", FINDINGS_DIR, write_findings),
    OfficeOutput("填报模板", TEMPLATES_DIR, write_fill_in),
    OfficeOutput("看板", DASHBOARD_FILE, write_page, kept=True, published_only=True),
    OfficeOutput("申诉清单", APPEALS_FILE, write_appeals),
)
