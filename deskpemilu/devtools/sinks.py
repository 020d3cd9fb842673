"""Real servers for the notification tests and the benchmark: an SMTP sink
(aiosmtpd) and a webhook receiver (http.server in a thread) that checks every
signature as an agency's system would (docs/notifications.md)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from deskpemilu.notifications import signing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every SMTP line at INFO.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.messages: list[Any] = []
        self.port = free_port()
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(envelope)
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@dataclass
class Received:
    body: dict[str, Any]
    signature_ok: bool
    fresh: bool
    answered: int
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WebhookReceiver:
    """Answers each POST with the next of `answers` (then 200), after checking its
    signature and timestamp with `secret`."""

    secret: str
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.record(raw, dict(self.headers), self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/desk-events"
        self._lock = threading.Lock()

    def record(
        self, raw: bytes, headers: dict[str, str], handler: BaseHTTPRequestHandler
    ) -> None:
        body = json.loads(raw)
        stamp = headers.get(signing.TIMESTAMP_HEADER, "")
        ok = signing.signature_ok(
            self.secret, raw, headers.get(signing.SIGNATURE_HEADER, "")
        )
        fresh = str(body.get("timestamp")) == stamp and signing.fresh(
            int(stamp), time.time()
        )
        with self._lock:
            status = self.answers.pop(0) if self.answers else 200
            if not (ok and fresh):
                status = 401
            self.received.append(Received(body, ok, fresh, status, raw, headers))
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
