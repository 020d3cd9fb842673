"""Reading settings from the environment (deskpemilu/core/env.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from deskpemilu.core import env
from deskpemilu.situation.deployment import parse_pattern


def test_unset_means_the_default(monkeypatch):
    monkeypatch.delenv("X_WEIGHTS", raising=False)
    assert env.env_mapping("X_WEIGHTS", {"a": 1, "b": 2}) == {"a": 1.0, "b": 2.0}
    assert env.env_number("X_WEIGHTS", 48) == 48.0


def test_named_numbers_replace_their_defaults_only(monkeypatch):
    monkeypatch.setenv("X_WEIGHTS", "b=2.5, a = 0")
    assert env.env_mapping("X_WEIGHTS", {"a": 1, "b": 2, "c": 3}) == {
        "a": 0.0,
        "b": 2.5,
        "c": 3.0,
    }


@pytest.mark.parametrize("raw", ["d=1", "a", "a=x", "a=-1"])
def test_a_value_that_cannot_be_read_stops_the_start(monkeypatch, raw):
    monkeypatch.setenv("X_WEIGHTS", raw)
    with pytest.raises(ImproperlyConfigured, match="X_WEIGHTS"):
        env.env_mapping("X_WEIGHTS", {"a": 1})


def test_numbers_accept_a_decimal_comma_and_refuse_too_small(monkeypatch):
    monkeypatch.setenv("X_N", "0,25")
    assert env.env_number("X_N", 1) == 0.25
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured):
        env.env_number("X_N", 1, minimum=0.1)


def test_clock_times_read_hours_and_minutes(monkeypatch):
    monkeypatch.setenv("X_T", "buka=08.00")
    times = env.env_clock_times("X_T", {"buka": dt.time(7, 30), "kirim": dt.time(21)})
    assert times == {"buka": dt.time(8, 0), "kirim": dt.time(21, 0)}
    monkeypatch.setenv("X_T", "buka=25:00")
    with pytest.raises(ImproperlyConfigured):
        env.env_clock_times("X_T", {"buka": dt.time(7, 30)})


def test_names_are_checked_against_the_allowed(monkeypatch):
    monkeypatch.setenv("X_S", "sedang,berat,kritis")
    assert env.env_names("X_S", ("berat",), ("ringan", "sedang", "berat", "kritis"))
    monkeypatch.setenv("X_S", "parah")
    with pytest.raises(ImproperlyConfigured):
        env.env_names("X_S", ("berat",), ("berat",))


def test_the_deployment_pattern_is_read_or_refused(monkeypatch):
    monkeypatch.setenv("X_P", "rawan=2:3:6")
    assert env.env_parsed("X_P", parse_pattern)["rawan"].tps_min == 3
    monkeypatch.setenv("X_P", "rawan=2")
    with pytest.raises(ImproperlyConfigured, match="X_P"):
        env.env_parsed("X_P", parse_pattern)


@pytest.mark.parametrize("raw", ["kritis=x", "kritis=1.5", "kritis=-1", "parah=3"])
def test_whole_named_numbers_refuse_anything_else(monkeypatch, raw):
    monkeypatch.setenv("X_H", raw)
    with pytest.raises(ImproperlyConfigured, match="X_H: cannot read"):
        env.env_mapping("X_H", {"kritis": 2}, whole=True)


def test_whole_named_numbers_stay_whole(monkeypatch):
    monkeypatch.setenv("X_H", "kritis=3")
    assert env.env_mapping("X_H", {"kritis": 2, "ringan": 72}, whole=True) == {
        "kritis": 3,
        "ringan": 72,
    }
    assert isinstance(env.env_mapping("X_H", {"kritis": 2}, whole=True)["kritis"], int)


def test_unset_means_what_the_parser_makes_of_nothing(monkeypatch):
    monkeypatch.delenv("X_P", raising=False)
    assert env.env_parsed("X_P", parse_pattern) == parse_pattern("")
