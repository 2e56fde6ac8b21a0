"""看板.html as text, without a browser: numbers, escaping, the changes since the previous run,
every unit's waterfall, nothing loaded from elsewhere (the browser test: test_dashboard.py)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import polars as pl
import pytest

from office.dashboard import SECTIONS, render
from office.dashboard.values import css_string, num, pct
from office.published import PublishedYear, edition_of
from schemas.tables import WARNING_LIST
from tests.office.office_frames import (
    YEAR,
    communities,
    community_satisfaction,
    frame,
    funding_execution,
    score_line_item,
    task_month_status,
    tasks,
    unit_score,
    units,
)
from transforms.warning_list import corrections, rank_changes

RUN = {
    "run_id": "r1",
    "year": YEAR,
    "as_of": dt.date(2021, 4, 20),
    "last_month": 3,
    "is_final": False,
    "finished_at": dt.datetime(2021, 4, 21, 2, 5, tzinfo=dt.UTC),
}
WARNINGS = [  # task, unit, month, status, reason, previous, change
    ("T01", "U01", 3, "red", "missing", "yellow", "yellow_to_red"),
    ("T03", "U02", 3, "yellow", "behind", "green", "newly_yellow"),
    ("T02", "U01", 3, "green", "completed", "red", "recovered"),
]


def warning_list() -> pl.DataFrame:
    names = dict(zip(tasks()["task_id"], tasks()["task_name"], strict=True))
    keys = ("task_id", "unit_id", "month", "status", "reason", "previous_status", "change")
    rows = [
        {"year": YEAR, **dict(zip(keys, w, strict=True)), "run_id": "r1", "months_in_row": 2}
        | {"planned": 75.0, "progress": None if w[4] == "missing" else 50.0}
        for w in WARNINGS
    ]
    return frame(WARNING_LIST, [{**r, "task_name": names[r["task_id"]]} for r in rows])


def published(run: dict = RUN) -> PublishedYear:
    marts = {
        "unit_score": unit_score(),
        "score_line_item": score_line_item(),
        "task_month_status": task_month_status(),
        "funding_execution": funding_execution(),
        "community_satisfaction": community_satisfaction(),
        "warning_list": warning_list(),
    }
    core = {"units": units(), "tasks": tasks(), "communities": communities()}
    return PublishedYear(edition_of(run), marts, core)


def changed(data: PublishedYear, **frames: pl.DataFrame) -> PublishedYear:
    """The published year with some of its marts or core frames replaced (it is read-only)."""
    marts = {k: v for k, v in frames.items() if k in data.marts or k not in data.core}
    core = {k: v for k, v in frames.items() if k in data.core}
    return replace(data, marts={**data.marts, **marts}, core={**data.core, **core})


@pytest.fixture
def page() -> str:
    return render(replace(published(), county="大英县"))


def section(page: str, key: str) -> str:
    return page.split(f'<section id="{key}"', 1)[1].split("</section>", 1)[0]


def test_one_page_with_every_section_and_nothing_from_elsewhere(page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>大英县2021年度城乡社区治理试点目标考核通报</title>" in page
    assert [key for key, _ in SECTIONS] == re.findall(r'<section id="(\w+)"', page)
    assert not re.search(r"(src|href)=\S*https?:|<link|\ssrc=|@import|url\(", page)
    assert "评估至3月（临时结果）" in page and "2021-04-20" in page
    assert '<span class="kind provisional">临时结果</span>' in page


def test_ranking_rows_carry_the_unit_scores(page):
    ranking = section(page, "ranking")
    rows = re.findall(r'<tr data-unit="(\w+)">(.*?)</tr>', ranking)
    assert [u for u, _ in rows] == ["U02", "U01", "U03"]
    assert re.findall(r'data-col="total">([^<]*)<', rows[0][1]) == ["87.80"]
    assert '<td class="num" data-col="work">70.00</td>' in rows[0][1]
    assert '<td class="num" data-col="penalty">0.50</td>' in rows[0][1]


def test_text_from_the_data_is_escaped_never_markup(page):
    data = published()
    hostile = changed(
        replace(data, county='</style>"'),
        tasks=data.core["tasks"].with_columns(task_name=pl.lit('</td><script>alert("x")</script>')),
        unit_score=data.marts["unit_score"].with_columns(unit_name=pl.lit("<b>单位</b>")),
    )
    text = render(hostile)
    assert "<script>alert" not in text and "<b>单位</b>" not in text
    assert "&lt;/td&gt;&lt;script&gt;alert(&#34;x&#34;)" in text
    assert "&lt;b&gt;单位&lt;/b&gt;" in text
    assert text.count("</style>") == 1  # the county name cannot close the style element


def with_last_month(data: PublishedYear) -> PublishedYear:
    """Last month's publication ranked U01 first and U02 third; it said T04 was red in
    February, now green (a correction)."""
    before = unit_score().with_columns(rank=pl.Series([1, 3, 2], dtype=pl.Int32))
    then = task_month_status().with_columns(
        status=pl.when((pl.col("task_id") == "T04") & (pl.col("month") == 2))
        .then(pl.lit("red"))
        .otherwise("status")
    )
    return changed(
        data,
        rank_change=rank_changes(unit_score(), before, "r0", "r1"),
        status_correction=corrections(
            task_month_status(), then.filter(pl.col("month") <= 2), "r0", tasks(), "r1"
        ),
    )


def test_changes_month_over_month_every_red_and_yellow_task_listed(page):
    changes = section(page, "changes")
    assert "3月各任务的状态与2月相比" in changes and "r0" not in changes
    now, recovered, fixes = changes.split("<h3>")[1:4]
    assert "T01" in now and "黄转红" in now and "T03" in now and "新增黄灯" in now
    assert "T02" not in now
    assert "T02" in recovered and "已恢复" in recovered
    assert "新增黄灯 1 项" in changes and "无：" in fixes
    assert re.findall(r'<td class="num">(\d+)</td>', now.split("T01", 1)[1])[:1] == ["2"]


def test_corrections_are_listed_apart():
    fixes = section(render(with_last_month(published())), "changes").split("<h3>")[3]
    assert "T04" in fixes and "2月" in fixes and "完善社区便民服务中心" in fixes
    assert fixes.index("红灯") < fixes.index("绿灯")  # then red, now green


def test_the_page_opens_with_who_is_red_what_turned_red_and_who_moved():
    page = render(with_last_month(published()))
    assert re.findall(r'<section id="(\w+)"', page)[0] == "brief"
    red, turned, moved = section(page, "brief").split('<div class="ask">')[1:4]
    assert "当前红灯（3月）" in red and "T01" in red and "未报送" in red and "T03" not in red
    assert "本月转红（与2月相比）" in turned and "T01" in turned and "黄转红" in turned
    assert "连续 2 个月" in red  # T01: red in February (yellow fixture aside) and March
    assert re.search(r"盐井街道</a>　<span class=\"mv up\">↑2", moved)
    assert re.search(r"县民政局</a>　<span class=\"mv down\">↓1", moved)
    ranking = section(page, "ranking")
    assert '<span class="mv up">↑2</span><small>上月第3名</small>' in ranking


def test_without_last_months_publication_no_movement_is_made_up(page):
    brief = section(page, "brief")
    assert "上月没有发布结果，暂无名次比较" in brief
    assert 'data-col="movement">—</td>' in section(page, "ranking")


def test_a_provisional_year_has_no_grade_and_no_zero_satisfaction():
    scores = unit_score().with_columns(
        grade=pl.lit(None, pl.String),
        satisfaction=pl.when(pl.col("unit_id") == "U03").then(None).otherwise("satisfaction"),
    )
    page = render(changed(published(), unit_score=scores))
    ranking = section(page, "ranking")
    assert ranking.count('<span class="grade g-p">年终评定</span>') == 3
    assert '<td class="num" data-col="satisfaction">未测评</td>' in ranking
    assert "等次在年终（评估至12月）评定" in ranking
    u03 = section(page, "units").split('id="unit-U03"', 1)[1].split("</article>", 1)[0]
    assert "＋ 群众满意度 未测评 ＋" in u03
    scores = scores.with_columns(
        work=pl.when(pl.col("unit_id") == "U03").then(None).otherwise("work")
    )  # no task started yet: work null, the unit still has its breakdown
    u03 = (
        section(render(changed(published(), unit_score=scores)), "units")
        .split('id="unit-U03"', 1)[1]
        .split("</article>", 1)[0]
    )
    assert "工作实绩 — ＋ 群众满意度 未测评 ＋ 加分 0.00 － 扣分 0.00 ＝ 44.00" in u03
    assert "年终评定" in section(page, "brief") and "优秀" not in section(page, "brief")


def test_beijing_time_and_developer_words_only_in_the_colophon(page):
    masthead = page.split('<header class="masthead">', 1)[1].split("</header>", 1)[0]
    assert "2021-04-21 10:05（北京时间）" in masthead and "UTC" not in page
    assert "r1" not in masthead and "运行编号" not in page
    body = page.split("<main>", 1)[1].split("</main>", 1)[0]
    assert "mart." not in body and "r1" not in body.replace("#unit-", "")
    footer = page.split("<footer>", 1)[1]
    assert '<p class="colophon">' in footer and "r1" in footer and "mart.unit_score" in footer
    running = page.split("@top-center", 1)[1].split("}", 1)[0]
    assert "r1" not in running
    assert css_string("2021年度　评估至3月（临时结果）　基准日 2021-04-20")[1:-1] in running
    data = published()
    utc = render(replace(data, edition=replace(data.edition, timezone="UTC")))
    assert "2021-04-21 02:05" in utc and "北京时间" not in utc


def test_grade_colours_fail_stands_out_pass_is_not_the_matrix_green(page):
    css = page.split("<style>", 1)[1]
    rule = {m.group(1): m.group(2) for m in re.finditer(r"^\.(g-[a-dp]) \{([^}]*)\}", css, re.M)}
    assert "var(--red)" in rule["g-d"] and "#fff" in rule["g-d"]
    assert "green" not in rule["g-c"] and "#137333" not in rule["g-c"]
    assert "#e6f4ea" not in rule["g-c"]
    assert '<span class="grade g-d">不合格</span>' in section(page, "ranking")


def test_a_phone_gets_the_matrix_latest_month_first_with_every_reason_written(page):
    phone = section(page, "matrix").split('<div class="mlist">', 1)[1]
    t01 = phone.split("T01", 1)[1].split("</ol>", 1)[0]
    months = re.findall(r"<b>(\d+)月", t01)
    assert months == ["3", "2", "1"]
    assert "<b>3月 红</b> 未报送" in t01 and "<b>2月 黄</b> 进度滞后" in t01 and "迟报" in t01
    css = page.split("<style>", 1)[1]
    phone_css = css.split("@media (max-width: 640px)", 1)[1].split("@media print", 1)[0]
    assert ".mlist { display: block; }" in phone_css
    assert "#matrix .scroll" in phone_css


def test_every_unit_has_a_waterfall_of_its_line_items(page):
    units_part = section(page, "units")
    assert re.findall(r'<article class="unit-wf" id="unit-(\w+)"', units_part) == [
        "U02",
        "U01",
        "U03",
    ]
    u01 = units_part.split('id="unit-U01"', 1)[1].split("</article>", 1)[0]
    points = re.findall(r'data-col="points">([^<]*)<', u01)
    assert points == ["+40.00", "+17.30", "-0.20", "-0.50", "-0.50"]  # work, satisfaction, penalty
    assert "迟报" in u01 and "T01" in u01 and "2月" in u01 and "C01" in u01
    assert "总分 56.10" in u01


def test_matrix_has_twelve_months_per_task(page):
    matrix = section(page, "matrix")
    body = matrix.split("<tbody>", 1)[1]
    assert body.count("<tr>") == 4
    assert all(row.count("<td") == 2 + 12 for row in body.split("</tr>")[:-1])
    assert 'class="st red" title="3月：未报送' in matrix


def test_numbers_rounded_half_away_from_zero():
    values = pl.DataFrame({"x": [0.125, -0.125, 1.0, None, 87.5]})
    shown = values.select(num(pl.col("x")), pct(pl.col("x")).alias("p"))
    assert shown["x"].to_list() == ["0.13", "-0.13", "1.00", None, "87.50"]
    assert shown["p"].to_list()[:3] == ["12.5%", "-12.5%", "100.0%"]


def test_print_header_text_cannot_end_its_css_string():
    assert css_string('大英县"</style>') == '"大英县\\000022\\00003c/style\\00003e"'


def test_a_run_with_no_month_assessed_yet():
    data = published({**RUN, "last_month": 0})
    empty = ("task_month_status", "warning_list", "funding_execution", "community_satisfaction")
    page = render(changed(data, **{name: data.marts[name].clear() for name in empty}))
    assert "尚无到期月份" in page
    matrix = section(page, "matrix")
    assert matrix.count('<td class="st') == 0 and matrix.count("<td></td>") == 4 * 12
    assert '<td class="none" colspan="8">无</td>' in section(page, "satisfaction")


def test_waterfall_bars_stay_inside_their_cells_when_a_total_dips_below_zero():
    data = published()
    dip = pl.DataFrame(
        {
            "component": ["penalty", "penalty"],
            "rule_id": ["floor_zero", "red_month"],  # floor_zero is drawn last all the same
            "points": [3.0, -3.0],
        }
    ).with_columns(year=pl.lit(YEAR, pl.Int32), unit_id=pl.lit("U03"))
    lines = data.marts["score_line_item"].filter(pl.col("unit_id") != "U03")
    dipped = changed(data, score_line_item=pl.concat([lines, dip], how="diagonal_relaxed"))
    units_part = section(render(dipped), "units")
    bars = [
        (float(left), float(width))
        for left, width in re.findall(r"left:(-?[\d.]+)%;width:(-?[\d.]+)%", units_part)
    ]
    assert bars and all(left >= 0 and left + width <= 100.01 for left, width in bars)
    u03 = units_part.split('id="unit-U03"', 1)[1].split("</article>", 1)[0]
    zero = re.findall(r'<tr class="sum">.*?left:([\d.]+)%', u03)
    assert zero == ["2.91"]  # 0 sits 3 points (of 103) from the left: the dip is drawn


def test_a_final_result_says_whether_it_is_signed_off():
    final = {**RUN, "last_month": 12, "is_final": True, "as_of": dt.date(2022, 1, 31)}
    pending = render(published(final))
    masthead = pending.split('<header class="masthead">', 1)[1].split("</header>", 1)[0]
    assert '<span class="kind final">最终结果·待定稿</span>' in masthead
    assert "评估至12月（最终结果，待定稿）" in masthead
    signed = {**final, "approval_document": "大英目考〔2022〕3号"}
    page = render(published(signed))
    assert "最终结果·定稿：大英目考〔2022〕3号" in page
    running = page.split("@top-center", 1)[1].split("}", 1)[0]
    assert css_string("定稿：大英目考〔2022〕3号")[1:-1] in running
    assert "定稿" not in render(published())  # a provisional result is 临时, nothing to sign
