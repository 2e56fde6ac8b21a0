"""Outputs for people (issue 5): Excel workbooks for the office and the units, and the data
dictionary. Each writer takes the frames of one year's published run; nothing here scores."""

from office.dictionary import data_dictionary
from office.findings import UNASSIGNED_FILE, write_unit_findings
from office.warnings_file import WARNINGS_FILE, write_warning_list
from office.workbook import RESULTS_FILE, write_results_workbook

__all__ = [
    "RESULTS_FILE", "UNASSIGNED_FILE", "WARNINGS_FILE", "data_dictionary",
    "write_results_workbook", "write_unit_findings", "write_warning_list",
]
