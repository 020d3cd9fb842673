"""The outbound worker against a real local HTTP server playing the provider's API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command

from deskpemilu.intake.models import OutboundMessage
from deskpemilu.intake.outbound import outbound_send_due

pytestmark = pytest.mark.django_db


class Provider(BaseHTTPRequestHandler):
    calls: list = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Provider.calls.append(
            (self.path, dict(self.headers), json.loads(self.rfile.read(length)))
        )
        self.send_response(Provider.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    Provider.calls, Provider.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.DESKPEMILU_WHATSAPP_API_BASE = base + "/v21.0"
    settings.DESKPEMILU_WHATSAPP_TOKEN = "wa-token"
    settings.DESKPEMILU_TELEGRAM_API_BASE = base
    settings.DESKPEMILU_TELEGRAM_BOT_TOKEN = "123:abc"
    yield Provider
    server.shutdown()


def test_whatsapp_and_telegram_replies_are_sent_in_the_providers_shape(provider):
    OutboundMessage.objects.create(
        channel="whatsapp",
        recipient="6281234567890",
        body="OK M0000001",
        meta={"phone_number_id": "106540352242922"},
    )
    OutboundMessage.objects.create(channel="telegram", recipient="5551234", body="Halo")
    assert outbound_send_due() == (2, 0)
    (wa_path, wa_headers, wa_body), (tg_path, _, tg_body) = provider.calls
    assert wa_path == "/v21.0/106540352242922/messages"
    assert wa_headers["Authorization"] == "Bearer wa-token"
    assert wa_body["to"] == "6281234567890" and wa_body["text"]["body"] == "OK M0000001"
    assert tg_path == "/bot123:abc/sendMessage" and tg_body["chat_id"] in (
        "5551234",
        5551234,
    )
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_provider_outage_is_retried_later_and_a_refusal_is_final(provider):
    message = OutboundMessage.objects.create(
        channel="telegram", recipient="1", body="x"
    )
    provider.status = 503
    assert outbound_send_due() == (0, 1)
    message.refresh_from_db()
    assert (
        message.status == "queued"
        and message.attempts == 1
        and "503" in message.last_error
    )
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=message.created_at
    )
    provider.status = 400
    assert outbound_send_due() == (0, 1)
    message.refresh_from_db()
    assert message.status == "failed"


def test_the_worker_command_runs_one_pass(provider, capsys):
    OutboundMessage.objects.create(channel="telegram", recipient="1", body="x")
    call_command("send_outbound", "--once")
    assert "terkirim 1" in capsys.readouterr().out
