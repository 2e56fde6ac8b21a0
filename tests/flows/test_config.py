"""Settings: one precedence rule (option, environment, assess.toml, default), zeros and
empty values taken at their word."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import SettingsError, settings
from warehouse.location import DuckDBFile


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("INBOX", "WAREHOUSE", "ARCHIVE", "OUT", "LOCK_WAIT", "NIGHTLY_CRON", "CONFIG"):
        monkeypatch.delenv(f"ASSESS_{name}", raising=False)
    return tmp_path


def test_defaults_sit_beside_the_warehouse(here):
    conf = settings()
    assert (conf.inbox, conf.warehouse) == (Path("inbox"), DuckDBFile(Path("assess.duckdb")))
    assert (conf.archive, conf.out, conf.lock_wait_seconds) == (Path("archive"), Path("out"), 600)
    elsewhere = settings(warehouse=Path("/srv/a/assess.duckdb"))
    assert (elsewhere.archive, elsewhere.out) == (Path("/srv/a/archive"), Path("/srv/a/out"))


def test_option_then_environment_then_file_then_default(here, monkeypatch):
    (here / "assess.toml").write_text(
        '[assess]\ninbox = "from-file"\nwarehouse = "file.duckdb"\nlock_wait_seconds = 7\n',
        encoding="utf-8",
    )
    assert settings().inbox == Path("from-file")
    monkeypatch.setenv("ASSESS_INBOX", "from-env")
    assert settings().inbox == Path("from-env")
    assert settings(inbox=Path("from-option")).inbox == Path("from-option")
    assert settings(inbox=None).inbox == Path("from-env")  # an option not given is no option
    assert settings().warehouse == DuckDBFile(Path("file.duckdb"))
    assert settings().lock_wait_seconds == 7


def test_zero_is_zero_and_empty_is_unset(here, monkeypatch):
    (here / "assess.toml").write_text("[assess]\nlock_wait_seconds = 0\n", encoding="utf-8")
    assert settings().lock_wait_seconds == 0
    monkeypatch.setenv("ASSESS_LOCK_WAIT", "")
    monkeypatch.setenv("ASSESS_INBOX", "")
    assert settings().lock_wait_seconds == 0 and settings().inbox == Path("inbox")
    monkeypatch.setenv("ASSESS_LOCK_WAIT", "0")
    (here / "assess.toml").write_text("[assess]\nlock_wait_seconds = 30\n", encoding="utf-8")
    assert settings().lock_wait_seconds == 0


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_an_unusable_value_is_one_line(here, monkeypatch, value):
    monkeypatch.setenv("ASSESS_LOCK_WAIT", value)
    with pytest.raises(SettingsError, match="lock_wait_seconds") as caught:
        settings()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "Infinity", "1e400"])
def test_a_wait_that_never_ends_is_refused(here, monkeypatch, value):
    monkeypatch.setenv("ASSESS_LOCK_WAIT", value)
    with pytest.raises(SettingsError, match="ASSESS_LOCK_WAIT.*有限的非负秒数") as caught:
        settings()
    assert "\n" not in str(caught.value)
    assert caught.value.warehouse == DuckDBFile(Path("assess.duckdb"))  # where it is recorded


def test_inf_in_the_config_file_is_refused_too(here):
    (here / "assess.toml").write_text("[assess]\nlock_wait_seconds = inf\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="lock_wait_seconds"):
        settings()


def test_times_for_people_are_beijing_time_unless_set(here, monkeypatch):
    assert settings().timezone == "Asia/Shanghai"
    monkeypatch.setenv("ASSESS_TIMEZONE", "Asia/Urumqi")
    assert settings().timezone == "Asia/Urumqi"
    monkeypatch.setenv("ASSESS_TIMEZONE", "Mars/Base")
    with pytest.raises(
        SettingsError, match="设置 timezone（ASSESS_TIMEZONE） 的值 'Mars/Base' 无效：未知的时区"
    ):
        settings()
