"""TPS-rawan indicators: import, edit, and the class of each TPS from the database."""

import pytest
from django.core.exceptions import PermissionDenied

from deskpemilu.core.errors import ImportFailed
from deskpemilu.regions.models import TPS, DataImport, Region
from deskpemilu.situation import selectors, services
from deskpemilu.situation.models import TpsVulnerability
from deskpemilu.situation.services import SituationError

from .conftest import KEMANISAN, place_incident

pytestmark = pytest.mark.django_db

TPS_1, TPS_2, TPS_3 = "3673041003001", "3673041003002", "3673041003003"
PANDEGLANG_TPS = "3601012001001"
SPECIAL_TPS = "3601211009901"


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def flags(code: str) -> list[str]:
    return TpsVulnerability.objects.get(tps__code=code).present()


def test_an_import_writes_the_indicators_of_each_tps_and_is_logged():
    data = csv_bytes(
        "kode_tps,dpt_tms,dptb,riwayat_kekerasan,catatan",
        f"{TPS_1},1,1,0,",
        f"{TPS_2},0,0,1,bentrok 2019",
    )
    report = services.tps_rawan_import(name="bawaslu.csv", data=data)
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    assert flags(TPS_1) == ["dpt_tms", "dptb"]
    second = TpsVulnerability.objects.get(tps__code=TPS_2)
    assert (second.present(), second.note, second.source) == (
        ["riwayat_kekerasan"],
        "bentrok 2019",
        "bawaslu.csv",
    )
    log = DataImport.objects.get(kind="tps_rawan")
    assert (log.rows, log.created, log.updated) == (2, 2, 0)


def test_a_file_with_some_columns_leaves_the_other_indicators_as_they_were():
    services.tps_rawan_import(
        name="a.csv", data=csv_bytes("kode_tps,dptb,catatan", f"{TPS_1},1,awal")
    )
    report = services.tps_rawan_import(
        name="b.csv", data=csv_bytes("kode_tps,politik_uang", f"{TPS_1},ya")
    )
    assert (report.created, report.updated) == (0, 1)
    assert flags(TPS_1) == ["dptb", "politik_uang"]
    assert TpsVulnerability.objects.get(tps__code=TPS_1).note == "awal"


def test_a_file_with_any_bad_row_changes_nothing_and_lists_every_problem():
    data = csv_bytes(
        "kode_tps,dptb",
        f"{TPS_1},1",
        "3673041003999,1",
        f"{TPS_1},0",
        f"{TPS_2},barangkali",
    )
    with pytest.raises(ImportFailed) as caught:
        services.tps_rawan_import(name="x.csv", data=data)
    assert [str(p) for p in caught.value.problems] == [
        "x.csv baris 3: TPS tidak dikenal (nilai: '3673041003999')",
        f"x.csv baris 4: TPS sudah ada di baris 2 (nilai: '{TPS_1}')",
        "x.csv baris 5: kolom dptb: isi 1/ya atau 0/tidak (nilai: 'barangkali')",
    ]
    assert not TpsVulnerability.objects.exists()


def test_a_user_imports_only_tps_they_may_edit(kabkota_operator, leader):
    data = csv_bytes("kode_tps,dptb", f"{TPS_1},1", f"{PANDEGLANG_TPS},1")
    with pytest.raises(ImportFailed) as caught:
        services.tps_rawan_import(name="x.csv", data=data, actor=kabkota_operator)
    assert [p.message for p in caught.value.problems] == [
        "TPS tidak dikenal atau di luar cakupan Anda"
    ]
    with pytest.raises(PermissionDenied):
        services.tps_rawan_import(name="x.csv", data=data, actor=leader)


def test_a_refused_file_becomes_one_problem():
    with pytest.raises(ImportFailed, match="bukan CSV atau XLSX"):
        services.tps_rawan_import(name="x.pdf", data=b"%PDF")


