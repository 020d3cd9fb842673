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


def _statements_of(item: Incoming) -> tuple[bulk.Result, list[tuple[str, int]]]:
    """The result of one message, and each statement it sent with how many
    transactions or savepoints the desk had opened around it beyond the test's own
    (the test runs in a transaction; a BEGIN the desk opens shows as one more)."""
    sent: list[tuple[str, int]] = []
    base = len(connection.atomic_blocks)

    def record(execute, sql, params, many, context):
        sent.append((sql, len(connection.atomic_blocks) - base))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = bulk.handle_one(item)
    return result, sent


@pytest.mark.django_db
def test_a_single_message_costs_two_round_trips_on_postgresql():
    """The path of every webhook request: on PostgreSQL the look-up and the write
    are two statements outside any transaction (the write's own commit is the
    message's durable commit). SQLite keeps its transaction, with at most five
    statements in it (the id, the senders, the TPS, the message, its check-in)."""
    bulk.handle_one(Incoming(channel="api", body="x", provider_id="t:warm"))
    postgres = connection.vendor == "postgresql"
    for item in _batch(1, 300):
        result, sent = _statements_of(item)
        assert not result.duplicate
        if postgres:
            assert [opened for _, opened in sent] == [0, 0], sent
        else:
            assert len([sql for sql, opened in sent if opened]) <= 5, sent
        again, resent = _statements_of(item)  # a retry: answered as the first time
        assert again == result._replace(duplicate=True)
        if postgres:  # and its first answer read back
            assert [opened for _, opened in resent] == [0, 0, 0], resent
    assert InboundMessage.objects.filter(provider_id__startswith="t:3").count() == 5
    assert TpsCheckin.objects.filter(message__provider_id="t:300").count() == 1


@pytest.mark.django_db
def test_a_single_message_that_causes_more_is_written_in_one_transaction():
    bulk.handle_one(Incoming(channel="api", body="x", provider_id="t:warm"))
    # A WhatsApp check-in queues its reply: message, check-in and reply together.
    item = Incoming(
        channel="whatsapp",
        body="BUKA 3601012001001 0705",
        sender="6281200000777",
        reply_to="6281200000777",
        provider_id="wa:1",
    )
    result, sent = _statements_of(item)
    writes = [opened for sql, opened in sent if "INSERT INTO" in sql]
    assert result.status == "parsed" and len(writes) >= 2 and all(writes), sent
