"""The column lists of intake's own SQL (intake/storage.py) against the models: a
field added to a model without its column in the list that writes the table fails
here, not in production as a column left at its default."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskpemilu.intake import bulk, storage
from deskpemilu.intake.bulk import _Row
from deskpemilu.intake.models import InboundMessage, TpsCheckin
from deskpemilu.intake.services import Incoming
from deskpemilu.regions.models import TPS, Region

INTAKE = Path(storage.__file__).parent
# What SQL of our own looks like from Python: a cursor, a raw queryset or
# expression, a question of which database speaks.
SQL_OF_OUR_OWN = re.compile(
    r"\.cursor\(|\bRawSQL\b|\.raw\(|\.extra\(|connection\.vendor|\bpostgres\(\)"
)


def _columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


def test_a_batch_writes_every_column_of_a_message():
    assert set(storage.COLUMNS) == _columns(InboundMessage)
    assert len(set(storage.COLUMNS)) == len(storage.COLUMNS)


def test_a_batch_writes_every_column_of_a_checkin_but_the_id_it_is_given():
    assert set(storage.CHECKIN_COLUMNS) == _columns(TpsCheckin) - {"id"}
    assert len(set(storage.CHECKIN_COLUMNS)) == len(storage.CHECKIN_COLUMNS)


def test_the_columns_the_lookups_read_are_columns_of_their_tables():
    assert set(storage.ANSWER_COLUMNS) <= _columns(InboundMessage)
    tables = {"t": _columns(TPS), "r": _columns(Region)}
    for qualified in storage.TPS_COLUMNS:
        alias, column = qualified.split(".")
        assert column in tables[alias], qualified


def test_a_row_gives_one_value_for_each_column_it_writes():
    now = dt.datetime(2024, 2, 14, 7, 5, tzinfo=dt.UTC)
    row = _Row(
        item=Incoming(channel="api", body="BUKA 3601012001001"),
        id=1,
        checkin=(1, "buka", now),
    )
    values = storage.message_values(row, "now", str, str)
    assert len(values) == len(storage.COLUMNS)
    (checkin,) = storage.checkin_values([row], "now", str)
    assert len(checkin) == len(storage.CHECKIN_COLUMNS)


def test_intake_speaks_sql_of_its_own_in_its_storage_module_only():
    speaking = sorted(
        str(path.relative_to(INTAKE))
        for path in INTAKE.rglob("*.py")
        if path != INTAKE / "storage.py"
        and "tests" not in path.relative_to(INTAKE).parts
        and SQL_OF_OUR_OWN.search(path.read_text(encoding="utf-8"))
    )
    assert speaking == []


def _batch(copies: int, start: int) -> list[Incoming]:
    texts = (
        "BUKA 3601012001001 0705",
        "TUTUP 3601012001999",  # a TPS that does not exist
        "LAPOR 3601012001001 PU S ada bagi amplop",  # from a sender not registered
        "Pak, di desa kami ada orang bagi-bagi uang",
        "BUAK 360101",
    )
    return [
        Incoming(
            channel="api",
            body=text,
            sender=f"62812000{start + n:05d}",
            provider_id=f"t:{start + n}",
        )
        for n, text in enumerate(texts * copies)
    ]


@pytest.mark.django_db
def test_a_batch_costs_the_same_statements_whatever_its_size():
    bulk.messages_handle_batch(_batch(1, 0))  # first of the run: names the sequence
    with CaptureQueriesContext(connection) as small:
        bulk.messages_handle_batch(_batch(1, 100))
    with CaptureQueriesContext(connection) as large:
        results = bulk.messages_handle_batch(_batch(40, 1000))
    assert len(results) == 200 and not any(r.duplicate for r in results)
    assert len(large.captured_queries) == len(small.captured_queries)
