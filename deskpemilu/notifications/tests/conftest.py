"""Fixtures of the notification tests: real servers, the SMTP settings pointing at
one, and a burst of the real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deskpemilu.desk.schedule import Schedule
from deskpemilu.desk.worker import DeskWorker
from deskpemilu.devtools.sinks import SmtpSink, WebhookReceiver, free_port


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        settings.DESKPEMILU_EMAIL_HOST = "127.0.0.1"
        settings.DESKPEMILU_EMAIL_PORT = sink.port
        settings.DESKPEMILU_EMAIL_TLS = False
        yield sink


@pytest.fixture
def nobody_listens(settings) -> int:
    """SMTP settings pointing at a port where nothing listens."""
    port = free_port()
    settings.DESKPEMILU_EMAIL_HOST = "127.0.0.1"
    settings.DESKPEMILU_EMAIL_PORT = port
    settings.DESKPEMILU_EMAIL_TLS = False
    settings.DESKPEMILU_EMAIL_TIMEOUT = 2
    return port


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret="rahasia-polres-pandeglang") as server:
        yield server


def burst() -> None:
    """The real worker, once through what is queued (without the schedule)."""
    DeskWorker(
        schedule=Schedule([], "uji"), burst=True, interval=0, worker_id="uji"
    ).run()
