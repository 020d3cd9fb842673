"""Reading the situation settings from the environment."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from deskpemilu.situation import envparse


def test_unset_means_the_default(monkeypatch):
    monkeypatch.delenv("X_WEIGHTS", raising=False)
    assert envparse.mapping("X_WEIGHTS", {"a": 1, "b": 2}) == {"a": 1.0, "b": 2.0}
    assert envparse.number("X_WEIGHTS", 48) == 48.0


def test_named_numbers_replace_their_defaults_only(monkeypatch):
    monkeypatch.setenv("X_WEIGHTS", "b=2.5, a = 0")
    assert envparse.mapping("X_WEIGHTS", {"a": 1, "b": 2, "c": 3}) == {
        "a": 0.0,
        "b": 2.5,
        "c": 3.0,
    }


@pytest.mark.parametrize("raw", ["d=1", "a", "a=x", "a=-1"])
def test_a_value_that_cannot_be_read_stops_the_start(monkeypatch, raw):
    monkeypatch.setenv("X_WEIGHTS", raw)
    with pytest.raises(ImproperlyConfigured, match="X_WEIGHTS"):
        envparse.mapping("X_WEIGHTS", {"a": 1})


def test_numbers_accept_a_decimal_comma_and_refuse_too_small(monkeypatch):
    monkeypatch.setenv("X_N", "0,25")
    assert envparse.number("X_N", 1) == 0.25
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured):
        envparse.number("X_N", 1, minimum=0.1)


def test_clock_times_read_hours_and_minutes(monkeypatch):
    monkeypatch.setenv("X_T", "buka=08.00")
    times = envparse.clock_times("X_T", {"buka": "07:30", "kirim": "21:00"})
    assert times == {"buka": dt.time(8, 0), "kirim": dt.time(21, 0)}
    monkeypatch.setenv("X_T", "buka=25:00")
    with pytest.raises(ImproperlyConfigured):
        envparse.clock_times("X_T", {"buka": "07:30"})


def test_names_are_checked_against_the_allowed(monkeypatch):
    monkeypatch.setenv("X_S", "sedang,berat,kritis")
    assert envparse.names("X_S", ("berat",), ("ringan", "sedang", "berat", "kritis"))
    monkeypatch.setenv("X_S", "parah")
    with pytest.raises(ImproperlyConfigured):
        envparse.names("X_S", ("berat",), ("berat",))


def test_the_deployment_pattern_is_read_or_refused(monkeypatch):
    monkeypatch.setenv("X_P", "rawan=2:3:6")
    assert envparse.deployment_pattern("X_P")["rawan"].tps_min == 3
    monkeypatch.setenv("X_P", "rawan=2")
    with pytest.raises(ImproperlyConfigured, match="X_P"):
        envparse.deployment_pattern("X_P")


def test_the_shipped_settings_have_the_documented_deadlines(settings):
    assert settings.DESKPEMILU_COVERAGE_DEADLINES == {
        "buka": dt.time(7, 30),
        "tutup": dt.time(13, 30),
        "hitung": dt.time(18, 0),
        "kirim": dt.time(21, 0),
    }
    assert settings.DESKPEMILU_STATEMENT_SIGNIFICANT == ("berat", "kritis")
