"""看板.html, the published year as one self-contained page (docs/dashboard.md): page.py puts
it together, sections.py makes each section, values.py formats the numbers it shows."""

from office.dashboard.page import DASHBOARD_FILE, SECTIONS, render, write_dashboard

__all__ = ["DASHBOARD_FILE", "SECTIONS", "render", "write_dashboard"]