def test_every_tps_of_a_desa_gets_a_class_from_indicators_and_incidents(
    province_coordinator,
):
    services.tps_rawan_import(
        name="b.csv",
        data=csv_bytes(
            "kode_tps,riwayat_kekerasan,hasutan_sara,dptb",
            f"{TPS_1},1,1,0",
            f"{TPS_2},0,0,1",
        ),
    )
    place_incident(KEMANISAN, severity="berat", tps=TPS_3)
    place_incident(KEMANISAN, severity="kritis", status="ditolak", tps=TPS_2)
    rows = selectors.tps_classes(
        province_coordinator, Region.objects.get(code=KEMANISAN)
    )
    assert len(rows) == 23
    by_code = {row.code: row for row in rows}
    assert by_code[TPS_1].tps_class == "sangat_rawan"
    assert (by_code[TPS_2].tps_class, by_code[TPS_2].has_data) == ("kurang_rawan", True)
    assert (by_code[TPS_3].tps_class, by_code[TPS_3].has_data) == ("rawan", False)
    # The 20 TPS without indicator data are not assessed, not "kurang rawan".
    assert selectors.class_counts(rows) == {
        "belum_dinilai": 20,
        "kurang_rawan": 1,
        "rawan": 1,
        "sangat_rawan": 1,
        "khusus": 0,
    }


def test_a_special_location_tps_is_khusus(province_coordinator):
    rows = selectors.tps_classes(
        province_coordinator, Region.objects.get(code="36.01.21.1009")
    )
    special = next(row for row in rows if row.code == SPECIAL_TPS)
    assert special.tps_class == "khusus"


def test_one_tps_shows_why_it_got_its_class(province_coordinator):
    services.tps_rawan_import(
        name="b.csv", data=csv_bytes("kode_tps,politik_uang", f"{TPS_1},1")
    )
    place_incident(KEMANISAN, severity="sedang", tps=TPS_1)
    tps = selectors.tps_for_user_or_404(province_coordinator, TPS_1)
    risk = selectors.tps_risk(province_coordinator, tps)
    assert risk.classification.tps_class == "rawan"
    assert risk.classification.reasons == (
        "Kampanye: Riwayat pemberian uang atau barang di sekitar TPS (+2)",
        "Kejadian di TPS ini: 1 sedang (+2)",
        "Skor 4 \u2265 4: rawan",
    )
    assert risk.indicators["politik_uang"] and not risk.indicators["dptb"]
    assert len(risk.incidents) == 1


def test_desk_staff_of_the_place_edit_a_tps_by_hand(kabkota_operator):
    tps = TPS.objects.select_related("desa").get(code=TPS_1)
    record = services.tps_vulnerability_update(
        actor=kabkota_operator,
        tps=tps,
        indicators={"sulit_dijangkau": True},
        note="jalan putus",
    )
    assert (record.present(), record.note, record.source) == (
        ["sulit_dijangkau"],
        "jalan putus",
        "isian manual",
    )
    assert record.updated_by == kabkota_operator
    services.tps_vulnerability_update(
        actor=kabkota_operator, tps=tps, indicators={"sulit_dijangkau": False}
    )
    assert flags(TPS_1) == []


def test_others_may_not_edit_a_tps_and_unknown_indicators_are_refused(
    kabkota_operator, police_liaison, leader
):
    serang_tps = TPS.objects.select_related("desa").get(code=TPS_1)
    pandeglang_tps = TPS.objects.select_related("desa").get(code=PANDEGLANG_TPS)
    for user, tps in (
        (police_liaison, pandeglang_tps),
        (leader, serang_tps),
        (kabkota_operator, pandeglang_tps),
    ):
        with pytest.raises(PermissionDenied):
            services.tps_vulnerability_update(
                actor=user, tps=tps, indicators={"dptb": True}
            )
    with pytest.raises(SituationError):
        services.tps_vulnerability_update(
            actor=kabkota_operator, tps=serang_tps, indicators={"banjir": True}
        )


def test_a_tps_without_data_is_not_assessed_on_its_page_and_in_the_plan(
    province_coordinator, client_for
):
    client = client_for(province_coordinator)
    html = client.get(f"/situasi/wilayah/{KEMANISAN}/").content.decode()
    assert '<span class="badge cls-belum_dinilai">Belum dinilai</span>' in html
    assert 'cls-kurang_rawan">Kurang rawan</span></td>' not in html
    plan = client.get("/situasi/pengerahan/36.73/").content.decode()
    assert '<span class="badge cls-belum_dinilai">Belum dinilai</span></th>' in plan
