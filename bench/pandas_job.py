"""The competitor: the same ingest written as a straightforward pandas job.

    uv run python -m bench.pandas_job --inbox bench/out/M/inbox/2021 --out /tmp/pandas.duckdb

What a competent engineer would write without this project: every file read with the fast
readers (calamine through pandas.read_excel, pyarrow's CSV reader after decoding
BOM/UTF-8/GB18030), headers matched to the inputs' documented headers (the field lists of
schemas/, which are the input contract), cells parsed with vectorised pandas string
operations, rows checked with pandera's pandas API (the same rules), identical rows dropped,
the amended rules that quarantine rows by their order (a cumulative value falling below an
earlier month's, a refund larger than the spending before it), and the loaded rows written
to DuckDB. Only the ingest: no scoring, no office files.

`same_rows()` compares the rows loaded per file and sheet (bench.versus runs it) with
the product's audit.input_file (the "same rows" check).
"""

from __future__ import annotations

import argparse
import io
import re
import time
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.csv as pacsv

from schemas import funding as funding_spec
from schemas import plan as plan_spec
from schemas import reports as reports_spec
from schemas import surveys as survey_spec
from schemas.codes import EXPENDITURE, LEDGER_KINDS, QUANTITY, REFUND
from schemas.fields import Field

FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xFFE5: ord("¥")}
YEAR = 2021
REPORT_VALUES = ["unit_id", "task_id", "month", "progress", "actual", "submitted_on", "note"]
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


# ------------------------------------------------------------------ reading
def read_file(path: Path) -> dict[str, pd.DataFrame]:
    """sheet name ("" for CSV) → all-string frame."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
        return {name: frame for name, frame in sheets.items()}
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:]
    else:
        try:
            data.decode("utf-8")
            text = data
        except UnicodeDecodeError:
            text = data.decode("gb18030").encode("utf-8")
    table = pacsv.read_csv(
        io.BytesIO(text),
        convert_options=pacsv.ConvertOptions(
            column_types={}, strings_can_be_null=True, auto_dict_encode=False
        ),
        read_options=pacsv.ReadOptions(autogenerate_column_names=False),
    )
    table = table.cast(pyarrow.schema([(n, pyarrow.string()) for n in table.column_names]))
    return {"": table.to_pandas()}


STRING = pd.StringDtype("pyarrow")  # vectorised string operations (pyarrow compute)


def conform(frame: pd.DataFrame, fields: tuple[Field, ...], keep: tuple[str, ...] = ()):
    """Headers → canonical names, the fields' columns only (personal data never kept); None
    if a required column is missing (the whole file is rejected)."""
    aliases = {h: f.name for f in fields for h in (f.label, f.name, *f.aliases)}
    renames: dict[str, str] = {}
    for column in frame.columns:
        name = str(column).translate(FULL_WIDTH).strip()
        if name in aliases and aliases[name] not in renames.values():
            renames[column] = aliases[name]
    frame = frame.rename(columns=renames)
    if any(f.required_column and f.name not in frame.columns for f in fields):
        return None
    frame = frame.reindex(columns=[f.name for f in fields] + list(keep))
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return frame


def clean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Cells trimmed, empty cells null, blank rows dropped (once per folder)."""
    for c in columns:
        cells = frame[c].astype(STRING).str.strip()
        frame[c] = cells.mask(cells == "")
    return frame[frame[columns].notna().any(axis=1)]


def read_folder(folder: Path, sheets: dict[str, tuple[Field, ...]]) -> dict[str, pd.DataFrame]:
    """Each workbook read once: sheet name → its rows from every file, stacked, with _file and
    _sheet. The first sheet name also takes a file's only sheet (CSV files)."""
    first = next(iter(sheets))
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in sheets}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        book = read_file(path)
        for name, fields in sheets.items():
            chosen = name if name in book else (next(iter(book)) if len(book) == 1 else None)
            if chosen is None or (name != first and chosen != name):
                continue
            frame = conform(book[chosen], fields)
            if frame is not None:
                parts[name].append(frame.assign(_file=f"{folder.name}/{path.name}", _sheet=chosen))
    return {
        name: clean(pd.concat(found, ignore_index=True), [f.name for f in sheets[name]])
        if found
        else pd.DataFrame()
        for name, found in parts.items()
    }


