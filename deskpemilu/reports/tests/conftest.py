"""A seeded election day (14 February 2024, 06:00 to 06:00 WIB), built through the
desk's own services: incidents reported, verified, rejected, assigned and followed
up; a coordination meeting with its action items; TPS check-ins; the region status
recomputed at the end of the day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from conftest import make_member
from deskpemilu.accounts.models import Agency, Role
from deskpemilu.coordination.services import action_item_add, meeting_create
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents import services as incidents
from deskpemilu.incidents.models import Incident
from deskpemilu.intake.models import TpsCheckin
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation.services import status_recompute

START = dt.datetime(2024, 2, 14, 6, 0, tzinfo=WIB)
END = START + dt.timedelta(days=1)
KEMANISAN = "36.73.04.1003"  # a desa of Kota Serang


def at(hour: int, minute: int = 0) -> dt.datetime:
    return START.replace(hour=hour, minute=minute)


@dataclass
class ElectionDay:
    clash: Incident  # kritis, verified, assigned to the police, overdue
    money: Incident  # berat, closed
    hoax: Incident  # kritis, rejected
    minor: list[Incident]


def _report(actor, code: str, severity: str, category: str, title: str, when):
    return incidents.incident_create(
        actor=actor,
        category=category,
        severity=severity,
        title=title,
        occurred_at=when,
        region=Region.objects.get(code=code),
    )


def _move(actor, incident: Incident, *targets: str, reason: str = "") -> Incident:
    for target in targets:
        incident = incidents.incident_transition(
            actor=actor,
            incident_id=incident.pk,
            version=None,
            target=target,
            reason=reason,
        )
    return incident


@pytest.fixture
def election_day(province_coordinator) -> ElectionDay:
    coord = province_coordinator
    clash = _report(
        coord, KEMANISAN, "kritis", "kekerasan", "Bentrok massa di TPS 005", at(10)
    )
    clash = _move(coord, clash, "terverifikasi")
    police = Agency.objects.get(code="polresta-serang-kota")
    [assignment] = incidents.incident_assign(
        actor=coord,
        incident_id=clash.pk,
        agency_ids=[police.pk],
        deadline=at(12),
    )
    liaison = make_member(
        "polresta_serang", "polresta-serang-kota", Role.LIAISON, "36.73"
    )
    incidents.followup_record(
        actor=liaison, assignment_id=assignment.pk, action="Personel dikirim ke lokasi"
    )
    money = _report(
        coord,
        "36.01",
        "berat",
        "politik_uang",
        "Pembagian amplop menjelang pencoblosan",
        at(7, 30),
    )
    money = _move(coord, money, "terverifikasi", "ditangani", "selesai")
    hoax = _report(
        coord, KEMANISAN, "kritis", "hoaks_sara", "Kabar kotak suara dibakar", at(9)
    )
    hoax = _move(coord, hoax, "ditolak", reason="hoaks")
    minor = [
        _report(coord, KEMANISAN, "ringan", "logistik", "Surat suara kurang", at(8)),
        _report(coord, "36.72", "sedang", "listrik_internet", "Listrik padam", at(19)),
        _report(coord, "36.72", "ringan", "lainnya", "Antrean panjang", at(23)),
    ]
    # Outside the period: the day before and the day after.
    _report(coord, "36.72", "kritis", "kekerasan", "Di luar periode", at(5))
    meeting = meeting_create(
        actor=coord,
        region=Region.objects.get(code="36"),
        title="Rapat koordinasi hari pemungutan suara",
        held_at=at(13),
        place="Kantor Kesbangpol",
    )
    action_item_add(
        actor=coord,
        meeting_id=meeting.pk,
        description="Patroli gabungan di Kecamatan Curug",
        owner=police,
        due_on=dt.date(2024, 2, 14),
    )
    for number, stage in ((1, "buka"), (2, "buka"), (3, "hitung")):
        TpsCheckin.objects.create(
            tps=TPS.objects.get(code=f"3673041003{number:03d}"),
            stage=stage,
            reported_at=at(7 + number),
        )
    status_recompute(at=END - dt.timedelta(minutes=1))
    return ElectionDay(clash=clash, money=money, hoax=hoax, minor=minor)
