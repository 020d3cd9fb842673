"""Which database errors mean "the database is away, try again" (503), and which are
faults of the request or the code (they stay 500s and show up in the logs)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection

from deskpemilu.core.dbavailability import closed_by_server, database_unavailable
from deskpemilu.devtools.pgcluster import free_port


def raised(action) -> BaseException:
    with pytest.raises(Exception) as caught:
        action()
    return caught.value


def test_a_postgresql_server_that_does_not_answer_is_unavailable():
    error = raised(
        lambda: psycopg.connect(host="127.0.0.1", port=free_port(), connect_timeout=2)
    )
    assert isinstance(error, psycopg.OperationalError)
    assert database_unavailable(error)


def test_django_wrapping_keeps_the_cause_that_decides():
    cause = raised(
        lambda: psycopg.connect(host="127.0.0.1", port=free_port(), connect_timeout=2)
    )
    wrapped = OperationalError(str(cause))
    wrapped.__cause__ = cause
    assert database_unavailable(wrapped)


def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path):
    error = raised(
        lambda: sqlite3.connect(tmp_path / "missing" / "x.sqlite3").execute("SELECT 1")
    )
    assert database_unavailable(error)


def test_a_bad_statement_or_a_constraint_is_not_an_outage(tmp_path):
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    assert not database_unavailable(raised(lambda: db.execute("SELECT * FROM nowhere")))
    assert not database_unavailable(IntegrityError("duplicate key"))
    assert not database_unavailable(ValueError("not a database error"))


@pytest.mark.django_db
def test_the_socket_check_leaves_sqlite_and_open_transactions_alone():
    connection.ensure_connection()
    assert closed_by_server(connection) is False
