"""The checks of result sheets, case by case, without a database."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deskpemilu.results import checks, screens
from deskpemilu.results.sheets import Sheets, content_hash
from deskpemilu.results.spec import ARITHMETIC_CHECKS, CHECKS, Check

CODE = "3601012001001"


def sheet(**overrides) -> dict:
    """A complete, consistent C.Hasil (TPS 3601012001001 of the Sumur sample)."""
    base = {
        "kode_tps": CODE,
        "dpt_laki": 140,
        "dpt_perempuan": 149,
        "dpt_total": 289,
        "pengguna_dpt_laki": 97,
        "pengguna_dpt_perempuan": 126,
        "pengguna_dpt_total": 223,
        "pengguna_dptb_total": 3,
        "pengguna_dpk_total": 3,
        "pengguna_hak_pilih_total": 229,
        "surat_diterima": 295,
        "surat_digunakan": 229,
        "surat_rusak": 1,
        "surat_sisa": 65,
        "suara_1": 98,
        "suara_2": 118,
        "suara_3": 10,
        "suara_sah": 226,
        "suara_tidak_sah": 3,
        "suara_total": 229,
    }
    base.update(overrides)
    return base


def run(*rows: dict) -> list[checks.Flag]:
    return checks.check_sheets(Sheets.from_dicts(rows, 3))


def names(flags: list[checks.Flag]) -> set[str]:
    return {f.check for f in flags}


def test_a_consistent_sheet_raises_no_flag():
    assert run(sheet()) == []


def test_the_check_names_of_the_issue_are_kept():
    for name in (
        "sum_mismatch",
        "total_mismatch",
        "voters_mismatch",
        "over_capacity",
        "likely_misread",
        "turnout_outlier",
        "share_outlier",
        "source_conflict",
    ):
        assert name in CHECKS


def test_candidate_votes_not_adding_up_to_valid_votes_is_a_sum_mismatch():
    flags = run(sheet(suara_2=119))
    assert names(flags) == {Check.SUM_MISMATCH}
    assert "= 227, tetapi suara_sah = 226" in flags[0].detail


def test_valid_plus_invalid_not_equal_to_total_is_a_total_mismatch():
    flags = run(sheet(suara_tidak_sah=4, suara_total=230, surat_digunakan=230))
    assert Check.TOTAL_MISMATCH not in names(flags)
    assert Check.VOTERS_MISMATCH in names(flags)
    assert names(run(sheet(suara_tidak_sah=5))) == {Check.TOTAL_MISMATCH}


def test_total_not_equal_to_voters_who_voted_is_a_voters_mismatch():
    flags = run(sheet(pengguna_hak_pilih_total=228, pengguna_dpk_total=2))
    assert names(flags) == {Check.VOTERS_MISMATCH}


def test_dpt_men_plus_women_not_equal_to_dpt_is_flagged():
    assert names(run(sheet(dpt_laki=141))) == {Check.DPT_SUM_MISMATCH}


def test_voters_by_sex_and_by_list_must_add_up():
    assert names(run(sheet(pengguna_dpt_laki=96))) == {Check.USERS_SUM_MISMATCH}
    flags = run(sheet(pengguna_dptb_total=2))
    assert names(flags) == {Check.USERS_TOTAL_MISMATCH}


def test_ballot_counts_must_add_up_and_match_the_votes():
    assert names(run(sheet(surat_digunakan=228, surat_sisa=66))) == {
        Check.BALLOTS_USED_MISMATCH
    }
    assert names(run(sheet(surat_sisa=64))) == {Check.BALLOTS_SUM_MISMATCH}


def test_ballots_received_must_be_dpt_plus_two_percent():
    # 289 + 2 % = 294.78: 294 and 295 are both accepted (rounding); 300 is not.
    assert run(sheet(surat_diterima=294, surat_sisa=64)) == []
    flags = run(sheet(surat_diterima=300, surat_sisa=70))
    assert names(flags) == {Check.BALLOTS_RECEIVED_MISMATCH}


def test_more_voters_than_registered_is_over_capacity():
    row = sheet(
        dpt_laki=100,
        dpt_perempuan=100,
        dpt_total=200,
        surat_diterima=204,
        surat_sisa=-26,
    )
    flags = run(row)
    assert Check.OVER_CAPACITY in names(flags)
    details = " ".join(f.detail for f in flags if f.check == Check.OVER_CAPACITY)
    assert "pemilih terdaftar" in details and "DPT x 1,02" in details


def test_votes_above_dpt_times_1_02_are_over_capacity_even_without_voter_counts():
    row = {"kode_tps": CODE, "dpt_total": 100, "suara_total": 103}
    assert names(run(row)) == {Check.OVER_CAPACITY}
    assert run({"kode_tps": CODE, "dpt_total": 100, "suara_total": 102}) == []


def test_negative_and_absurd_counts_are_flagged_with_the_field():
    flags = run({"kode_tps": CODE, "suara_1": -4, "suara_2": 5000})
    got = {(f.check, f.field, f.value) for f in flags}
    assert got == {
        (Check.NEGATIVE_COUNT, "suara_1", -4),
        (Check.ABSURD_COUNT, "suara_2", 5000),
    }


def test_unknown_fields_are_not_checked():
    assert run({"kode_tps": CODE, "suara_1": 58, "suara_2": 108, "suara_3": 20}) == []
    # Two of three candidate counts cannot be summed against the valid votes.
    assert run({"kode_tps": CODE, "suara_1": 5, "suara_2": 5, "suara_sah": 99}) == []


def test_an_all_zero_voter_block_is_named_once_not_as_every_mismatch():
    zeros = {
        n: 0
        for n in (
            "dpt_laki",
            "dpt_perempuan",
            "dpt_total",
            "pengguna_dpt_laki",
            "pengguna_dpt_perempuan",
            "pengguna_dpt_total",
            "pengguna_dptb_total",
            "pengguna_dpk_total",
            "pengguna_hak_pilih_total",
        )
    }
    row = {"kode_tps": CODE, "suara_1": 62, "suara_2": 116, "suara_3": 47}
    row |= {"suara_sah": 225, "suara_tidak_sah": 6, "suara_total": 231} | zeros
    assert names(run(row)) == {Check.ADMIN_BLOCK_EMPTY}


# Misreads ---------------------------------------------------------------------------


def misread(flags: list[checks.Flag]) -> list[tuple[str, int | None, int | None]]:
    return [
        (f.field, f.value, f.expected) for f in flags if f.check == "likely_misread"
    ]


def test_a_digit_inserted_in_a_candidate_count_is_a_likely_misread():
    # 84 read as 884: the sum no longer matches; removing the 8 restores it.
    row = sheet(suara_1=84, suara_2=132, suara_3=10)
    assert run(row) == []
    flags = run(row | {"suara_1": 884})
    assert misread(flags) == [("suara_1", 884, 84)]
    assert Check.SUM_MISMATCH in names(flags)


def test_a_digit_inserted_in_front_is_found_too():
    row = sheet(suara_1=17, suara_2=199, suara_3=10)
    assert misread(run(row | {"suara_1": 817})) == [("suara_1", 817, 17)]


def test_a_look_alike_digit_is_found_in_the_tens():
    row = sheet(suara_1=17, suara_2=199, suara_3=10)
    # 199 read 799 (1 read as 7); 199 read 196 would be a slip of 3 as much.
    assert misread(run(row | {"suara_2": 799})) == [("suara_2", 799, 199)]
    assert misread(run(row | {"suara_2": 196})) == []


def test_a_dropped_digit_is_found_and_offered_among_others_when_ambiguous():
    row = sheet(suara_1=84, suara_2=132, suara_3=10)
    assert misread(run(row | {"suara_1": 8})) == [("suara_1", 8, 84)]
    # 132 read 12 is 120 short; 10 with a 3 put back (130) closes it as well.
    (flag,) = [f for f in run(row | {"suara_2": 12}) if f.check == "likely_misread"]
    assert flag.expected is None
    assert "kemungkinan 132 (digit hilang)" in flag.detail
    assert "kemungkinan 130 (digit hilang)" in flag.detail


def test_two_swapped_digits_are_found():
    row = sheet(suara_1=17, suara_2=199, suara_3=10)
    assert misread(run(row | {"suara_1": 71})) == [("suara_1", 71, 17)]


def test_a_misread_valid_vote_count_is_pinned_by_two_identities():
    flags = run(sheet(suara_sah=2226))
    assert misread(flags) == [("suara_sah", 2226, 226)]
    assert {Check.SUM_MISMATCH, Check.TOTAL_MISMATCH} <= names(flags)


def test_a_misread_total_is_found_from_the_voter_count():
    assert misread(run(sheet(suara_total=2299))) == [("suara_total", 2299, 229)]


def test_an_error_no_single_digit_edit_explains_is_not_called_a_misread():
    # Sumur 3601012002012: the candidate counts were copied into valid, invalid
    # and total; three fields are wrong, not one digit.
    row = sheet(suara_1=110, suara_2=87, suara_3=31, suara_sah=110)
    row |= {"suara_tidak_sah": 87, "suara_total": 31, "surat_digunakan": None}
    flags = run(row)
    assert misread(flags) == []
    assert {Check.SUM_MISMATCH, Check.TOTAL_MISMATCH, Check.VOTERS_MISMATCH} <= names(
        flags
    )


def test_dpt_off_by_three_is_a_mismatch_but_not_a_misread():
    # Sumur 3601012001003: 145 + 153 = 298 but DPT 295 (a substituted digit, which
    # the detector does not guess at: three fields could each be the wrong one).
    row = {"kode_tps": CODE, "dpt_laki": 145, "dpt_perempuan": 153, "dpt_total": 295}
    flags = run(row)
    assert names(flags) == {Check.DPT_SUM_MISMATCH}


def test_digit_edits_of_a_count():
    found = {
        (int(c[0]), kind)
        for c, ok, kind in checks.digit_edits(np.array([884]))
        if ok[0] and kind in ("insert", "swap")
    }
    assert found == {(84, "insert"), (88, "insert"), (848, "swap")}
    # Look-alikes in the tens and hundreds only: 8 may have been 0, 3, 6 or 9
    # (a units digit changed by 1-8 is an arithmetic slip as much as a misread).
    found = {
        int(c[0])
        for c, ok, kind in checks.digit_edits(np.array([884]))
        if ok[0] and kind == "substitute"
    }
    assert found == {384, 684, 984, 804, 834, 864, 894}
    # A dropped digit put back anywhere, never as a leading zero.
    found = {
        int(c[0])
        for c, ok, kind in checks.digit_edits(np.array([17]))
        if ok[0] and kind == "drop"
    }
    assert found == (
        {int(f"{d}17") for d in range(1, 10)}
        | {int(f"1{d}7") for d in range(10)}
        | {int(f"17{d}") for d in range(10)}
    )
    found = {
        int(c[0])
        for c, ok, k in checks.digit_edits(np.array([7]))
        if ok[0] and k != "drop"
    }
    assert found == set()
    # 10 swapped would read 01: not a reading anyone writes; 1 -> 7 in the tens.
    found = {
        int(c[0])
        for c, ok, k in checks.digit_edits(np.array([10]))
        if ok[0] and k != "drop"
    }
    assert found == {0, 1, 70}


counts = st.integers(min_value=0, max_value=400)


@st.composite
def consistent_sheets(draw) -> dict:
    votes = [draw(counts) for _ in range(3)]
    invalid = draw(st.integers(min_value=0, max_value=30))
    dptb, dpk = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    total = sum(votes) + invalid
    dpt_users = total - dptb - dpk
    assume(dpt_users >= 0)
    men = draw(st.integers(0, dpt_users))
    dpt = draw(st.integers(max(dpt_users, 1), dpt_users + 200))
    dpt_men = draw(st.integers(0, dpt))
    assume(total * 100 <= dpt * 102)
    return {
        "kode_tps": CODE,
        "dpt_laki": dpt_men,
        "dpt_perempuan": dpt - dpt_men,
        "dpt_total": dpt,
        "pengguna_dpt_laki": men,
        "pengguna_dpt_perempuan": dpt_users - men,
        "pengguna_dpt_total": dpt_users,
        "pengguna_dptb_total": dptb,
        "pengguna_dpk_total": dpk,
        "pengguna_hak_pilih_total": total,
        "suara_1": votes[0],
        "suara_2": votes[1],
        "suara_3": votes[2],
        "suara_sah": sum(votes),
        "suara_tidak_sah": invalid,
        "suara_total": total,
    }


FIELDS_TO_MISREAD = (
    "suara_1",
    "suara_2",
    "suara_3",
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pengguna_hak_pilih_total",
    "pengguna_dpt_total",
)


@settings(max_examples=300, deadline=None)
@given(consistent_sheets())
def test_consistent_sheets_raise_no_arithmetic_flag(row):
    assert not names(run(row)) & ARITHMETIC_CHECKS


@settings(max_examples=300, deadline=None)
@given(
    consistent_sheets(),
    st.sampled_from(FIELDS_TO_MISREAD),
    st.integers(0, 9),
    st.integers(0, 3),
)
def test_an_inserted_digit_is_always_detected_and_the_true_value_offered(
    row, name, digit, position
):
    true = str(row[name])
    position = min(position, len(true))
    read = int(true[:position] + str(digit) + true[position:])
    # "0" read as "01" is still 1 on the form: no extra digit to see.
    assume(len(str(read)) == len(true) + 1 and read <= 3000)
    flags = run(row | {name: read})
    found = [f for f in flags if f.check == Check.LIKELY_MISREAD]
    assert len(found) == 1
    assert f"{name} terbaca {read}, kemungkinan {row[name]}" in found[0].detail
    if found[0].expected is not None:
        assert (found[0].field, found[0].expected) == (name, row[name])


@settings(max_examples=200, deadline=None)
@given(consistent_sheets(), st.sampled_from(FIELDS_TO_MISREAD), st.integers(0, 2))
def test_swapped_digits_are_detected_when_the_sheet_no_longer_adds_up(
    row, name, position
):
    true = str(row[name])
    assume(len(true) >= position + 2 and true[position] != true[position + 1])
    assume(not (position == 0 and true[1] == "0"))
    swapped = (
        true[:position] + true[position + 1] + true[position] + true[position + 2 :]
    )
    flags = run(row | {name: int(swapped)})
    found = [f for f in flags if f.check == Check.LIKELY_MISREAD]
    assert len(found) == 1
    assert f"{name} terbaca {int(swapped)}, kemungkinan {row[name]}" in found[0].detail


# Across sources ---------------------------------------------------------------------


def test_two_sources_disagreeing_on_a_field_is_a_source_conflict():
    rows = [
        sheet(sumber="kpu_sirekap"),
        sheet(sumber="saksi", suara_3=11, suara_sah=227),
    ]
    rows[1]["suara_total"] = 230
    found = checks.compare_sources(Sheets.from_dicts(rows, 3))
    conflicts = {f.field: f.detail for f in found if f.check == Check.SOURCE_CONFLICT}
    assert set(conflicts) == {"suara_3", "suara_sah", "suara_total"}
    assert conflicts["suara_3"] == "suara_3: kpu_sirekap 10, saksi 11"


def test_a_reading_with_an_extra_digit_against_another_source_is_a_misread():
    good = sheet(suara_1=84, suara_2=132, suara_3=10, sumber="saksi")
    bad = good | {"suara_1": 884, "sumber": "kpu_sirekap"}
    s = Sheets.from_dicts([good, bad], 3)
    found = [f for f in checks.compare_sources(s) if f.check == Check.LIKELY_MISREAD]
    assert [(s.source(f.row), f.field, f.expected) for f in found] == [
        ("kpu_sirekap", "suara_1", 84)
    ]


def test_sources_of_different_tps_are_not_compared():
    rows = [
        sheet(sumber="kpu_sirekap"),
        sheet(kode_tps="3601012001002", sumber="saksi"),
    ]
    rows[1]["suara_1"] = 1
    assert checks.compare_sources(Sheets.from_dicts(rows, 3)) == []


# Screens ----------------------------------------------------------------------------


def kecamatan(turnouts: list[float], prefix: str = "3601012001") -> Sheets:
    rows = []
    for i, t in enumerate(turnouts, start=1):
        voted = round(300 * t)
        rows.append(
            {
                "kode_tps": f"{prefix}{i:03d}",
                "dpt_total": 300,
                "pengguna_hak_pilih_total": voted,
                "suara_1": voted // 3,
                "suara_2": voted // 3,
                "suara_3": voted - 2 * (voted // 3),
            }
        )
    return Sheets.from_dicts(rows, 3)


def test_a_tps_far_from_its_kecamatan_turnout_is_an_outlier_and_says_it_is_a_screen():
    s = kecamatan([0.75, 0.76, 0.74, 0.77, 0.73, 0.75, 0.78, 0.72, 0.76, 0.74, 1.0])
    flags = screens.outlier_flags(s)
    assert [(s.code(f.row), f.check) for f in flags] == [
        ("3601012001011", Check.TURNOUT_OUTLIER)
    ]
    assert "bukan bukti" in flags[0].detail


def test_too_few_tps_in_a_kecamatan_give_no_conclusion():
    s = kecamatan([0.75, 0.76, 0.74, 0.77, 0.73, 0.75, 0.78, 0.72, 1.0])
    assert screens.outlier_flags(s) == []


def test_a_vote_share_far_from_the_kecamatan_is_a_share_outlier():
    s = kecamatan([0.75] * 12)
    for i, (a, b) in enumerate([(70, 80), (75, 75), (80, 70), (72, 78), (78, 72)] * 3):
        if i < 11:
            s.values[i, s.col("suara_1")], s.values[i, s.col("suara_2")] = a, b
    s.values[11, s.col("suara_1")] = 200
    s.values[11, s.col("suara_2")] = 20
    flags = screens.outlier_flags(s)
    assert [(f.check, f.field) for f in flags] == [(Check.SHARE_OUTLIER, "suara_1")]


def test_robust_z_uses_mean_deviation_when_the_mad_is_zero():
    z = screens.robust_z(np.zeros(12, dtype=np.int64), np.array([5.0] * 11 + [9.0]))
    assert np.isfinite(z[-1]) and z[-1] > 3.5
    assert np.all(z[:-1] == 0)


# Hash -------------------------------------------------------------------------------


def test_the_content_hash_changes_with_any_value_or_unknown_and_not_otherwise():
    s = Sheets.from_dicts([sheet(), sheet(), sheet(suara_3=11), sheet(suara_3=None)], 3)
    h = content_hash(s)
    assert h[0] == h[1]
    assert len({h[0], h[2], h[3]}) == 3
    with_photo = content_hash(s, ["", "https://x/1.jpg", "", ""])
    assert with_photo[0] == h[0] and with_photo[1] != h[1]
