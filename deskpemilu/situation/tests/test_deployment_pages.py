"""The deployment plan and TPS-rawan pages: scope, roles, the plan's rows, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deskpemilu.accounts.models import Agency
from deskpemilu.regions.models import Region
from deskpemilu.situation import tps_table
from deskpemilu.situation.models import PolresPersonnel, TpsVulnerability
from deskpemilu.situation.tests.conftest import CURUG, KOTA_SERANG

pytestmark = pytest.mark.django_db

TPS_CODE = "3673041003005"  # in Kec. Curug, Kota Serang (the template's example)


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    header = tps_table.template_csv().splitlines()[0]
    body = "\r\n".join([header, *(",".join(r) for r in rows)]) + "\r\n"
    return SimpleUploadedFile("tps.csv", body.encode(), content_type="text/csv")


def _row(code: str, present: set[str]) -> list[str]:
    keys = tps_table.template_csv().splitlines()[0].split(",")[1:-1]
    return [code, *("1" if k in present else "0" for k in keys), "uji"]


@pytest.mark.parametrize("name", ["situation:deployment", "situation:tps-rawan"])
def test_login_is_needed(name):
    response = Client().get(reverse(name, args=[KOTA_SERANG]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_template_needs_login_and_is_a_csv_attachment(kabkota_operator, client_for):
    url = reverse("situation:tps-rawan-template")
    assert Client().get(url).status_code == 302
    response = client_for(kabkota_operator).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == tps_table.template_csv()


@pytest.mark.parametrize("name", ["situation:deployment", "situation:tps-rawan"])
def test_out_of_scope_is_404(kabkota_operator, client_for, name):
    client = client_for(kabkota_operator)
    assert client.get(reverse(name, args=["36.01"])).status_code == 404
    assert client.get(reverse(name, args=[KOTA_SERANG])).status_code == 200


def test_a_read_only_role_may_not_post(leader, client_for):
    client = client_for(leader)
    url = reverse("situation:deployment", args=[KOTA_SERANG])
    data = {"agency": "polresta-serang-kota", "police": "10", "linmas": "20"}
    assert client.post(url, data).status_code == 403
    url = reverse("situation:tps-rawan", args=[KOTA_SERANG])
    response = client.post(url, {"file": _csv([_row(TPS_CODE, {"dptb"})])})
    assert response.status_code == 403
    assert not PolresPersonnel.objects.exists()
    assert not TpsVulnerability.objects.exists()


def test_the_deployment_page_shows_the_kecamatan_of_kota_serang(
    kabkota_operator, client_for
):
    response = client_for(kabkota_operator).get(
        reverse("situation:deployment", args=[KOTA_SERANG])
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    kecamatan = Region.objects.filter(parent__code=KOTA_SERANG)
    assert [r.code for r in plan.rows] == sorted(k.code for k in kecamatan)
    assert CURUG in [r.code for r in plan.rows]
    html = response.content.decode()
    for k in kecamatan:
        assert k.name in html


def test_the_desk_records_polres_personnel(kabkota_operator, client_for):
    url = reverse("situation:deployment", args=[KOTA_SERANG])
    data = {"agency": "polresta-serang-kota", "police": "120", "linmas": "400"}
    response = client_for(kabkota_operator).post(url, data)
    assert response.status_code == 302
    record = PolresPersonnel.objects.get(
        agency=Agency.objects.get(code="polresta-serang-kota")
    )
    assert (record.police, record.linmas) == (120, 400)
    page = client_for(kabkota_operator).get(url)
    assert page.context["plan"].total.police_available == 120


def test_an_upload_classes_a_tps_and_the_page_lists_it(kabkota_operator, client_for):
    client = client_for(kabkota_operator)
    url = reverse("situation:tps-rawan", args=[CURUG])
    present = {"riwayat_kekerasan", "politik_uang", "kendala_internet"}
    response = client.post(url, {"file": _csv([_row(TPS_CODE, present)])})
    assert response.status_code == 200
    assert response.context["report"].rows == 1
    record = TpsVulnerability.objects.get(tps__code=TPS_CODE)
    assert record.riwayat_kekerasan and record.politik_uang
    rows = {r.code: r for r in response.context["page"].paginator.object_list}
    assert rows[TPS_CODE].has_data
    assert rows[TPS_CODE].tps_class != "kurang_rawan"
    assert response.context["with_data"] == 1
    # the page lists it (on one of its pages of 50)
    found = any(
        TPS_CODE in client.get(url, {"halaman": n}).content.decode()
        for n in range(1, response.context["page"].paginator.num_pages + 1)
    )
    assert found


def test_a_bad_file_shows_an_error_and_changes_nothing(kabkota_operator, client_for):
    url = reverse("situation:tps-rawan", args=[KOTA_SERANG])
    bad = _csv([_row(TPS_CODE, {"dptb"}), _row("123", set())])
    response = client_for(kabkota_operator).post(url, {"file": bad})
    assert response.status_code == 422
    assert response.context["problems"]
    assert "import-error" in response.content.decode()
    assert not TpsVulnerability.objects.exists()


def test_the_deployment_pattern_is_said_in_words(kabkota_operator, client_for):
    url = reverse("situation:deployment", args=[KOTA_SERANG])
    html = client_for(kabkota_operator).get(url).content.decode()
    pattern = html[html.index('id="pattern"') : html.index("</ul>")]
    assert (
        "<b>Kurang rawan</b>: 2 polisi untuk setiap kelompok 4 sampai 8 TPS; "
        "2 Linmas di setiap TPS" in pattern
    )
    assert "<b>Rawan</b>: 2 polisi untuk setiap 2 TPS; 2 Linmas di setiap TPS" in (
        pattern
    )
    # The notation of the setting is only a tooltip, never the text.
    assert "kurang_rawan" not in pattern.replace('data-class="kurang_rawan"', "")
    assert ">2:4-8:8-16<" not in pattern
