"""The year's scoring rules (docs/scoring.md, "Parameters"): one typed, immutable model.

Every number of the scoring rules is a field here with its default; a year's plan/rules.toml
may give any subset. The model is the one place that says what a valid value is: numbers are
finite and within a sensible range, whole numbers where a count or a day is meant, lists and
tables of the right kind. Anything else fails the run with a Chinese message that names the
parameter, e.g. `rules.toml：weights.work = nan 无效：必须是有限的数（不能是 nan 或 inf）`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from schemas.codes import ANSWER_SCORES, OPTIONS, SATISFIED


class RulesError(ValueError):
    """rules.toml cannot be used; str() is the one-line Chinese reason."""


class _Section(BaseModel):
    # strict: "5" is not 5, true is not 1; allow_inf_nan=False: nan and inf are refused
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Points = Annotated[float, Field(ge=0, le=100)]  # points and percent points


class ReadOnly(dict):
    """A table of rules.toml (survey.answer_scores) that cannot be changed in place: a frozen
    model's dict still could, and with the shared default every later run's rules."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("规则参数只读")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:  # copies (pydantic deep-copies defaults) are read-only too
        return (ReadOnly, (dict(self),))


Share = Annotated[float, Field(ge=0, le=1)]  # a fraction 0..1
Question = Annotated[int, Field(ge=1, le=1000)]


def _as_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; the model keeps tuples (immutable)."""
    return tuple(value) if isinstance(value, list) else value


def ListOf(kind: Any) -> Any:  # noqa: N802  (reads as a type in the fields below)
    return Annotated[tuple[kind, ...], BeforeValidator(_as_tuple)]


class Weights(_Section):
    work: Points = Field(80, description="工作实绩满分")
    satisfaction: Points = Field(20, description="群众满意度满分")


class Light(_Section):
    yellow_gap: Points = Field(10, description="差距（计划 − 实际，百分点）不超过此值为绿灯")
    red_gap: Points = Field(30, description="差距不超过此值为黄灯，超过为红灯")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.yellow_gap > self.red_gap:
            raise ValueError("light.yellow_gap 不能大于 light.red_gap")
        return self


class Reports(_Section):
    due_day: Annotated[int, Field(ge=1, le=28)] = Field(
        5, description="m 月月报于 m+1 月的这一天到期（12 月的于次年 1 月）"
    )


class Survey(_Section):
    min_seconds: Annotated[int, Field(ge=0, le=86400)] = Field(
        30, description="答题用时少于此秒数的答卷无效"
    )
    min_responses: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        30, description="社区有效答卷达到此数才计入单位满意度"
    )
    community_question: Question = Field(1, description="回答所在社区的题号")
    items: ListOf(Question) = Field((), description="满意度题号（有问卷时必填）")
    options: ListOf(str) = Field(OPTIONS, description="选项顺序（按序号作答时 1 = 第一项）")
    satisfied: ListOf(str) = Field(SATISFIED, description="计入满意率的选项")
    # read-only: a frozen model's dict could still be changed in place, and with it the
    # defaults every later run would read
    answer_scores: Annotated[Mapping[str, Points], AfterValidator(ReadOnly)] = Field(
        default_factory=lambda: ReadOnly(ANSWER_SCORES), description="各选项的分值"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.options or len(set(self.options)) != len(self.options):
            raise ValueError("survey.options 必须是不重复、非空的选项列表")
        if len(set(self.items)) != len(self.items):
            raise ValueError("survey.items 中的题号重复")
        if self.community_question in self.items:
            raise ValueError("survey.community_question 不能同时是满意度题（survey.items）")
        unknown = [s for s in self.satisfied if s not in self.options]
        if unknown:
            raise ValueError(f"survey.satisfied 中的 {'、'.join(unknown)} 不在 survey.options 中")
        missing = [o for o in self.options if o not in self.answer_scores]
        if missing:
            raise ValueError(f"survey.answer_scores 缺少选项 {'、'.join(missing)} 的分值")
        return self


class Bonus(_Section):
    cap: Points = Field(5, description="加分上限")
    exceed_ratio: Annotated[float, Field(ge=1, le=100)] = Field(
        1.2, description="数量任务实际完成达到目标的此倍数为超额完成"
    )
    honor_national: Points = Field(3, description="国家级表彰（每个文号）")
    honor_provincial: Points = Field(2, description="省级表彰（每个文号）")
    honor_city: Points = Field(1, description="市级表彰（每个文号）")
    exceeded_target: Points = Field(0.5, description="超额完成目标（每个任务）")
    early_completion: Points = Field(0.5, description="提前两个月以上完成（每个任务）")
    all_green: Points = Field(1, description="全部任务-月均为绿灯（每个单位）")


class Penalty(_Section):
    cap: Points = Field(20, description="扣分上限")
    min_execution: Share = Field(0.8, description="最终结果中资金执行率低于此值扣分")
    red_month: Points = Field(0.5, description="每个红灯任务-月")
    missing_report: Points = Field(0.5, description="每个未报送的月份（另计红灯）")
    late_report: Points = Field(0.2, description="每份迟报")
    overspent: Points = Field(2, description="超支的任务（支出大于下达）")
    low_execution: Points = Field(1, description="资金执行率低的任务（仅最终结果）")
    voucher_conflict: Points = Field(1, description="每张冲突凭证，对其涉及任务的每个单位")


class Grade(_Section):
    excellent: Annotated[float, Field(ge=0, le=200)] = Field(90, description="优秀分数线")
    good: Annotated[float, Field(ge=0, le=200)] = Field(80, description="良好分数线")
    # `pass` is a Python keyword: the field is pass_, written `pass` in rules.toml
    pass_: Annotated[float, Field(ge=0, le=200)] = Field(60, alias="pass", description="合格分数线")
    excellent_quota: Share = Field(0.2, description="优秀名额占单位数的比例（向下取整）")

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.pass_ <= self.good <= self.excellent:
            raise ValueError("grade 的分数线必须满足 pass <= good <= excellent")
        return self


class Rules(_Section):
    """The rules in force for a year's run. Immutable; read as `rules.penalty.red_month`."""

    weights: Weights = Weights()
    light: Light = Light()
    reports: Reports = Reports()
    survey: Survey = Survey()
    bonus: Bonus = Bonus()
    penalty: Penalty = Penalty()
    grade: Grade = Grade()


