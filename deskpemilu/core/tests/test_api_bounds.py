"""Input past what the database holds answers 422 with the API's error body, never
500: numbers past a bigint (PostgreSQL: out of range; SQLite: Python int too large),
text with the NUL character (PostgreSQL text cannot hold it)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
HUGE = "9223372036854775808"  # 2**63: one past the largest bigint
API = "/api/v1"
KOTA_SERANG = "36.73"

PAGED = [
    f"{API}/incidents",
    f"{API}/incidents/overdue",
    f"{API}/regions/{KOTA_SERANG}/tps",
    f"{API}/results/flags",
    f"{API}/situation/status/{KOTA_SERANG}/history",
    f"{API}/situation/tps-classes/{KOTA_SERANG}",
    f"{API}/situation/coverage/{KOTA_SERANG}/missing",
]
NUMBERS = [
    f"{API}/incidents?stage={HUGE}",
    f"{API}/incidents/counts?stage={HUGE}",
    f"{API}/incidents/{HUGE}",
    f"{API}/incidents/{HUGE}/duplicates",
    f"{API}/situation/dashboard/{KOTA_SERANG}?stage={HUGE}",
    f"{API}/situation/dashboard/{KOTA_SERANG}/changes?event={HUGE}",
    f"{API}/situation/dashboard/{KOTA_SERANG}/changes?incident={HUGE}",
]


@pytest.fixture
def operator(client_for, kabkota_operator):
    return client_for(kabkota_operator)


def assert_refused(response, field: str) -> None:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == field
    assert body["message"] == f"Isian '{field}' tidak sah atau belum diisi."


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize("name", ["offset", "limit"])
def test_a_page_past_the_database_is_refused(operator, url, name):
    sep = "&" if "?" in url else "?"
    assert_refused(operator.get(f"{url}{sep}{name}={HUGE}"), name)


@pytest.mark.parametrize("url", PAGED)
def test_a_page_of_more_than_a_thousand_is_refused(operator, url):
    assert_refused(operator.get(f"{url}?limit=1001"), "limit")
    # The list of TPS not heard from (with their contacts) pages by 500 at most.
    most = 500 if url.endswith("/missing") else 1000
    assert operator.get(f"{url}?limit={most}&offset=10000000").status_code == 200


@pytest.mark.parametrize("url", NUMBERS)
def test_an_id_past_the_database_is_refused(operator, url):
    response = operator.get(url)
    assert response.status_code == 422, response.content[:300]
    assert set(response.json()) >= {"code", "message", "field"}


def test_numbers_sent_in_a_body_are_bounded_too(client_for, province_coordinator):
    coordinator = client_for(province_coordinator)
    personnel = coordinator.put(
        f"{API}/situation/personnel/polres-pandeglang",
        {"police": int(HUGE), "linmas": 1},
        content_type="application/json",
    )
    assert_refused(personnel, "police")
    assign = coordinator.post(
        f"{API}/incidents/1/assignments",
        {"agency_ids": [int(HUGE)]},
        content_type="application/json",
    )
    assert assign.status_code == 422 and assign.json()["field"] in ("agency_ids", "0")


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/incidents?q=a%00b",
        f"{API}/incidents?region=36%00",
        f"{API}/results/flags?check=%00",
        f"{API}/situation/tps/3673%00",
        f"{API}/regions/36.73%00",
    ],
)
def test_a_nul_character_in_a_query_or_path_is_never_a_server_error(operator, url):
    response = operator.get(url)
    assert response.status_code in (200, 404, 422), response.content[:300]
    assert response.status_code == 200 or set(response.json()) >= {"code", "message"}


def test_a_nul_character_in_a_body_is_never_a_server_error(operator):
    incident = {
        "category": "kekerasan",
        "severity": "ringan",
        "title": "bentrok\x00",
        "region": KOTA_SERANG,
        "occurred_at": "2024-02-14T07:00:00+07:00",
    }
    response = operator.post(
        f"{API}/incidents", incident, content_type="application/json"
    )
    assert response.status_code in (201, 422), response.content[:300]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{API}/situation/coverage/{KOTA_SERANG}?day=0274-07-22", "day"),
        (
            f"{API}/situation/coverage/{KOTA_SERANG}?at=0001-01-01T00:00:00%2B01:00",
            "at",
        ),
        (f"{API}/incidents?date_from=1900-01-01", "date_from"),
        (f"{API}/incidents?date_to=0", "date_to"),
    ],
)
def test_a_date_the_desk_cannot_mean_is_refused(operator, url, field):
    # Before 1924 Jakarta's offset had seconds (+07:07:12), which no RFC 3339 time
    # can write; a number was read as a Unix time.
    assert_refused(operator.get(url), field)