# ------------------------------------------------------------------ parsing
def folded(s: pd.Series) -> pd.Series:
    return s.str.translate(FULL_WIDTH).str.strip()


def number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(folded(s).str.replace(",", "", regex=False), errors="coerce")


def percent(s: pd.Series) -> pd.Series:
    return number(folded(s).str.rstrip("%"))


def money(s: pd.Series, wan: pd.Series) -> pd.Series:
    text = folded(s).str.replace(r"[¥,\s]", "", regex=True)
    unit_wan = text.str.endswith(("万", "万元"), na=False)
    value = pd.to_numeric(text.str.replace(r"(万元|万|元)$", "", regex=True), errors="coerce")
    scaled = value * ((unit_wan | (wan & ~text.str.endswith("元", na=False))) * 9999 + 1)
    return scaled.round(2)


def date(s: pd.Series) -> pd.Series:
    """Written dates with an optional time, compact 20210930, or Excel serials."""
    text = folded(s)
    parts = text.str.extract(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
        r"(?:(?:\s+|\s*T\s*)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
    )
    compact = text.str.extract(r"^(\d{4})(\d{2})(\d{2})$")
    parts[[0, 1, 2]] = parts[[0, 1, 2]].fillna(compact.set_axis([0, 1, 2], axis=1))
    numbers = parts.apply(pd.to_numeric, errors="coerce").fillna({3: 0, 4: 0, 5: 0})
    numbers.columns = ["year", "month", "day", "hour", "minute", "second"]
    ok = numbers["year"].notna()
    written = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    written[ok] = pd.to_datetime(numbers[ok].astype("int64"), errors="coerce")
    serial = pd.to_numeric(text, errors="coerce")
    serial = serial.where(serial.between(1, 100000) & text.str.len().ne(8))
    by_serial = EXCEL_EPOCH + pd.to_timedelta(serial, unit="D").dt.round("s")
    return written.fillna(by_serial)


