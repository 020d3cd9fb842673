"""The whole API against its own OpenAPI schema, with schemathesis: every operation,
with data made from the schema (valid and invalid), answers no server error, only
statuses it documents, and bodies of the documented shape.

In-process: schemathesis calls the WSGI application in the test's thread, so the
requests see the test's database and transaction (pytest-django rolls it back).
Each operation is called with the credential it accepts: the session of the
kab/kota operator persona (Kota Serang) for the desk's endpoints, a client's
bearer token for intake. Session writes need Django's CSRF token; the run sends
it as the desk's pages do (the `csrftoken` cookie and the `X-CSRFToken` header),
so the writes are tested past the CSRF check; a write without it answers 403
`csrf_failed` (declared, and tested in incidents/tests/test_api.py). Schemathesis
drops the credentials itself to check that each operation refuses without them
(401).

Bounded and repeatable: a few examples per operation, derandomized, no example
database, no schemathesis cache between runs. Half the region codes drawn are real
ones of the operator's scope, so answers with data are checked, not only the 404 of
a made-up code. Not checked: `positive_data_
acceptance` (a request the schema allows may still be refused for what it means,
e.g. an unknown region code answers 422) and the stateful phase (links between
operations are not declared).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from deskpemilu.api import api
from deskpemilu.intake import auth
from deskpemilu.intake.models import ApiClient

# Fixed credentials, made valid by the `desk` fixture in each test's database:
# schemathesis builds some cases before any test runs, with their auth applied.
SESSION = "schemathesis0operator0session0key"
CSRF = "Schemathesis0csrf0token000000000"
TOKEN = "dp_schemathesis-gateway-token"
EXAMPLES = 5

CONFIG = schemathesis.Config.from_dict(
    {
        "base-url": "http://testserver",
        # In-process there is no HTTP client to undo gzip (the map's outlines).
        "headers": {"Accept-Encoding": "identity"},
        # Half the region codes are real ones of the operator's scope (Kota Serang,
        # a kecamatan of it), so the answers with data are checked too, not only
        # the 404 of a made-up code.
        "dictionaries": {"regions": {"values": ["36.73", "3673", "36.73.04"]}},
        "parameters": {
            "path.code": {"dictionary": "regions", "probability": 0.5},
            "path.region_code": {"dictionary": "regions", "probability": 0.5},
        },
        "cache": {"enabled": False},
        "checks": {"positive_data_acceptance": {"enabled": False}},
        "phases": {
            "stateful": {"enabled": False},
            "coverage": {"unexpected-methods": []},
        },
        "operations": [
            {
                "include-path": "/api/v1/results/sheets",
                "phases": {"coverage": {"enabled": False}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
# Every call, the probes of the checks too, goes to the application in-process.
schema.app = APP = WSGIHandler()


@schema.auth(refresh_interval=None)
class DeskCredentials:
    """The session and CSRF token for the desk's endpoints; a bearer token for the
    ones of API clients (intake)."""

    def get(self, case, ctx) -> bool:
        return True

    def set(self, case, data, ctx) -> None:
        security = case.operation.definition.raw.get("security", [])
        headers = dict(case.headers or {})
        if any("ApiToken" in s for s in security):
            headers["Authorization"] = f"Bearer {TOKEN}"
        else:
            cookies = dict(case.cookies or {})
            case.cookies = cookies | {"sessionid": SESSION, "csrftoken": CSRF}
            headers["X-CSRFToken"] = CSRF
        case.headers = headers
        case._has_explicit_auth = True


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's application, called as a server would. As in Django's test client,
    a request does not close the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Refused requests are the point here; their warnings would fill the output.
    logger = logging.getLogger("django.request")
    level, logger.level = logger.level, logging.ERROR
    try:
        yield APP
    finally:
        logger.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def desk(db, kabkota_operator) -> None:
    """The operator signed in under SESSION, and an API client with TOKEN."""
    client = Client()
    client.force_login(kabkota_operator)
    made = Session.objects.get(pk=client.cookies["sessionid"].value)
    Session.objects.create(
        session_key=SESSION,
        session_data=made.session_data,
        expire_date=made.expire_date,
    )
    ApiClient.objects.create(
        name="Gateway uji", token_hash=auth.token_hash(TOKEN), token_prefix=TOKEN[:10]
    )
    auth._cache.clear()  # a client id cached by an earlier test is gone


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, desk, wsgi_app):
    case.call_and_validate(app=wsgi_app)
