"""Official recap figures (D.Hasil) typed at the desk, per persona: login, scope
(404), read-only roles (403), a kecamatan's figures stored and compared, typing a
region again replaces its figures and says so, bad input refused with an Indonesian
error per field, the arithmetic checked as typed, the link from the recap page and
the admin pages of the results."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client

from deskpemilu.results.models import OfficialRecap
from deskpemilu.results.services.official import recap_report
from deskpemilu.results.tests.conftest import OFFICIAL

pytestmark = pytest.mark.django_db

URL = "/hasil/resmi/entri/"
CHECK = "/hasil/resmi/entri/periksa/"
SUMUR = {"tingkat": "kecamatan", "wilayah": "36.01.01"}
# A consistent D.Hasil of Kec. Sumur, thousands written as people write them.
FIGURES = {
    "source_ref": "D.HASIL KECAMATAN-PPWP Sumur, 28 Februari 2024",
    "dpt_laki": "10.101",
    "dpt_perempuan": "9.899",
    "dpt_total": "20.000",
    "pengguna_hak_pilih_total": "15000",
    "suara_1": "4.281",
    "suara_2": "9000",
    "suara_3": "1419",
    "suara_sah": "14.700",
    "suara_tidak_sah": "300",
    "suara_total": "15 000",
}


def sumur_recap() -> OfficialRecap:
    return OfficialRecap.objects.get(area_code="360101")


def test_the_entry_page_needs_login(sumur):
    for response in (Client().get(URL), Client().post(URL, SUMUR | FIGURES)):
        assert response.status_code == 302 and "/masuk/" in response["Location"]
    assert not OfficialRecap.objects.filter(area_code="360101").exists()


def test_the_province_desk_types_a_kecamatan_recap_and_the_recap_page_compares_it(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    page = client.get(URL, SUMUR)
    assert page.status_code == 200
    assert 'data-area="360101" data-level="kecamatan"' in page.text
    assert 'data-replaces=""' in page.text  # nothing stored yet
    response = client.post(URL, SUMUR | FIGURES)
    assert response.status_code == 302 and response["Location"] == (
        "/hasil/rekap/36.01.01/"
    )
    recap = sumur_recap()
    assert (recap.level, recap.region.code) == ("kecamatan", "36.01.01")
    assert (recap.dpt_laki, recap.dpt_total, recap.suara_total) == (10101, 20000, 15000)
    assert recap.votes == [4281, 9000, 1419] and recap.suara_sah == 14700
    assert recap.dpt_perempuan == 9899 and recap.surat_diterima is None
    assert recap.entered_by == province_coordinator and recap.updated_at
    assert recap.source_ref == FIGURES["source_ref"]
    compared = client.get("/hasil/rekap/36.01.01/")
    assert 'data-area="360101"' in compared.text
    assert 'data-field="suara_2"' in compared.text  # desk 4,281 ... against 9,000


def test_typing_a_region_again_replaces_its_figures_and_says_so(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    client.post(URL, SUMUR | FIGURES)
    first = sumur_recap()
    page = client.get(URL, SUMUR)
    assert f'data-replaces="{first.pk}"' in page.text
    assert "sudah tersimpan; menyimpan akan menggantinya" in page.text
    assert page.context["form"]["suara_1"].value() == 4281  # the stored figures
    corrected = FIGURES | {"suara_1": "4.381", "suara_sah": "14.800", "dpt_laki": ""}
    response = client.post(URL, SUMUR | corrected, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("menggantikan angka yang tersimpan sebelumnya" in m for m in said), said
    assert OfficialRecap.objects.filter(area_code="360101").count() == 1
    recap = sumur_recap()
    assert recap.pk == first.pk and recap.votes[0] == 4381
    assert recap.dpt_laki is None  # an empty box is not on the form any more
    assert recap.updated_at >= first.updated_at


def test_the_imported_province_figures_are_replaced_by_typed_ones(
    sumur, province_coordinator, client_for
):
    imported = OfficialRecap.objects.get(area_code="36")
    assert imported.entered_by is None and imported.votes[1] > 4_000_000
    client = client_for(province_coordinator)
    page = client.get(URL, {"tingkat": "provinsi", "wilayah": "36"})
    assert f'data-replaces="{imported.pk}"' in page.text
    client.post(URL, {"tingkat": "provinsi", "wilayah": "36"} | FIGURES)
    typed = OfficialRecap.objects.get(area_code="36")
    assert typed.pk == imported.pk and typed.votes == [4281, 9000, 1419]
    assert typed.entered_by == province_coordinator
    # Importing the file again puts its figures back: no longer typed by anyone.
    call_command("import_official_recap", str(OFFICIAL))
    again = OfficialRecap.objects.get(area_code="36")
    assert again.votes == imported.votes and again.entered_by is None


def test_the_kota_serang_operator_types_its_own_areas_only(
    sumur, kabkota_operator, client_for
):
    client = client_for(kabkota_operator)
    for picked in (SUMUR, {"tingkat": "provinsi", "wilayah": "36"}):
        assert client.get(URL, picked).status_code == 404
        assert client.post(URL, picked | FIGURES).status_code == 404
    pandeglang = {"tingkat": "kabkota", "wilayah": "3601"}
    assert client.post(URL, pandeglang | FIGURES).status_code == 404
    assert not OfficialRecap.objects.filter(area_code__in=["360101", "3601"]).exists()
    assert OfficialRecap.objects.get(area_code="36").entered_by is None
    page = client.get(URL)
    assert page.status_code == 200
    offered = {code for code, _, _ in page.context["regions"]}
    assert "36.73" in offered and "36.73.04" in offered
    assert not any(code.startswith("36.01") for code in offered) and "36" not in offered
    kota = {"tingkat": "kabkota", "wilayah": "36.73"}
    assert client.post(URL, kota | FIGURES).status_code == 302
    assert OfficialRecap.objects.get(area_code="3673").entered_by == kabkota_operator


def test_read_only_roles_may_not_type_official_figures(
    sumur, leader, police_liaison, client_for
):
    for user in (leader, police_liaison):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL, SUMUR).status_code == 403
        assert client.post(URL, SUMUR | FIGURES).status_code == 403
    assert not OfficialRecap.objects.filter(area_code="360101").exists()
    assert "resmi/entri" not in client_for(leader).get("/hasil/rekap/36/").text


def test_bad_input_is_refused_with_an_indonesian_error_per_field(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    bad = FIGURES | {
        "suara_1": "4,5",
        "dpt_total": "-3",
        "suara_sah": "empat ribu",
        "suara_total": "3000000000",
        "source_ref": "",
    }
    response = client.post(URL, SUMUR | bad)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["suara_1"] == ["Ketik bilangan bulat, mis. 1234567 atau 1.234.567."]
    assert errors["suara_sah"] == errors["suara_1"]
    assert errors["dpt_total"] == ["Hitungan tidak boleh negatif."]
    assert errors["suara_total"] == ["Terlalu besar: paling banyak 2.000.000.000."]
    assert errors["source_ref"] == ["Sebutkan dokumen asal angka-angka ini."]
    assert set(errors) == {
        "suara_1",
        "suara_sah",
        "dpt_total",
        "suara_total",
        "source_ref",
    }
    assert 'class="has-error" data-field="suara_1"' in response.text
    assert "Ketik bilangan bulat" in response.text
    assert not OfficialRecap.objects.filter(area_code="360101").exists()


def test_the_level_picked_must_be_the_regions_own(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    wrong = client.post(URL, {"tingkat": "kabkota", "wilayah": "36.01.01"} | FIGURES)
    assert wrong.status_code == 422
    assert "adalah Kecamatan, bukan Kabupaten/Kota" in wrong.text
    desa = client.get(URL, {"tingkat": "kecamatan", "wilayah": "36.01.01.2001"})
    assert desa.status_code == 422 and 'data-error="no_recap_level"' in desa.text
    assert not OfficialRecap.objects.filter(area_code__startswith="3601").exists()


def test_the_arithmetic_is_checked_as_typed(sumur, province_coordinator, client_for):
    client = client_for(province_coordinator)
    typed = {
        "suara_1": "4.281",
        "suara_2": "9000",
        "suara_3": "1419",
        "suara_sah": "14.710",
        "dpt_total": "20.000",
        "surat_diterima": "20.500",
    }
    fragment = client.post(CHECK, typed)
    assert fragment.status_code == 200
    text = fragment.text
    assert 'data-check="sum_mismatch" data-state="fail"' in text
    assert "= 14700, tetapi suara sah = 14710" in text
    assert 'data-check="total_mismatch" data-state="incomplete"' in text
    # Checks of a single TPS do not apply to a recap of thousands of voters.
    assert 'data-check="absurd_count"' not in text
    assert 'data-check="ballots_received_mismatch"' not in text
    fixed = client.post(CHECK, typed | {"suara_sah": "14700", "suara_2": "9 000x"})
    assert 'data-typing-error="suara_2"' in fixed.text
    assert 'data-check="sum_mismatch" data-state="incomplete"' in fixed.text
    good = client.post(CHECK, typed | {"suara_sah": "14700"})
    assert 'data-check="sum_mismatch" data-state="ok"' in good.text


def test_saving_figures_that_do_not_add_up_stores_them_and_warns(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    response = client.post(URL, SUMUR | FIGURES | {"suara_sah": "14.710"}, follow=True)
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "identitas berikut tidak berlaku" in said
    assert sumur_recap().suara_sah == 14710  # the document is stored as it reads


def test_recap_report_leaves_out_the_checks_of_a_single_tps():
    states, others = recap_report(
        {"dpt_total": 20_000, "surat_diterima": 20_500, "suara_1": 5_000}, 3
    )
    assert {s.check for s in states} >= {"sum_mismatch", "ballots_sum_mismatch"}
    assert [f.check for f in others] == []


def test_the_recap_page_links_each_recap_level_to_the_entry(
    sumur, province_coordinator, client_for
):
    page = client_for(province_coordinator).get("/hasil/rekap/36/")
    assert 'id="enter-official"' in page.text
    assert "/hasil/resmi/entri/?tingkat=provinsi&amp;wilayah=36&amp;" in page.text


def test_the_admin_lists_the_results(sumur, admin_client):
    for url in (
        "/admin/results/resultsheet/?q=3601012001",
        "/admin/results/sheetflag/",
        "/admin/results/decision/",
        "/admin/results/officialrecap/",
        "/admin/results/resultimport/",
    ):
        assert admin_client.get(url).status_code == 200, url
    recap = OfficialRecap.objects.get(area_code="36")
    change = admin_client.get(f"/admin/results/officialrecap/{recap.pk}/change/")
    assert change.status_code == 200
    sheets = admin_client.get("/admin/results/resultsheet/?q=3601012001")
    assert "3601012001001" in sheets.text and "3601012002001" not in sheets.text
    assert admin_client.get("/admin/results/resultsheet/add/").status_code == 403
    assert admin_client.get("/admin/results/resultimport/add/").status_code == 403
