"""看板.html in a real headless browser (Debian's chromium): the demo year run once through the
`assess` command line, the page it leaves in out/2021/ loaded offline, read from the DOM,
photographed and printed to A4 (docs/dashboard.md)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from office.dashboard import DASHBOARD_FILE, SECTIONS, render
from office.published import read_published
from tests.flows.conftest import AS_OF, DEMO_INBOX, assess_here

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COUNTY = "大英县"
SCORE_COLUMNS = ("work", "satisfaction", "bonus", "penalty")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("pdftotext") is None,
    reason="chromium 或 pdftotext 未安装（apt-get install chromium fonts-noto-cjk poppler-utils；"
    ".ci/run 会自动安装）",
)


@pytest.fixture(scope="session")
def demo(tmp_path_factory, prefect_server) -> Path:
    """The demo year assessed once by the command line (final, as of AS_OF), in this process:
    the county is this file's own, so the session's published demo is not it."""
    workspace = tmp_path_factory.mktemp("dashboard")
    shutil.copytree(DEMO_INBOX, workspace / "inbox")
    done = assess_here(workspace, "run", "--year", "2021", "--as-of", AS_OF, ASSESS_COUNTY=COUNTY)
    assert done.returncode == 0, done.stderr
    return workspace


@pytest.fixture(scope="session")
def page_file(demo) -> Path:
    return demo / "out" / "2021" / DASHBOARD_FILE


@pytest.fixture(scope="session")
def unit_score(demo) -> dict[str, dict]:
    con = duckdb.connect(str(demo / "assess.duckdb"), read_only=True)
    try:
        rows = con.sql("SELECT * FROM mart.unit_score WHERE year = 2021").pl().to_dicts()
    finally:
        con.close()
    return {r["unit_id"]: r for r in rows}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if CHROMIUM is None:
        pytest.skip("chromium 未安装")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser, url: str, width: int = 1280, height: int = 900, mobile: bool = False):
    """A page at `url` with every console error and uncaught exception collected."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
    )
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append(f"dialog {d.message}"), d.dismiss()))
    page.goto(url)
    return page


@pytest.fixture(scope="module")
def desktop(browser, page_file):
    page = open_page(browser, page_file.as_uri())
    yield page
    page.context.close()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_run_writes_one_self_contained_page(page_file):
    html = page_file.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "<link", " src=", "@import", "url("):
        assert external not in html, external
    assert f"<title>{COUNTY}2021年度" in html
    assert page_file.stat().st_size < 400_000


def test_the_runs_page_is_the_warehouses(demo, page_file):
    """The run writes the page from the frames it has just published; read back from the
    warehouse (as assess approve does), they make the same page."""
    read_back = read_published(demo / "assess.duckdb", 2021, COUNTY)
    assert render(read_back) == page_file.read_text(encoding="utf-8")


@needs_chromium
def test_loads_offline_without_console_errors(desktop):
    assert desktop.title().startswith(f"{COUNTY}2021年度城乡社区治理试点目标考核通报")
    assert desktop.locator("section.part h2").all_inner_texts() == [name for _, name in SECTIONS]
    assert desktop.errors == []


def ranking_rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "table.ranking tbody tr",
        """rows => rows.map(r => Object.assign({unit_id: r.dataset.unit},
             Object.fromEntries([...r.querySelectorAll('td[data-col]')]
               .map(td => [td.dataset.col, td.textContent.trim()]))))""",
    )


@needs_chromium
def test_ranking_shows_unit_score_for_every_unit(desktop, unit_score):
    shown = ranking_rows(desktop)
    assert [int(r["rank"]) for r in shown] == list(range(1, len(unit_score) + 1))
    assert {r["unit_id"] for r in shown} == set(unit_score)
    for row in shown:
        mart = unit_score[row["unit_id"]]
        assert row["unit_name"] == mart["unit_name"]
        assert int(row["rank"]) == mart["rank"]
        assert Decimal(row["total"]) == mart["total"]
        for col in SCORE_COLUMNS:  # exact decimals in the mart: shown as they are
            assert Decimal(row[col]) == mart[col], (row["unit_id"], col)
        parts = [Decimal(row[col]) for col in SCORE_COLUMNS]
        assert parts[0] + parts[1] + parts[2] - parts[3] == Decimal(row["total"])  # they add up
        assert row["grade"] == mart["grade"]
        assert int(row["red_months"]) == mart["red_months"]
        assert int(row["yellow_months"]) == mart["yellow_months"]


@needs_chromium
def test_the_selector_shows_each_units_waterfall(desktop, unit_score, demo):
    con = duckdb.connect(str(demo / "assess.duckdb"), read_only=True)
    try:
        lines = dict(
            con.execute("SELECT unit_id, count(*) FROM mart.score_line_item GROUP BY 1").fetchall()
        )
    finally:
        con.close()
    first = min(unit_score.values(), key=lambda r: r["rank"])
    assert desktop.locator(".unit-wf:visible").get_attribute("data-unit") == first["unit_id"]
    for unit_id, mart in unit_score.items():
        desktop.select_option("#unit-pick", unit_id)
        shown = desktop.locator(".unit-wf:visible")
        assert shown.count() == 1
        assert shown.get_attribute("data-unit") == unit_id
        assert shown.locator('[data-col="total"]').inner_text() == f"总分 {mart['total']}"
        points = [Decimal(t) for t in shown.locator('td[data-col="points"]').all_inner_texts()]
        assert len(points) == lines.get(unit_id, 0)
        assert abs(sum(points) - mart["total"]) <= Decimal("0.005") * (len(points) + 1)
    assert desktop.errors == []


