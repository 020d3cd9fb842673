"""Generated input (hypothesis) through every reader of outside input that needs no
database: each input is taken, or refused with a message; nothing else. The same
readers and the same rule as `deskpemilu fuzz` (devtools/fuzzing.py), a few hundred
examples each so that the suite stays fast; the fuzz command runs 100,000.

Crashes it found in the channel parsers are held fixed at the end, with their
smallest input.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskpemilu.core.tabular import ZIP_MAGIC
from deskpemilu.devtools import craft
from deskpemilu.devtools.fuzzing import SEEDS, target, try_input
from deskpemilu.devtools.mutate import Mutator

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
WORK = Path(tempfile.mkdtemp(prefix="deskpemilu-hypothesis-"))
seeds = st.integers(min_value=0, max_value=2**32)
cells = st.text(max_size=30) | st.sampled_from(["", "-5", "²", "9" * 30, "=1+1"])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)

OK = ("accepted", "refused")


def outcome(name: str, data: object, suffix: str = ".csv") -> str:
    return try_input(target(name), data, suffix, WORK)


@FAST
@given(st.text(max_size=200))
def test_any_text_is_a_field_message_or_a_refusal(text):
    assert outcome("fieldcode", text, ".txt") in ("accepted", "refused")


@FAST
@given(seeds)
def test_a_mangled_field_message_is_read_or_refused(seed):
    assert outcome("fieldcode", Mutator(seed).text(), ".txt") in ("accepted", "refused")


@FAST
@given(st.sampled_from(["whatsapp", "telegram"]), seeds)
def test_a_mangled_provider_payload_is_read_or_refused(provider, seed):
    body = Mutator(seed).json_body(provider)
    assert outcome(provider, body, ".json") in OK


@FAST
@given(st.sampled_from(["whatsapp", "telegram"]), json_values)
def test_any_json_shape_is_read_or_refused(provider, value):
    body = json.dumps(value).encode()
    assert outcome(provider, body, ".json") in ("accepted", "refused")


@FAST
@given(st.sampled_from(["gateway", "twilio"]), seeds)
def test_a_mangled_sms_form_is_read_or_refused(provider, seed):
    form = Mutator(seed).form(provider)
    assert outcome(provider, form, ".txt") in OK


@FAST
@given(st.sampled_from(sorted(SEEDS)), seeds)
def test_a_mangled_table_is_read_or_refused(name, seed):
    data = Mutator(seed).csv_file(SEEDS[name])
    assert outcome(name, data) in ("accepted", "refused")


@settings(FAST, max_examples=100)
@given(st.sampled_from(["upload", "tps_table"]), st.lists(st.lists(cells, max_size=8)))
def test_any_rows_as_csv_or_xlsx_are_read_or_refused(name, rows):
    header = SEEDS[name][0]
    text = "\n".join(",".join(row) for row in [header, *rows])
    data = text.encode("utf-8", "surrogatepass")
    assert outcome(name, data) in ("accepted", "refused")
    assert outcome(name, craft.table([header, *rows]), ".xlsx") in (
        "accepted",
        "refused",
    )


@FAST
@given(st.sampled_from(["upload", "tps_table"]), seeds)
def test_a_broken_or_truncated_workbook_is_read_or_refused(name, seed):
    data = Mutator(seed).xlsx_file(SEEDS[name])
    assert outcome(name, data, ".xlsx") in ("accepted", "refused")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_refused_or_read_as_a_spreadsheet(data):
    for name, suffix in (
        ("upload", ".csv"),
        ("upload", ".xlsx"),
        ("tps_table", ".csv"),
    ):
        assert outcome(name, data, suffix) in ("accepted", "refused")
    assert outcome("upload", ZIP_MAGIC + data, ".xlsx") == "refused"


# Crashes the generated input found in the channel parsers, fixed ---------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("parser", ["whatsapp", "telegram"])
def test_deeply_nested_json_is_refused_as_unreadable(parser):
    assert outcome(parser, DEEP, ".json") == "refused"


def test_twilio_refuses_a_superscript_media_count():
    form = b"MessageSid=SM1&From=%2B6281234567890&Body=x&NumMedia=%C2%B2"
    assert outcome("twilio", form, ".txt") == "refused"