def month(s: pd.Series) -> pd.Series:
    text = folded(s)
    whole = pd.to_numeric(text.str.replace("月", "", regex=False), errors="coerce")
    ym = text.str.extract(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
    dated = date(s)
    year = pd.to_numeric(ym[0], errors="coerce").fillna(dated.dt.year)
    value = whole.where(whole.between(1, 12) & (whole % 1 == 0))
    value = value.fillna(pd.to_numeric(ym[1], errors="coerce").where(year == YEAR))
    value = value.fillna(dated.dt.month.where(dated.dt.year == YEAR))
    return value.where(value.between(1, 12)).astype("Int32")


def seconds(s: pd.Series) -> pd.Series:
    parts = folded(s).str.extract(
        r"^(?:(\d+)\s*(?:小时|时))?\s*(?:(\d+)\s*分钟?)?\s*(?:(\d+)\s*秒?)?$"
    )
    h, m, sec = (pd.to_numeric(parts[i], errors="coerce") for i in range(3))
    total = h.fillna(0) * 3600 + m.fillna(0) * 60 + sec.fillna(0)
    return total.where(parts.notna().any(axis=1)).astype("Int32")


def typed(frame: pd.DataFrame, fields: tuple[Field, ...], wan: pd.Series | None = None):
    """(typed frame, rows whose non-empty cells did not parse)."""
    out = frame.copy()
    bad = pd.Series(False, index=frame.index)
    for f in fields:
        raw = frame[f.name]
        match f.kind:
            case "number" | "integer":
                value = number(raw)
            case "percent":
                value = percent(raw)
            case "money":
                value = money(raw, wan if wan is not None else False)
            case "date":
                value = date(raw).dt.normalize()
            case "datetime":
                value = date(raw)
            case "month":
                value = month(raw)
            case "seconds":
                value = seconds(raw)
            case _:
                value = raw
        bad |= raw.notna() & value.isna()
        out[f.name] = value
    return out[~bad], int(bad.sum())


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Rows that pass every check (pandera, lazily: all failures at once)."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failed = exc.failure_cases["index"].dropna().unique()
        return frame.drop(index=failed)


def dedupe(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[~frame.duplicated(subset=columns, keep="first")]


PROVENANCE = ["_file", "_sheet", "_row"]


def falling(reports: pd.DataFrame) -> pd.Index:
    """The reports whose cumulative value falls below the task's earlier months
    (docs/validation.md): month by month, a month's effective report is its latest not lower
    than the value carried from the earlier months; the later lower ones are quarantined."""
    value = reports["actual"].where(reports["_metric"] == QUANTITY, reports["progress"])
    order = reports.sort_values(["submitted_on", *PROVENANCE]).index
    rows = pd.DataFrame(
        {"task_id": reports["task_id"], "month": reports["month"], "value": value.astype(float)}
    ).assign(rank=pd.Series(range(len(order)), index=order))
    floors = pd.Series(dtype=float)  # task → the value its later months must not fall below
    found = []
    for _, month in rows.groupby("month", sort=True):
        floor = month["task_id"].map(floors)
        accepted = floor.isna() | (month["value"] >= floor)
        chosen = month[accepted].sort_values("rank").groupby("task_id").tail(1).set_index("task_id")
        chosen_rank = month["task_id"].map(chosen["rank"])
        later = chosen_rank.isna() | (month["rank"] > chosen_rank)
        found.append(month.index[(month["value"] < floor) & later])
        floors = pd.concat([floors.drop(chosen.index, errors="ignore"), chosen["value"]])
    return pd.Index([]).append(found) if found else pd.Index([])


def excess_refunds(entries: pd.DataFrame) -> pd.Index:
    """The 退回 rows larger than their task's spending before them (支出 − the refunds kept),
    in date order (a day's 支出 before its 退回, then file and row), in cents; decided in
    passes over every task at once, as the product does (transforms/funding.excess_refunds)."""
    events = entries[entries["kind"].isin([EXPENDITURE, REFUND])]
    events = events.assign(_refund=events["kind"] == REFUND).sort_values(
        ["task_id", "entry_date", "_refund", *PROVENANCE]
    )
    task, refund = events["task_id"], events["_refund"]
    cents = (events["amount"] * 100).round().astype("int64")
    spent = cents.where(~refund, 0).groupby(task).cumsum()
    amount = cents.where(refund, 0)

    def spent_before(counted: pd.Series) -> pd.Series:
        refunds = amount.where(counted, 0)
        return spent - (refunds.groupby(task).cumsum() - refunds)

    kept = pd.Series(False, index=events.index)
    refused = kept.copy()
    while (refund & ~kept & ~refused).any():
        kept |= refund & ~refused & (amount <= spent_before(~refused))
        refused |= refund & ~kept & (amount > spent_before(kept))
    return events.index[refused]


# ------------------------------------------------------------------ sources
def load_plan(year_dir: Path) -> dict[str, pd.DataFrame]:
    units = read_folder_one(year_dir / "plan", plan_spec.UNIT_FIELDS, "单位编码")
    tasks = read_folder_one(year_dir / "plan", plan_spec.TASK_FIELDS, "任务编号")
    communities = read_folder_one(year_dir / "plan", plan_spec.COMMUNITY_FIELDS, "社区编码")
    return {"units": units, "tasks": tasks, "communities": communities}


def read_folder_one(folder: Path, fields: tuple[Field, ...], marker: str) -> pd.DataFrame:
    """The plan file whose header has `marker`."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".xlsx", ".xls", ".csv"):
            continue
        for frame in read_file(path).values():
            if marker in [str(c).strip() for c in frame.columns]:
                conformed = conform(frame, fields)
                if conformed is not None:
                    return typed(clean(conformed, [f.name for f in fields]), fields)[0]
    raise FileNotFoundError(marker)


def load_reports(year_dir: Path, plan: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    units, tasks = plan["units"]["unit_id"].tolist(), plan["tasks"]["task_id"].tolist()
    raw = read_folder(
        year_dir / "reports",
        {"进度": reports_spec.PROGRESS_FIELDS, "荣誉": reports_spec.HONOR_FIELDS},
    )
    frame, _ = typed(raw["进度"], reports_spec.PROGRESS_FIELDS)
    info = plan["tasks"][["task_id", "unit_id", "metric"]].rename(
        columns={"unit_id": "_task_unit", "metric": "_metric"}
    )
    frame = frame.merge(info, on="task_id", how="left").set_axis(frame.index)
    schema = pa.DataFrameSchema(
        {
            "unit_id": pa.Column(str, pa.Check.isin(units)),
            "task_id": pa.Column(str, pa.Check.isin(tasks)),
            "month": pa.Column("Int32", nullable=False),
            "progress": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
            "actual": pa.Column(float, pa.Check.ge(0), nullable=True),
            "submitted_on": pa.Column("datetime64[ns]", nullable=False),
        },
        checks=[  # null-safe: an unknown task fails the isin check above, not these
            pa.Check(lambda d: d["_task_unit"].isna() | d["_task_unit"].eq(d["unit_id"])),
            pa.Check(lambda d: d["progress"].notna() | d["_metric"].ne("进度").fillna(True)),
            pa.Check(lambda d: d["actual"].notna() | d["_metric"].ne("数量").fillna(True)),
        ],
        coerce=True,
    )
    progress = dedupe(validate(frame, schema), REPORT_VALUES)
    progress = progress.drop(index=falling(progress))
    raw_h = raw["荣誉"]
    honors = pd.DataFrame()
    if len(raw_h):
        frame_h, _ = typed(raw_h, reports_spec.HONOR_FIELDS)
        schema_h = pa.DataFrameSchema(
            {
                "unit_id": pa.Column(str, pa.Check.isin(units)),
                "honor": pa.Column(str),
                "level": pa.Column(str, pa.Check.isin(reports_spec.HONOR_LEVELS)),
                "awarded_on": pa.Column(
                    "datetime64[ns]",
                    pa.Check.in_range(pd.Timestamp(YEAR, 1, 1), pd.Timestamp(YEAR, 12, 31)),
                ),
            },
            coerce=True,
        )
        honors = dedupe(
            validate(frame_h, schema_h), ["unit_id", "honor", "level", "document_no", "awarded_on"]
        )
    return progress, honors


def load_funding(year_dir: Path, plan: dict) -> pd.DataFrame:
    fields = funding_spec.LEDGER_FIELDS
    parts = []
    for path in sorted((year_dir / "funding").iterdir()):
        for sheet, frame in read_file(path).items():
            headers = [str(c).translate(FULL_WIDTH).strip() for c in frame.columns]
            wan = funding_spec.AMOUNT_IN_WAN in headers
            conformed = conform(frame, fields)
            if conformed is not None:
                parts.append(conformed.assign(_file=f"funding/{path.name}", _sheet=sheet, _wan=wan))
            break
    raw = clean(pd.concat(parts, ignore_index=True), [f.name for f in fields])
    frame, _ = typed(raw, fields, wan=raw["_wan"])
    schema = pa.DataFrameSchema(
        {
            "entry_date": pa.Column(
                "datetime64[ns]",
                pa.Check.in_range(pd.Timestamp(YEAR, 1, 1), pd.Timestamp(YEAR, 12, 31)),
            ),
            "voucher_no": pa.Column(str),
            "task_id": pa.Column(str, pa.Check.isin(plan["tasks"]["task_id"].tolist())),
            "source": pa.Column(str),
            "kind": pa.Column(str, pa.Check.isin(LEDGER_KINDS)),
            "amount": pa.Column(float, pa.Check.gt(0)),
        },
        coerce=True,
    )
    values = ["entry_date", "voucher_no", "task_id", "source", "kind", "amount", "summary"]
    kept = dedupe(validate(frame, schema), values)
    entries = kept[kept.groupby("voucher_no")["voucher_no"].transform("size") == 1]
    return entries.drop(index=excess_refunds(entries))


def load_surveys(year_dir: Path, rules: dict) -> pd.DataFrame:
    survey = rules.get("survey", {})
    items = [f"q{n}" for n in survey["items"]]
    community = f"q{survey['community_question']}"
    options = survey.get("options", ["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
    fields = survey_spec.SURVEY_FIELDS
    parts = []
    for path in sorted((year_dir / "surveys").iterdir()):
        for sheet, frame in read_file(path).items():
            questions = {}
            for column in frame.columns:
                if m := re.match(survey_spec.QUESTION_HEADER, str(column)):
                    questions[column] = f"q{int(m.group(1))}"
            conformed = conform(frame.rename(columns=questions), fields, (community, *items))
            if conformed is None:
                break
            conformed = clean(conformed, [f.name for f in fields] + [community, *items])
            answers = conformed[items]
            by_number = answers.apply(lambda c: c.isna() | c.str.fullmatch(r"-?\d+")).all().all()
            if by_number:
                codes = {str(i + 1): text for i, text in enumerate(options)}
                decoded = answers.apply(lambda c, m=codes: c.mask(c.isin(["-2", "-3"])).replace(m))
            else:
                decoded = answers.apply(lambda c: c.mask(c.isin(["(跳过)", "（跳过）", "跳过"])))
            conformed[items] = decoded
            parts.append(conformed.assign(_file=f"surveys/{path.name}", _sheet=sheet))
            break
    frame, _ = typed(pd.concat(parts, ignore_index=True), fields)
    schema = pa.DataFrameSchema(
        {"submitted_at": pa.Column("datetime64[ns]"), "seconds": pa.Column("Int32")}
        | {q: pa.Column(str, pa.Check.isin(options), nullable=True) for q in items},
        coerce=True,
    )
    valid = validate(frame, schema)
    values = ["response_no", "submitted_at", "seconds", "channel", "ip", community, *items]
    return dedupe(valid, values)


# ------------------------------------------------------------------ the job
def run(year_dir: Path, out: Path) -> dict[str, pd.DataFrame]:
    rules = tomllib.loads((year_dir / "plan" / "rules.toml").read_text(encoding="utf-8"))
    plan = load_plan(year_dir)
    progress, honors = load_reports(year_dir, plan)
    tables = {
        **plan,
        "reports": progress,
        "honors": honors,
        "ledger_entries": load_funding(year_dir, plan),
        "survey_responses": load_surveys(year_dir, rules),
    }
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    try:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return tables


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, required=True, help="the year's folder")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tables = run(args.inbox, args.out)
    rows = {k: len(v) for k, v in tables.items()}
    print(f"pandas job: {time.perf_counter() - start:.2f} s, rows loaded {rows}")


if __name__ == "__main__":
    main()


def same_rows(product: Path, competitor: Path) -> dict[str, tuple[int, int]]:
    """(file, sheet) whose rows loaded differ: {"file sheet": (product, pandas)}; {} = same."""
    con = duckdb.connect(str(product), read_only=True)
    try:
        con.execute(f"ATTACH '{competitor}' AS pandas_job (READ_ONLY)")
        rows = con.execute(
            """
            WITH p AS (
                SELECT file, coalesce(sheet, '') AS sheet, sum(rows_loaded) AS n
                FROM audit.input_file JOIN audit.publication USING (run_id)
                WHERE file NOT LIKE 'plan/%' GROUP BY ALL),
            c AS (
                SELECT _file AS file, _sheet AS sheet, count(*) AS n FROM (
                    SELECT _file, _sheet FROM pandas_job.reports
                    UNION ALL SELECT _file, _sheet FROM pandas_job.honors
                    UNION ALL SELECT _file, _sheet FROM pandas_job.ledger_entries
                    UNION ALL SELECT _file, _sheet FROM pandas_job.survey_responses)
                GROUP BY ALL)
            SELECT file, sheet, coalesce(p.n, 0), coalesce(c.n, 0)
            FROM p FULL JOIN c USING (file, sheet)
            WHERE coalesce(p.n, 0) <> coalesce(c.n, 0) ORDER BY file, sheet
            """
        ).fetchall()
    finally:
        con.close()
    return {f"{file} {sheet}".strip(): (int(a), int(b)) for file, sheet, a, b in rows}
