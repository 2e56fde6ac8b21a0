"""The year's scoring rules (SPEC §6.8): defaults, and a validated override from rules.toml."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "weights": {"work": 80, "satisfaction": 20},
    "light": {"yellow_gap": 10, "red_gap": 30},
    "reports": {"due_day": 5},
    "survey": {
        "min_seconds": 30,
        "min_responses": 30,
        "community_question": 1,
        "items": [],
        "options": ["非常满意", "满意", "基本满意", "不满意", "非常不满意"],
        "satisfied": ["非常满意", "满意", "基本满意"],
        "answer_scores": {
            "非常满意": 100,
            "满意": 80,
            "基本满意": 60,
            "不满意": 30,
            "非常不满意": 0,
        },
    },
    "bonus": {
        "cap": 5,
        "exceed_ratio": 1.2,
        "honor_national": 3,
        "honor_provincial": 2,
        "honor_city": 1,
        "exceeded_target": 0.5,
        "early_completion": 0.5,
        "all_green": 1,
    },
    "penalty": {
        "cap": 20,
        "min_execution": 0.8,
        "red_month": 0.5,
        "missing_report": 0.5,
        "late_report": 0.2,
        "overspent": 2,
        "low_execution": 1,
        "voucher_conflict": 1,
    },
    "grade": {"excellent": 90, "good": 80, "pass": 60, "excellent_quota": 0.2},
}

# Parameters that must be whole numbers; every other scalar accepts int or float.
_INTEGER_KEYS = {
    ("reports", "due_day"),
    ("survey", "min_responses"),
    ("survey", "community_question"),
}


class RulesError(ValueError):
    """rules.toml is not valid TOML, names an unknown parameter or gives a value of the wrong type."""


def _check_value(path: tuple[str, ...], default: Any, value: Any) -> Any:
    where = ".".join(path)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise RulesError(f"rules.toml: [{where}] must be a table")
        merged = dict(default)
        for key, item in value.items():
            if key not in default and path != ("survey", "answer_scores"):
                raise RulesError(f"rules.toml: unknown parameter {where}.{key}")
            merged[key] = _check_value((*path, key), default.get(key, 0), item)
        return merged
    if isinstance(default, list):
        if not isinstance(value, list):
            raise RulesError(f"rules.toml: {where} must be a list, got {value!r}")
        kind = int if path == ("survey", "items") else str
        if not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
            raise RulesError(
                f"rules.toml: {where} must be a list of {kind.__name__}, got {value!r}"
            )
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"rules.toml: {where} must be a number, got {value!r}")
    if path[:2] in _INTEGER_KEYS and not isinstance(value, int):
        raise RulesError(f"rules.toml: {where} must be a whole number, got {value!r}")
    if value < 0:
        raise RulesError(f"rules.toml: {where} must not be negative, got {value!r}")
    return value


def parse_rules(text: str | None) -> dict[str, dict[str, Any]]:
    """Defaults overlaid with the given rules.toml text (None or empty text = defaults)."""
    if not text:
        return copy.deepcopy(DEFAULT_RULES)
    try:
        given = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rules.toml is not valid TOML: {exc}") from None
    rules = {}
    for section, default in DEFAULT_RULES.items():
        rules[section] = _check_value((section,), default, given.pop(section, {}))
    if given:
        raise RulesError(f"rules.toml: unknown section [{sorted(given)[0]}]")
    survey = rules["survey"]
    unknown = set(survey["satisfied"]) - set(survey["options"])
    if unknown:
        raise RulesError(
            f"rules.toml: survey.satisfied names {sorted(unknown)} not in survey.options"
        )
    missing = set(survey["options"]) - set(survey["answer_scores"])
    if missing:
        raise RulesError(f"rules.toml: survey.answer_scores lacks a score for {sorted(missing)}")
    if rules["light"]["yellow_gap"] > rules["light"]["red_gap"]:
        raise RulesError("rules.toml: light.yellow_gap must not exceed light.red_gap")
    if not 1 <= rules["reports"]["due_day"] <= 28:
        raise RulesError("rules.toml: reports.due_day must be between 1 and 28")
    return rules
