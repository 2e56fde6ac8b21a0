"""Where things are, with one precedence rule: option, then environment, then assess.toml, then
the built-in default (docs/operations.md, "Settings").

The warehouse setting names a location (a file path, or `duckdb:PATH`); `Settings.warehouse`
is the Warehouse behind it, chosen by warehouse.location.locate (the one place a backend is
chosen), and the archive and office folders default to where that Warehouse keeps them.

Environment: ASSESS_INBOX, ASSESS_WAREHOUSE, ASSESS_ARCHIVE, ASSESS_OUT, ASSESS_LOCK_WAIT
(seconds), ASSESS_NIGHTLY_CRON, ASSESS_COUNTY (the county's name in the title of 看板.html,
e.g. 大英县; default none), ASSESS_TIMEZONE (the time zone of the times people read, default
Asia/Shanghai: Beijing time), and ASSESS_CONFIG (the config file, default ./assess.toml,
keys in its [assess] table). An empty environment variable counts as not set; a zero is a zero.
The PII key is never read from a file: ASSESS_PII_KEY or the Prefect Secret block
`assess-pii-key`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from warehouse.location import DEFAULT_LOCATION, Warehouse, locate

SECRET_BLOCK = "assess-pii-key"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; str() is the one-line Chinese reason.
    `warehouse` is where the failed run can still be recorded (None when that is what failed)."""

    def __init__(self, message: str, warehouse: Warehouse | None = None) -> None:
        super().__init__(message)
        self.warehouse = warehouse


# What a usable value looks like, for the settings whose rule is not obvious from the name.
EXPECTED_VALUES = {
    "lock_wait_seconds": "应为有限的非负秒数（如 600；0 表示不等待），不能是 inf 或 nan",
}
ENVIRONMENT = {"lock_wait_seconds": "ASSESS_LOCK_WAIT", "timezone": "ASSESS_TIMEZONE"}


def _located(value: object) -> object:
    """A location as given (text or a path) becomes its Warehouse; anything else is left for
    the type check to refuse, in the same one line as any unusable setting."""
    return locate(value) if isinstance(value, str | os.PathLike) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSESS_",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        arbitrary_types_allowed=True,  # the Warehouse
    )

    inbox: Path = Path("inbox")
    warehouse: Annotated[Warehouse, BeforeValidator(_located)] = locate(DEFAULT_LOCATION)
    archive: Path | None = None  # default: archive/ beside the warehouse (its default_archive)
    out: Path | None = None  # office files, out/<year>/...; default: out/ beside the warehouse
    lock_wait_seconds: Annotated[
        float,
        Field(
            ge=0,
            allow_inf_nan=False,  # "inf" would wait forever in silence
            validation_alias=AliasChoices("lock_wait_seconds", "ASSESS_LOCK_WAIT"),
        ),
    ] = 600
    nightly_cron: str = "0 2 * * *"
    county: str = ""  # shown in the title of 看板.html
    timezone: str = "Asia/Shanghai"  # the time zone of times shown to people (看板.html)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区：{value}（如 Asia/Shanghai）") from None
        return value

    @model_validator(mode="after")
    def _beside_the_warehouse(self) -> Self:
        object.__setattr__(self, "archive", self.archive or self.warehouse.default_archive)
        object.__setattr__(self, "out", self.out or self.warehouse.default_out)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("ASSESS_CONFIG") or "assess.toml")
        toml = TomlConfigSettingsSource(settings_cls, config_file, toml_table_header=("assess",))
        return init_settings, env_settings, toml


def settings(**options: Any) -> Settings:
    """The settings, with the command line's options (None = not given) taking precedence."""
    given = {k: v for k, v in options.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        name = f"{where}（{ENVIRONMENT[where]}）" if where in ENVIRONMENT else where
        rule = f"：{EXPECTED_VALUES[where]}" if where in EXPECTED_VALUES else ""
        if not rule and first["type"] == "value_error":  # our validators' own reason
            rule = f"：{first['ctx']['error']}"
        raise SettingsError(
            f"设置 {name} 的值 {first['input']!r} 无效{rule}（见 assess.toml 或 ASSESS_* 环境变量）",
            _warehouse_despite(given, where),
        ) from None


def _warehouse_despite(given: dict[str, Any], broken: str) -> Warehouse | None:
    """The warehouse the settings name when the one broken setting is left at its default:
    where a run refused for that setting is still recorded."""
    if broken not in Settings.model_fields or broken == "warehouse":
        return None
    try:
        return Settings(**given, **{broken: Settings.model_fields[broken].default}).warehouse
    except ValidationError:  # another setting is broken too
        return None


def pii_key() -> bytes | None:
    """The HMAC key for survey IPs, or None when none is configured."""
    key = os.environ.get("ASSESS_PII_KEY")
    if key:
        return key.encode()
    try:
        from prefect.blocks.system import Secret

        return Secret.load(SECRET_BLOCK, _sync=True).get().encode()
    except Exception:  # no such block, or no Prefect API reachable: treated as "not configured"
        return None
