"""The year's plan: units, communities and tasks, validated as a whole. Any problem fails the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import polars as pl

from schemas import plan as spec
from schemas.codes import ALL_COMMUNITIES
from schemas.rules import Rules, RulesError, parse_rules
from schemas.semantics import LATEST, Semantics
from transforms import normalise
from transforms.intake import InputFile, intake
from transforms.read import ReadError, decode_csv
from transforms.validate import check


class PlanError(Exception):
    """The plan cannot frame the year; str() is the one-line reason."""


@dataclass(frozen=True)
class Plan:
    year: int
    units: pl.DataFrame
    communities: pl.DataFrame
    tasks: pl.DataFrame
    rules: Rules
    read_counts: pl.DataFrame  # file, sheet, rows_read of the three plan tables
    semantics: Semantics = LATEST  # how the sources are read (schemas/semantics.py)


def _first_problem(quarantine: pl.DataFrame) -> str:
    first = quarantine.row(0, named=True)
    more = f"（另有{quarantine.height - 1}处问题）" if quarantine.height > 1 else ""
    return f"{first['file']} {first['reason']}{more}"


def split_plan_files(files: list[InputFile]) -> tuple[dict[str, list[InputFile]], str | None]:
    """Group plan/ files by table (units, communities, tasks) and pick out rules.toml's text."""
    tables: dict[str, list[InputFile]] = {t.source: [] for t in spec.PLAN_TABLES}
    rules_text = None
    for name, data in files:
        path = PurePosixPath(name)
        if path.name == "rules.toml":
            rules_text = read_rules_text(data)
        elif path.stem in spec.PLAN_FILES:
            tables[spec.PLAN_FILES[path.stem]].append((name, data))
    return tables, rules_text


def read_rules_text(data: bytes, name: str = "rules.toml") -> str:
    """A rules file's text: UTF-8 (with or without BOM) or GB18030, detected as for CSV."""
    try:
        return decode_csv(data)[0]
    except ReadError:
        raise RulesError(f"{name}：编码无法识别（请存为 UTF-8 或 GB18030）") from None


def build_plan(year: int, files: list[InputFile], semantics: Semantics = LATEST) -> Plan:
    try:
        tables, rules_text = split_plan_files(files)
        rules = parse_rules(rules_text)
    except RulesError as exc:
        raise PlanError(str(exc)) from None
    frames, counts = {}, []
    for source in spec.PLAN_TABLES:
        table, fields = source.source, source.fields
        found = tables[table]
        if len(found) != 1:
            what = "缺少" if not found else "有多个"
            raise PlanError(f"计划无效：plan/ {what}{table} 文件（{source.label}）")
        got = intake(source, found, year, semantics=semantics)
        if got.rejected.height:
            raise PlanError(f"计划无效：{_first_problem(got.rejected)}")
        if table == "tasks":
            schema = spec.tasks_schema(frames["units"]["unit_id"].to_list())
        else:
            schema = spec.units_schema if table == "units" else spec.communities_schema
        valid, quarantine = check(got.raw, got.typed, schema, fields, table)
        if quarantine.height:
            raise PlanError(f"计划无效：{_first_problem(quarantine)}")
        frames[table] = valid.drop("_file", "_sheet", "_row")
        counts.append(got.read_counts.with_columns(source=pl.lit(table)))

    communities = frames["communities"]
    units = _expand_communities(frames["units"], communities)
    tasks = frames["tasks"].with_columns(pl.col("budget").fill_null(0))
    idle = units.join(tasks, on="unit_id", how="anti")["unit_id"].to_list()
    if idle:
        raise PlanError(f"计划无效：责任单位 {'、'.join(idle)} 没有任何目标任务")
    return Plan(
        year,
        units.with_columns(year=pl.lit(year)),
        communities.with_columns(year=pl.lit(year)),
        tasks.with_columns(year=pl.lit(year)),
        rules,
        pl.concat(counts),
        semantics,
    )


def _expand_communities(units: pl.DataFrame, communities: pl.DataFrame) -> pl.DataFrame:
    """联系社区 text → list of community ids; 全部 means every pilot community."""
    all_ids = sorted(communities["community_id"].to_list())
    parsed = units.with_columns(
        normalise.fold(pl.col("communities"))
        .str.replace_all(r"[、,，;；\s]+", ",")
        .str.strip_chars(",")
        .str.split(",")
        .list.eval(pl.element().filter(pl.element() != ""))
        .fill_null([])
        .alias("communities")
    )
    named = parsed.select("unit_id", "communities").explode("communities").drop_nulls()
    unknown = named.filter(~pl.col("communities").is_in([*all_ids, ALL_COMMUNITIES]))
    if unknown.height:
        unit, community = unknown.row(0)
        raise PlanError(f"计划无效：责任单位 {unit} 的联系社区 {community} 不是试点社区")
    return parsed.with_columns(
        pl.when(pl.col("communities").list.contains(ALL_COMMUNITIES))
        .then(pl.lit(all_ids, dtype=pl.List(pl.String)))
        .otherwise(pl.col("communities").list.sort())
        .alias("communities")
    )
