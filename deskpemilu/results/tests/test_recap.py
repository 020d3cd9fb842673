"""The recap from the desk values, level by level, against the official recap."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.http import Http404

from deskpemilu.desk.bootstrap import DATA
from deskpemilu.regions.models import Region
from deskpemilu.results import recap
from deskpemilu.results.areas import recap_table
from deskpemilu.results.models import OfficialRecap
from deskpemilu.results.selectors import (
    desk_sheets,
    open_flag_counts,
    recap_compare,
    region_progress,
    sheet_progress,
)
from deskpemilu.results.services import contest_for, decision_record

SUMUR = DATA / "results" / "sirekap_pilpres_tps_sample_kec_sumur.csv"
OFFICIAL = DATA / "results" / "pilpres2024_official_totals.csv"
NAMES = ("suara_sah", "suara_1")


def test_desa_totals_roll_up_every_level_by_code_prefix():
    codes = ["3601012001", "3601012002", "3601022001", "3602012001"]
    sums = np.array([[10, 4], [20, 5], [30, 6], [40, 7]])
    known = np.ones_like(sums)
    table = recap.build(NAMES, codes, np.array([2, 3, 4, 5]), sums, known)
    assert table.get("360101", "suara_sah") == (30, 2)
    assert table.get("3601", "suara_1") == (15, 3)
    assert table.get("36", "suara_sah") == (100, 4)
    assert table.get("", "suara_sah") == (100, 4)
    assert table.sheet_count("3601") == 9
    assert table.get("3603", "suara_sah") == (0, 0)


def test_codes_keep_their_digits_whether_given_as_texts_or_integers():
    """Codes are texts of their level's length, leading zeros too (a code
    starting with 0 is no Indonesian one, but a texts' table must not lose it)."""
    sums = np.array([[1, 1], [2, 2]])
    for codes in (["0101010001", "3601012001"], np.array([101010001, 3601012001])):
        table = recap.build(NAMES, codes, np.array([1, 1]), sums, np.ones_like(sums))
        assert table.codes == [
            "0101010001",
            "3601012001",
            "010101",
            "360101",
            "0101",
            "3601",
            "01",
            "36",
            "",
        ]
        assert table.get("01", "suara_1") == (1, 1)


def test_decisions_replace_the_values_they_decide():
    sums = np.array([[10, 4]])
    known = np.array([[1, 0]])
    changes = [
        ("3601012001001", "suara_sah", 7, 8),
        ("3601012001002", "suara_1", None, 5),
        ("9999999999999", "suara_1", None, 5),
    ]
    recap.apply_decisions(["3601012001"], sums, known, NAMES, changes)
    assert sums.tolist() == [[11, 9]] and known.tolist() == [[1, 1]]


def test_only_differing_official_figures_are_listed():
    table = recap.build(
        NAMES, ["3601012001"], np.array([1]), np.array([[10, 4]]), np.ones((1, 2), int)
    )
    out = recap.compare(
        table, {"36": {"suara_sah": 10, "suara_1": 5, "suara_total": None}}, {"36": 2}
    )
    (area,) = out
    assert (area.level, area.compared, area.complete) == ("provinsi", 2, False)
    assert [(d.field, d.desk, d.official, d.difference) for d in area.differences] == [
        ("suara_1", 4, 5, -1)
    ]


@pytest.mark.django_db
def test_banten_from_the_sumur_sample_against_the_official_totals(
    province_coordinator,
):
    call_command("import_results", str(SUMUR))
    call_command("import_official_recap", str(OFFICIAL))
    contest = contest_for("ppwp")
    assert OfficialRecap.objects.get(area_code="36").votes == [2451383, 4035052, 720275]
    table = recap_table(contest)
    assert table.get("360101", "suara_1") == (4281, 66)
    assert table.get("36", "suara_2") == (7471, 66)
    assert (
        table.get("3601012003", "suara_3")[0] == 48 + 35 + 10 + 29 + 37 + 48 + 42 + 47
    )
    results = recap_compare(
        province_coordinator, contest, Region.objects.get(code="36")
    )
    (banten,) = results
    comp = banten.comparison
    assert (banten.name, comp.level, comp.tps_total, comp.tps_with_sheet) == (
        "BANTEN",
        "provinsi",
        33324,
        66,
    )
    assert not comp.complete
    diffs = {d.field: (d.desk, d.official) for d in comp.differences}
    assert diffs["suara_1"] == (4281, 2451383)
    assert diffs["suara_sah"][1] == 7206710
    assert diffs["dpt_total"] == (16130, 8842646)
    # Behind the difference: the TPS without a sheet and the flagged ones.
    assert banten.behind.missing_count == 33324 - 66
    assert banten.behind.missing_sample[:3] == [
        "3601012002001",
        "3601012002006",
        "3601012003002",
    ]
    assert set(banten.behind.flagged) == {
        "3601012001003",
        "3601012002012",
        "3601012003009",
        "3601012007012",
    }
    assert banten.behind.flagged["3601012002012"] == [
        "sum_mismatch",
        "total_mismatch",
        "voters_mismatch",
    ]


@pytest.mark.django_db
def test_the_recap_uses_the_desks_decisions(province_coordinator):
    call_command("import_results", str(SUMUR))
    contest = contest_for("ppwp")
    before = recap_table(contest).get("360101", "suara_sah")
    decision_record(
        actor=province_coordinator,
        contest=contest,
        tps_code="3601012002012",
        field_name="suara_sah",
        value=228,
        reason="jumlah suara paslon 110 + 87 + 31",
    )
    after = recap_table(contest).get("360101", "suara_sah")
    assert after == (before[0] + 228 - 110, before[1])
    banten = Region.objects.get(code="36")
    progress = sheet_progress(province_coordinator, contest, banten, 6)
    assert progress["360101"] == {"kpu_sirekap": 66}


@pytest.mark.django_db
def test_reads_of_a_region_outside_the_users_scope_are_not_found(kabkota_operator):
    # The selectors check the region themselves, whoever looked it up.
    contest, pandeglang = contest_for("ppwp"), Region.objects.get(code="36.01")
    for read in (recap_compare, desk_sheets, region_progress, open_flag_counts):
        with pytest.raises(Http404):
            read(kabkota_operator, contest, pandeglang)
    with pytest.raises(Http404):
        sheet_progress(kabkota_operator, contest, pandeglang, 6)


@pytest.mark.django_db
def test_an_official_recap_file_with_an_unknown_metric_is_refused(tmp_path):
    path = tmp_path / "resmi.csv"
    path.write_text(
        "wilayah,kode,metric,paslon_no,paslon,value,source_ref\n"
        "BANTEN,36,suara_siluman,,,5,S9\n"
        "X,3699,dpt,,,5,S9\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as failure:
        call_command("import_official_recap", str(path))
    assert "baris 2: metric tak dikenal (nilai: 'suara_siluman')" in str(failure.value)
    assert "baris 3: wilayah tak dikenal (nilai: '3699')" in str(failure.value)
    assert not OfficialRecap.objects.exists()
