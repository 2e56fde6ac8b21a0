"""看板.html, the published year as one self-contained page (docs/dashboard.md): page.py puts
it together, sections.py makes what each section shows, templates/ holds the markup (Jinja2,
autoescaping on), values.py formats the numbers, assets/ the page's CSS and script."""

from office.dashboard.page import DASHBOARD_FILE, SECTIONS, render, write_dashboard

__all__ = ["DASHBOARD_FILE", "SECTIONS", "render", "write_dashboard"]
