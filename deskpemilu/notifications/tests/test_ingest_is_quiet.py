"""What notifications cost intake: nothing but a critical incident's announcement.

`bench notify` compares ingest with notifications on and off, but on two shared cores
the same code swings by +-15 % between runs; this test holds the reason the switch
cannot matter: the messages of an election day (check-ins, reports of sedang and berat
incidents, typos, duplicates) announce no event at all, whether they come one by one
or in a batch, and a critical report announces exactly one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deskpemilu.core.events import announced
from deskpemilu.incidents.models import Incident
from deskpemilu.intake import bulk
from deskpemilu.intake.services import Incoming, reporter_upsert
from deskpemilu.notifications.models import Notification
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db
TPS_CODE = "3601012001001"
OFFICER = "6281200000004"


@pytest.fixture
def heard() -> Iterator[list[str]]:
    kinds: list[str] = []

    def listen(sender: str, kind: str, **_: object) -> None:
        kinds.append(kind)

    announced.connect(listen, dispatch_uid="test.heard")
    yield kinds
    announced.disconnect(dispatch_uid="test.heard")


@pytest.fixture
def officer() -> None:
    reporter_upsert(
        phone=OFFICER,
        name="Siti (PPL Sumberjaya)",
        role="field_officer",
        tps=TPS.objects.get(code=TPS_CODE),
    )


def _day(prefix: str) -> list[Incoming]:
    texts = [
        f"BUKA {TPS_CODE} 0705",
        f"TUTUP {TPS_CODE} 1301",
        f"HITUNG {TPS_CODE} 1330",
        f"LAPOR {TPS_CODE} PU S ada pembagian sembako dekat TPS",
        f"LAPOR {TPS_CODE} PU B ada pembagian amplop di dekat TPS",
        f"buka tps {TPS_CODE[:9]}",
    ]
    senders = (OFFICER, "6281399990000")  # a registered officer and a stranger
    return [
        Incoming(
            channel="sms_gateway",
            body=text,
            sender=sender,
            provider_id=f"{prefix}-{i}-{j}",
        )
        for i, text in enumerate(texts)
        for j, sender in enumerate(senders)
    ]


def test_a_day_of_messages_announces_nothing(
    officer, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for item in _day("one"):
            bulk.handle_one(item)
        bulk.messages_handle_batch(_day("batch"))
        bulk.messages_handle_batch(_day("batch"))  # a gateway's retry: duplicates
    # The officer's reports became incidents (the path the switch could touch) ...
    assert Incident.objects.count() == 4
    # ... and nobody was told, so the listener has nothing to do.
    assert heard == []
    assert not Notification.objects.exists()


def test_a_critical_report_announces_once(
    officer, heard, django_capture_on_commit_callbacks
):
    item = Incoming(
        channel="sms_gateway",
        body=f"LAPOR {TPS_CODE} KEK K bentrok antar pendukung di TPS",
        sender=OFFICER,
        provider_id="kritis-1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        bulk.handle_one(item)
        bulk.handle_one(item)  # the retry is the same message, not a second event
    assert Incident.objects.get().severity == "kritis"
    assert heard == ["critical_incident"]