DEFAULT_RULES = Rules()

_MESSAGES = {
    "extra_forbidden": "是未知参数",
    "finite_number": "必须是有限的数（不能是 nan 或 inf）",
    "float_type": "必须是数",
    "int_type": "必须是整数",
    "string_type": "必须是文字",
    "tuple_type": "必须是列表，如 [1, 2]",
    "dict_type": "必须是表（[...] 小节）",
    "model_type": "必须是表（[...] 小节）",
    "model_attributes_type": "必须是表（[...] 小节）",
}


def _where(loc: tuple[Any, ...]) -> str:
    names = [str(part) for part in loc if not isinstance(part, int)]
    return ".".join(names) if names else "rules.toml"


def _message(error: dict[str, Any]) -> str:
    """One pydantic error in Chinese: the parameter, the value given, what it must be."""
    kind, ctx, where = error["type"], error.get("ctx") or {}, _where(error["loc"])
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        what = f"不能小于 {bound:g}" if kind == "greater_than_equal" else f"不能大于 {bound:g}"
    else:
        what = _MESSAGES.get(kind, "无效")
    if kind == "extra_forbidden":
        return f"{where} {what}"
    return f"{where} = {error['input']!r} 无效：{what}"


def parse_rules(text: str | None, name: str = "rules.toml", base: Rules | None = None) -> Rules:
    """`base` (default: the defaults) overlaid with the given rules text (None or empty text =
    `base`); `name` is the file the messages name (a draft for `assess simulate`, overlaid on
    the rules of the run it is compared with)."""
    if not text:
        return base or DEFAULT_RULES
    try:
        given = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{name}：不是有效的 TOML（{exc}）") from None
    if base is not None:
        given = _overlay(base.model_dump(by_alias=True), given)
    try:
        return Rules.model_validate(given)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f"（另有{exc.error_count() - 1}处问题）" if exc.error_count() > 1 else ""
        raise RulesError(f"{name}：{_message(first)}{more}") from None


def _overlay(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`given`'s sections over `base`'s, key by key (a table such as answer_scores as a whole)."""
    out = dict(base)
    for key, value in given.items():
        inner = out.get(key)
        if isinstance(value, dict) and isinstance(inner, dict) and key in Rules.model_fields:
            out[key] = {**inner, **value}
        else:
            out[key] = value
    return out


def parameter_rows() -> list[tuple[str, str, str, str]]:
    """(parameter, default, allowed values, meaning) of every rule: the table in docs/scoring.md."""
    rows = []
    for section, info in Rules.model_fields.items():
        model = info.annotation
        for name, field in model.model_fields.items():
            key = field.alias or name
            default = getattr(getattr(DEFAULT_RULES, section), name)
            rows.append(
                (f"{section}.{key}", _toml(default), _allowed(name, field), field.description)
            )
    return rows


def _toml(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    return str(int(value))


def _allowed(name: str, field: Any) -> str:
    bounds = {type(m).__name__: m for m in field.metadata}
    kind = "整数" if field.annotation is int else "数"
    if "Ge" in bounds and "Le" in bounds:
        return f"{kind} {_toml(bounds['Ge'].ge)}–{_toml(bounds['Le'].le)}"
    return {"items": "题号列表", "answer_scores": "选项 = 分值（0–100）"}.get(name, "文字列表")