@needs_chromium
def test_a_units_name_in_the_ranking_opens_its_waterfall(desktop, unit_score):
    last = max(unit_score.values(), key=lambda r: r["rank"])
    desktop.locator(f'table.ranking tr[data-unit="{last["unit_id"]}"] a').click()
    # the page shows it on hashchange, which fires after the click returns
    desktop.wait_for_selector(f'.unit-wf[data-unit="{last["unit_id"]}"]', state="visible")
    shown = desktop.locator(".unit-wf:visible")
    assert shown.get_attribute("data-unit") == last["unit_id"]
    assert desktop.input_value("#unit-pick") == last["unit_id"]
    assert shown.is_visible() and desktop.errors == []


@needs_chromium
def test_without_scripts_every_units_waterfall_is_shown(browser, page_file, unit_score):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(page_file.as_uri())
    assert page.locator(".unit-wf:visible").count() == len(unit_score)
    assert not page.locator("#unit-pick").is_visible()
    context.close()


@needs_chromium
def test_screenshots_and_the_printed_bulletin(browser, page_file, unit_score, tmp_path):
    page = open_page(browser, page_file.as_uri())
    page.screenshot(path=tmp_path / "desktop.png", full_page=True)
    page.pdf(path=tmp_path / "通报.pdf", prefer_css_page_size=True, print_background=True)
    page.context.close()
    phone = open_page(browser, page_file.as_uri(), width=390, height=844, mobile=True)
    phone.screenshot(path=tmp_path / "phone.png")
    wide = phone.evaluate("document.documentElement.scrollWidth")
    phone.context.close()
    assert wide <= 390  # wide tables scroll inside their own box, the page does not
    assert (tmp_path / "desktop.png").stat().st_size > 10_000
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "通报.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "pts (A4)" in info
    text = pdf_text(tmp_path / "通报.pdf")
    for _, name in SECTIONS:
        assert name in text
    run_id = next(iter(unit_score.values()))["run_id"]
    assert AS_OF in text and run_id.split("-")[-1] in text
    assert f"{COUNTY}2021年度城乡社区治理试点目标考核通报" in text.replace(" ", "")
    for unit in unit_score.values():  # every unit's waterfall is printed by default
        assert f"第{unit['rank']}名" in text.replace(" ", "")
    pages = text.split("\f")[:-1]
    header = "2021年度评估至12月（最终结果，待定稿）基准日" + AS_OF
    assert all(header in page.replace(" ", "").replace("\u3000", "") for page in pages)
    # no page holds a lone row (e.g. the last unit's total): besides the running header and
    # footer and the colophon, every page has at least four lines
    colophon = ("数据来源", "audit.run")
    body = [
        [ln for ln in p.splitlines()[1:-1] if ln.strip() and not any(c in ln for c in colophon)]
        for p in pages
    ]
    assert all(len(lines) >= 4 for lines in body), [len(b) for b in body]
    assert run_id not in pages[0]  # the run id only in the colophon, on the last page


@needs_chromium
def test_printing_only_the_selected_unit(browser, page_file, unit_score, tmp_path):
    page = open_page(browser, page_file.as_uri())
    last = max(unit_score.values(), key=lambda r: r["rank"])
    page.select_option("#unit-pick", last["unit_id"])
    page.uncheck("#print-all")
    page.pdf(path=tmp_path / "one.pdf", prefer_css_page_size=True)
    page.context.close()
    text = pdf_text(tmp_path / "one.pdf").replace(" ", "")
    waterfall = text.split(SECTIONS[-1][1], 1)[1]
    assert f"第{last['rank']}名" in waterfall
    assert "第1名" not in waterfall


@needs_chromium
def test_names_are_shown_as_written_never_as_markup(browser, demo, tmp_path):
    hostile = '<img src=x onerror="alert(1)">&amp;</td><script>alert(2)</script>'
    data = read_published(demo / "assess.duckdb", 2021, county='"</style><b>')
    prefixed = pl.lit(hostile) + pl.col("unit_name")
    units = data.core["units"].with_columns(unit_name=prefixed)
    scores = data.marts["unit_score"].with_columns(unit_name=prefixed)
    data = replace(
        data, core={**data.core, "units": units}, marts={**data.marts, "unit_score": scores}
    )
    file = tmp_path / DASHBOARD_FILE
    file.write_text(render(data), encoding="utf-8")
    page = open_page(browser, file.as_uri())
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # the page's own
    first = page.locator("table.ranking tbody tr").first.locator('[data-col="unit_name"]')
    assert first.inner_text().startswith(hostile)
    assert page.title().startswith('"</style><b>2021')
    assert page.errors == []
    page.context.close()
