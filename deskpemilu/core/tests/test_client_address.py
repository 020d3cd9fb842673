"""Where a request comes from, for the rate limits: the socket's peer, or with
proxies in front the entry our outermost proxy wrote in X-Forwarded-For, and never an
address a client wrote itself."""

from __future__ import annotations

import pytest
from django.test import Client

from deskpemilu.core.clientaddr import forwarded_client, proxy_networks
from deskpemilu.intake.models import InboundMessage

LOOPBACK = proxy_networks(("127.0.0.0/8", "::1/128"))
REPORT = {
    "kabkota": "36.73",
    "place": "TPS 005 Kel. Lopang",
    "category": "politik_uang",
    "occurred_at": "2024-02-14T06:30",
    "description": "Ada pembagian amplop berisi uang di dekat TPS pagi ini.",
    "name": "Siti",
    "phone": "0812-3456-7890",
}


def client_of(remote: str, forwarded: str, hops: int) -> str | None:
    return forwarded_client(remote, forwarded, hops=hops, proxies=LOOPBACK)


def test_without_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_of("203.0.113.9", "1.2.3.4", hops=0) == "203.0.113.9"


def test_behind_one_proxy_the_right_most_entry_is_the_client():
    assert client_of("127.0.0.1", "6.6.6.6, 198.51.100.7", hops=1) == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client():
    forwarded = "6.6.6.6, 198.51.100.7, 10.0.0.2"
    assert client_of("::1", forwarded, hops=2) == "198.51.100.7"


def test_a_client_reaching_the_app_directly_cannot_choose_its_address():
    assert client_of("203.0.113.9", "198.51.100.7", hops=1) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_or_not_an_address_is_not_believed():
    assert client_of("127.0.0.1", "198.51.100.7", hops=2) == "127.0.0.1"
    assert client_of("127.0.0.1", "", hops=1) == "127.0.0.1"
    assert client_of("127.0.0.1", "1.2.3.4, unknown", hops=1) == "127.0.0.1"


def test_an_address_is_written_the_one_canonical_way():
    assert client_of("127.0.0.1", "2001:DB8:0:0::1", hops=1) == "2001:db8::1"


@pytest.mark.django_db
def test_a_direct_client_forging_the_header_still_hits_the_public_form_limit(
    settings,
):
    """Item 20: behind the TLS proxy, a client that reaches the app port directly and
    writes a new X-Forwarded-For each time used to get a fresh limit every time."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DESKPEMILU_TRUSTED_PROXIES = 1
    settings.DESKPEMILU_PUBLIC_FORM_LIMIT = 2
    direct = Client(REMOTE_ADDR="203.0.113.9")
    answers = [
        direct.post(
            "/lapor/", REPORT, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 429, 429]
    stored = InboundMessage.objects.values_list("remote_addr", flat=True)
    assert set(stored) == {"203.0.113.9"}


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.DESKPEMILU_TRUSTED_PROXIES = 0
    settings.DESKPEMILU_PUBLIC_FORM_LIMIT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = proxy.post("/lapor/", REPORT, HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert first.status_code == 302
    refused = proxy.post("/lapor/", REPORT, HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert refused.status_code == 429
