"""Coordination on the lower apps' pages, put there by the composition
(desk/panels.py through core/panels.py): the directory on the incident page and the
watchlist, the meetings' action items on Tugas saya and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts.models import Role
from deskpemilu.coordination import services as coordination
from deskpemilu.coordination.tests.conftest import item_of, meeting_of
from deskpemilu.core import panels
from deskpemilu.core.timeutil import wib_date
from deskpemilu.incidents import services
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db

TPS_5 = "3673041003005"  # Kota Serang, Curug, Kemanisan
DIRECTORY = (
    "peran;nama;telepon;kode_wilayah\r\n"
    f"Ketua KPPS;Budi Santoso;0812-1111-0001;{TPS_5}\r\n"
    "pps;Siti Aminah;081211110002;36.73.04.1003\r\n"
    "ppk;Rahmat Hidayat;081211110004;36.73.04\r\n"
    "ppk;Dedi Lebak;081211110009;36.02.01\r\n"
).encode()


def test_a_page_without_providers_gets_an_empty_list():
    assert panels.extras("no-such-page", user=None) == {"panels": []}


def test_the_incident_page_says_whom_to_call_from_the_directory(
    kabkota_operator, client_for
):
    coordination.contacts_import(name="kontak.csv", data=DIRECTORY)
    incident = services.incident_create(
        actor=kabkota_operator,
        category="politik_uang",
        severity="berat",
        title="Bagi amplop",
        description="Tim sukses membagi amplop di dekat TPS 005",
        tps=TPS.objects.get(code=TPS_5),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    page = client_for(kabkota_operator).get(
        reverse("incidents:detail", args=[incident.pk])
    )
    html = page.content.decode()
    assert 'id="whom-to-call"' in html
    for name in ("Budi Santoso", "Siti Aminah", "Rahmat Hidayat"):
        assert name in html
    assert "Dedi Lebak" not in html  # another kab/kota's PPK
    assert "081211110002" not in html  # an operator sees phones masked


def test_tugas_saya_lists_the_agencys_action_items_due_and_the_dashboard_the_overdue(
    client_for, province_coordinator
):
    liaison = make_member("polres_kota", "polresta-serang-kota", Role.LIAISON, "36.73")
    today = wib_date(timezone.now())
    meeting = meeting_of("36.73", province_coordinator)
    late = item_of(meeting, "polresta-serang-kota", today - dt.timedelta(days=2))
    soon = item_of(meeting, "polresta-serang-kota", today + dt.timedelta(days=1))
    later = item_of(meeting, "polresta-serang-kota", today + dt.timedelta(days=30))
    late.description, soon.description = "Patroli TPS rawan", "Siapkan personel"
    late.save(), soon.save()

    tasks = client_for(liaison).get(reverse("incidents:tasks")).content.decode()
    assert 'id="action-items"' in tasks
    assert f'data-item="{late.pk}"' in tasks and f'data-item="{soon.pk}"' in tasks
    assert f'data-item="{later.pk}"' not in tasks

    home = client_for(province_coordinator).get(reverse("home")).content.decode()
    assert f'data-item="{late.pk}"' in home
    assert f'data-item="{soon.pk}"' not in home  # the dashboard: overdue only


def test_the_dashboard_has_no_action_item_card_when_none_is_overdue(
    client_for, province_coordinator
):
    home = client_for(province_coordinator).get(reverse("home")).content.decode()
    assert 'id="action-items"' not in home


def test_the_watchlist_names_the_directorys_people_of_each_missing_tps(
    client_for, province_coordinator
):
    coordination.contacts_import(name="kontak.csv", data=DIRECTORY)
    page = client_for(province_coordinator).get(
        reverse("situation:watchlist", args=["36.73.04.1003"])
    )
    html = page.content.decode()
    row = html[html.index(TPS_5) :]
    row = row[: row.index("</tr>")]
    assert "Budi Santoso" in row and "Siti Aminah" in row and "Rahmat Hidayat" in row
    assert "Dedi Lebak" not in html


def test_the_region_page_shows_the_officials_statements_from_the_news(
    province_coordinator, kabkota_operator, client_for
):
    from deskpemilu.media.services import article_ingest
    from deskpemilu.media.tests.test_desk import _read

    article_ingest(
        actor=province_coordinator, text=_read("seed_article_banten_20240320.txt")
    )
    page = client_for(kabkota_operator).get(reverse("situation:region", args=["36.73"]))
    html = page.content.decode()
    assert 'id="media-statements"' in html and "Al Muktabar" in html
