"""The results pages per persona: login, scope (404), read-only refusals (403), the
dashboard, the flag queue, one TPS with every source, decisions and the recap, the
entry form and its live check, the exports, and a fixed query cost on lists.

Interface text is translated later, so the tests read data attributes, codes and
the Indonesian details the checks write.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from deskpemilu.results.areas import recap_table
from deskpemilu.results.models import Decision, FlagStatus, ResultSheet, SheetFlag
from deskpemilu.results.services import screens_run
from deskpemilu.results.tests.conftest import SUMSHEET_BAD, SUMUR_TPS

pytestmark = pytest.mark.django_db

PAGES = [
    "/hasil/",
    "/hasil/flags/",
    f"/hasil/tps/{SUMUR_TPS}/",
    "/hasil/rekap/36/",
    "/hasil/entri/",
    "/hasil/ekspor/desk.csv",
    "/hasil/ekspor/flags.json",
]
SHEET = {
    "kode_tps": "3601012001002",
    "dpt_laki": "145",
    "dpt_perempuan": "145",
    "dpt_total": "290",
    "pengguna_hak_pilih_total": "218",
    "suara_1": "118",
    "suara_2": "76",
    "suara_3": "18",
    "suara_sah": "212",
    "suara_tidak_sah": "6",
    "suara_total": "218",
}


def flag_of(code: str, check: str) -> SheetFlag:
    return SheetFlag.objects.get(tps_code=code, check_name=check)


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_needs_login(url, sumur):
    response = Client().get(url)
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_the_kota_serang_operator_does_not_find_sumur(
    sumur, kabkota_operator, client_for
):
    client = client_for(kabkota_operator)
    flag = flag_of(SUMSHEET_BAD, "sum_mismatch")
    for url in (
        f"/hasil/tps/{SUMUR_TPS}/",
        "/hasil/rekap/36.01.01/",
        "/hasil/?wilayah=36.01",
        "/hasil/ekspor/desk.csv?wilayah=36.01.01",
    ):
        assert client.get(url).status_code == 404, url
    decide = {"field": "suara_1", "value": "1", "reason": "uji"}
    assert client.post(f"/hasil/tps/{SUMUR_TPS}/keputusan/", decide).status_code == 404
    close = {"status": "dismissed", "note": "uji"}
    assert client.post(f"/hasil/flags/{flag.pk}/tutup/", close).status_code == 404
    # Its own pages show Kota Serang, without a Sumur row or flag anywhere.
    page = client.get("/hasil/")
    assert page.status_code == 200 and 'data-region="36.73"' in page.text
    assert "3601" not in client.get("/hasil/flags/").text
    assert rows_of(client.get("/hasil/ekspor/desk.csv")) == []
    assert json.loads(b"".join(client.get("/hasil/ekspor/flags.json"))) == []


def test_the_leader_reads_but_may_not_write(sumur, leader, client_for):
    client = client_for(leader)
    assert client.get(f"/hasil/tps/{SUMUR_TPS}/").status_code == 200
    assert "keputusan/" not in client.get(f"/hasil/tps/{SUMUR_TPS}/").text
    flag = flag_of(SUMSHEET_BAD, "sum_mismatch")
    decide = {"field": "suara_1", "value": "1", "reason": "uji"}
    assert client.post(f"/hasil/tps/{SUMUR_TPS}/keputusan/", decide).status_code == 403
    assert client.post(f"/hasil/tps/{SUMUR_TPS}/keputusan/", {}).status_code == 403
    close = {"status": "dismissed", "note": "uji"}
    assert client.post(f"/hasil/flags/{flag.pk}/tutup/", close).status_code == 403
    assert client.get("/hasil/entri/").status_code == 403
    assert client.post("/hasil/entri/", SHEET).status_code == 403
    assert client.post("/hasil/layar/jalankan/", {"wilayah": "36"}).status_code == 403
    assert not Decision.objects.exists()
    assert flag_of(SUMSHEET_BAD, "sum_mismatch").status == FlagStatus.OPEN


def test_the_police_liaison_reads_sumur_but_does_not_decide(
    sumur, police_liaison, client_for
):
    client = client_for(police_liaison)
    assert client.get(f"/hasil/tps/{SUMUR_TPS}/").status_code == 200
    decide = {"field": "suara_1", "value": "1", "reason": "uji"}
    assert client.post(f"/hasil/tps/{SUMUR_TPS}/keputusan/", decide).status_code == 403


def test_the_dashboard_shows_progress_winners_and_screens(
    sumur, province_coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(province_coordinator)
    with django_assert_max_num_queries(14):
        page = client.get("/hasil/?wilayah=36.01.01")
    assert page.status_code == 200
    text = page.text
    assert 'id="with-sheet">66 / 69' in text
    assert '<tr data-code="36.01.01.2001">' in text  # Sumberjaya and its desa siblings
    assert page.context["total"].winner == 2 and page.context["total"].votes[0] == 4281
    assert text.count('data-verdict="insufficient sample"') == 1  # fingerprint: 66 TPS
    assert page.context["screens"]["last_digit"].sample >= 100
    assert "<svg" in text and 'id="chart-last-digit"' in text
    assert 'data-check="sum_mismatch">1<' in text
    assert "api/v1/results/progress?region=36.01.01" in text
    province = client.get("/hasil/")
    assert 'data-region="36"' in province.text and 'data-code="36.01"' in province.text


def _leader(text: str) -> str:
    (cell,) = re.findall(r'<dd id="leader">(.*?)</dd>', text, re.S)
    return cell


def test_a_leader_is_named_only_above_the_coverage_setting(
    sumur, province_coordinator, client_for, settings
):
    client = client_for(province_coordinator)
    # Kec. Sumur: 66 of 69 TPS have a sheet; 02 leads.
    sumur_page = client.get("/hasil/?wilayah=36.01.01")
    leader = _leader(sumur_page.text)
    assert "02" in leader and "too-early" not in leader
    assert 'class="muted coverage"' in leader and "95,7" in leader
    # Banten: the same 66 sheets are 0.2 % of its TPS: no leader, the coverage said.
    banten = client.get("/hasil/?wilayah=36")
    leader = _leader(banten.text)
    assert 'class="muted too-early"' in leader and "02" not in leader
    assert 'class="muted coverage"' in leader
    assert banten.context["total"].winner == 2  # known, not shown
    rows = re.findall(r'<tr data-code="36\.\d\d">.*?</tr>', banten.text, re.S)
    pandeglang = next(r for r in rows if 'data-code="36.01"' in r)
    assert "too-early" in pandeglang and "%" not in pandeglang.split("too-early")[1]
    settings.DESKPEMILU_RESULTS_LEADER_MIN_COVERAGE = 0.0
    leader = _leader(client.get("/hasil/?wilayah=36").text)
    assert "02" in leader and "too-early" not in leader


def test_the_desk_runs_the_outlier_screens_from_the_dashboard(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    response = client.post("/hasil/layar/jalankan/", {"wilayah": "36.01"})
    assert response.status_code == 302
    assert flag_of("3601012001007", "turnout_outlier").status == FlagStatus.OPEN


def test_the_flag_queue_filters_by_check_and_region_at_a_fixed_cost(
    sumur, province_coordinator, client_for, django_assert_max_num_queries
):
    screens_run(contest=sumur)
    client = client_for(province_coordinator)
    with django_assert_max_num_queries(9):
        page = client.get("/hasil/flags/")
    codes = {f.tps_code for f in page.context["page_obj"]}
    assert codes == {
        "3601012001003",
        "3601012001007",
        SUMSHEET_BAD,
        "3601012003009",
        "3601012007012",
    }
    page = client.get("/hasil/flags/?check=sum_mismatch&wilayah=360101")
    assert [f.tps_code for f in page.context["page_obj"]] == [SUMSHEET_BAD]
    assert (
        client.get("/hasil/flags/?wilayah=36.73").context["page_obj"].object_list == []
    )
    unknown = client.get("/hasil/flags/?wilayah=99")
    assert unknown.status_code == 200 and unknown.context["form"].errors


def test_the_tps_page_puts_sources_side_by_side(
    sumur, province_coordinator, client_for, tmp_path
):
    witness = tmp_path / "saksi.csv"
    witness.write_text(
        "kode_tps,dpt_total,suara_1,suara_2,suara_3,suara_sah,foto\n"
        f"{SUMUR_TPS},289,98,118,11,227,https://example.org/c1.jpg\n"
    )
    call_command("import_results", str(witness), "--source", "saksi")
    page = client_for(province_coordinator).get(f"/hasil/tps/{SUMUR_TPS}/")
    assert page.status_code == 200
    rows = {r.name: r for r in page.context["data"].rows}
    assert rows["suara_3"].values == [10, 11] and rows["suara_3"].differs
    assert rows["suara_1"].values == [98, 98] and not rows["suara_1"].differs
    assert rows["suara_3"].desk == 10
    assert 'class="differs flagged" data-field="suara_3"' in page.text
    assert '<tr class="" data-field="suara_1"' in page.text
    assert "https://example.org/c1.jpg" in page.text
    assert 'data-check="source_conflict"' in page.text


def test_a_decision_from_the_tps_page_changes_the_recap(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    before = recap_table(sumur, "360101").get("360101", "suara_sah")
    decide = {
        "field": "suara_sah",
        "value": "228",
        "chosen_source": "kpu_sirekap",
        "reason": "110 + 87 + 31 = 228, terbaca di foto",
    }
    response = client.post(f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", decide)
    assert response.status_code == 302
    after = recap_table(sumur, "360101").get("360101", "suara_sah")
    assert after[0] == before[0] - 110 + 228
    # The sheet is checked again: the candidates now add up to the valid votes,
    # but valid + invalid (228 + 87) is still not the total (31).
    summed = flag_of(SUMSHEET_BAD, "sum_mismatch")
    assert summed.status == FlagStatus.RESOLVED
    decision = Decision.objects.get(tps_code=SUMSHEET_BAD, field="suara_sah")
    assert summed.note.startswith(f"diperiksa ulang setelah keputusan #{decision.id}")
    assert flag_of(SUMSHEET_BAD, "total_mismatch").status == FlagStatus.OPEN
    page = client.get(f"/hasil/tps/{SUMSHEET_BAD}/")
    assert {r.name: r for r in page.context["data"].rows}["suara_sah"].desk == 228
    refused = client.post(f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", {"field": "x"})
    assert refused.status_code == 422
    recap = client.get("/hasil/rekap/36/")
    assert recap.status_code == 200 and 'data-area="36"' in recap.text
    assert SUMSHEET_BAD in recap.text  # a TPS behind Banten's difference


def test_the_queue_proposes_the_fix_the_sheet_explains(
    sumur, province_coordinator, client_for
):
    # 3601012002012: the candidate counts 110, 87, 31 copied into the totals.
    client = client_for(province_coordinator)
    page = client.get("/hasil/flags/?wilayah=360101")
    rows = re.findall(
        rf'<tr class="flag" data-tps="{SUMSHEET_BAD}".*?</tr>', page.text, re.S
    )
    assert len(rows) == 3  # sum, total and voters identities
    for row in rows:
        assert 'data-kind="copied"' in row
        fixes = re.findall(r'data-field="(\w+)">[^<]*: (\d+) → <b>(\d+)</b>', row)
        assert fixes == [
            ("suara_sah", "110", "228"),
            ("suara_tidak_sah", "87", "15"),
            ("suara_total", "31", "243"),
        ]
    # DPT men + women = 298 but total 295: the identities do not say which.
    (dpt,) = re.findall(
        r'<tr class="flag" data-tps="3601012001003".*?</tr>', page.text, re.S
    )
    assert "proposal" not in dpt


def test_one_decision_over_several_fields_closes_the_flags_it_resolves(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    tps = client.get(f"/hasil/tps/{SUMSHEET_BAD}/")
    assert tps.text.count('class="apply-proposal"') == 3  # one per flag
    # What the page's "keep these values" button posts.
    apply = {
        "field": "suara_sah",
        "value": "228",
        "field_2": "suara_tidak_sah",
        "value_2": "15",
        "field_3": "suara_total",
        "value_3": "243",
        "chosen_source": "",
        "reason": "angka paslon tersalin ke baris suara sah / tidak sah / total",
    }
    response = client.post(f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", apply)
    assert response.status_code == 302
    decisions = Decision.objects.filter(tps_code=SUMSHEET_BAD).order_by("id")
    assert [(d.field, d.value) for d in decisions] == [
        ("suara_sah", 228),
        ("suara_tidak_sah", 15),
        ("suara_total", 243),
    ]
    numbers = ", ".join(f"#{d.id}" for d in decisions)
    for check in ("sum_mismatch", "total_mismatch", "voters_mismatch"):
        flag = flag_of(SUMSHEET_BAD, check)
        assert flag.status == FlagStatus.RESOLVED
        assert (
            flag.note == f"diperiksa ulang setelah keputusan {numbers}: kini terpenuhi"
        )
    # Other TPS' flags are untouched.
    assert flag_of("3601012001003", "dpt_sum_mismatch").status == FlagStatus.OPEN
    twice = dict(apply, field_2="suara_sah")
    refused = client.post(f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", twice)
    assert refused.status_code == 422
    assert Decision.objects.filter(tps_code=SUMSHEET_BAD).count() == 3


def test_closing_a_flag_needs_a_note(sumur, province_coordinator, client_for):
    client = client_for(province_coordinator)
    flag = flag_of("3601012003009", "admin_block_empty")
    refused = client.post(f"/hasil/flags/{flag.pk}/tutup/", {"status": "resolved"})
    assert refused.status_code == 422
    done = client.post(
        f"/hasil/flags/{flag.pk}/tutup/",
        {"status": "dismissed", "note": "Blok administrasi kosong di formulir asli"},
    )
    assert done.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("dismissed", province_coordinator)
    again = client.post(
        f"/hasil/flags/{flag.pk}/tutup/", {"status": "resolved", "note": "lagi"}
    )
    assert again.status_code == 422


def test_the_entry_check_reports_a_sum_mismatch_as_typed(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    typed = {"suara_1": "118", "suara_2": "76", "suara_3": "18", "suara_sah": "221"}
    fragment = client.post("/hasil/entri/periksa/", typed)
    assert fragment.status_code == 200
    text = fragment.text
    assert 'data-check="sum_mismatch" data-state="fail"' in text
    # The detail in words: the field codes it keeps read as their labels.
    assert "(118+76+18) = 212, tetapi suara sah = 221" in text
    assert "suara_1" not in text
    assert 'data-check="total_mismatch" data-state="incomplete"' in text
    typed["suara_sah"] = "212"
    fixed = client.post("/hasil/entri/periksa/", typed).text
    assert 'data-check="sum_mismatch" data-state="ok"' in fixed


def test_a_sheet_entered_at_the_desk_is_stored_checked_and_primary(
    sumur, province_coordinator, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(province_coordinator)
    assert client.get("/hasil/entri/").status_code == 200
    photo = SimpleUploadedFile("c1.gif", GIF, content_type="image/gif")
    response = client.post(
        "/hasil/entri/", SHEET | {"suara_sah": "213", "photo": photo}
    )
    assert response.status_code == 302
    assert response["Location"] == "/hasil/tps/3601012001002/"
    sheet = ResultSheet.objects.get(tps_code="3601012001002", source="desk")
    assert sheet.is_primary and sheet.votes == [118, 76, 18]
    assert sheet.entered_by == province_coordinator and sheet.photo
    assert not ResultSheet.objects.get(
        tps_code="3601012001002", source="kpu_sirekap"
    ).is_primary
    checks = set(
        SheetFlag.objects.filter(tps_code="3601012001002").values_list(
            "check_name", flat=True
        )
    )
    assert {"sum_mismatch", "total_mismatch", "source_conflict"} <= checks
    page = client.get("/hasil/tps/3601012001002/")
    assert f"/foto/{sheet.pk}/" in page.text
    assert client.get(f"/hasil/tps/3601012001002/foto/{sheet.pk}/").status_code == 200
    bad = client.post("/hasil/entri/", SHEET | {"kode_tps": "3673041003999"})
    assert bad.status_code == 422 and "kode TPS tidak dikenal" in bad.text


def test_the_exports_hold_the_sumur_rows_and_flags(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    desk = rows_of(client.get("/hasil/ekspor/desk.csv"))
    assert len(desk) == 66 and desk[0]["kode_tps"] == SUMUR_TPS
    assert (desk[0]["suara_1"], desk[0]["suara_sah"], desk[0]["sumber"]) == (
        "98",
        "226",
        "kpu_sirekap",
    )
    data = json.loads(b"".join(client.get("/hasil/ekspor/desk.json").streaming_content))
    assert len(data) == 66 and data[0]["suara_3"] == 10
    flags = rows_of(client.get("/hasil/ekspor/flags.csv?wilayah=36.01.01"))
    assert {(f["kode_tps"], f["pemeriksaan"]) for f in flags} >= {
        (SUMSHEET_BAD, "sum_mismatch"),
        ("3601012001003", "dpt_sum_mismatch"),
    }
    response = client.get("/hasil/ekspor/flags.json")
    assert response.streaming and response["Content-Type"] == "application/json"
    assert len(json.loads(b"".join(response.streaming_content))) == 6


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
