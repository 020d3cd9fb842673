"""Corrections proposed from a sheet's own numbers (proposals.py), no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deskpemilu.results import proposals
from deskpemilu.results.checks import identities
from deskpemilu.results.proposals import Correction, Proposal

# TPS 3601012001001 of the Sumur sample, completed with a consistent ballots block.
BASE = {
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


def sheet(**changes: int | None) -> dict[str, int | None]:
    return {**BASE, **changes}


def test_a_consistent_sheet_gets_no_proposal():
    assert proposals.propose(BASE, 3) == []


def test_sumur_candidate_counts_copied_into_the_vote_totals():
    # TPS 3601012002012 as Sirekap has it: 110, 87, 31 in both rows.
    row = {
        "suara_1": 110,
        "suara_2": 87,
        "suara_3": 31,
        "suara_sah": 110,
        "suara_tidak_sah": 87,
        "suara_total": 31,
        "dpt_total": 290,
        "dpt_laki": 160,
        "dpt_perempuan": 130,
        "pengguna_dpt_total": 241,
        "pengguna_dpt_laki": 130,
        "pengguna_dpt_perempuan": 111,
        "pengguna_dptb_total": 0,
        "pengguna_dpk_total": 2,
        "pengguna_hak_pilih_total": 243,
    }
    assert proposals.propose(row, 3) == [
        Proposal(
            proposals.COPIED,
            (
                Correction("suara_sah", 110, 228, "sum_mismatch"),
                Correction("suara_tidak_sah", 87, 15, "total_mismatch"),
                Correction("suara_total", 31, 243, "voters_mismatch"),
            ),
            block="votes",
            copied_from="candidates",
        )
    ]


def test_a_copied_block_the_identities_contradict_is_not_proposed():
    # Ballots used (230) and voters (229) force two different totals.
    row = sheet(suara_sah=98, suara_tidak_sah=118, suara_total=10, surat_digunakan=230)
    assert proposals.propose(row, 3) == []
    fixed = proposals.propose(
        sheet(suara_sah=98, suara_tidak_sah=118, suara_total=10), 3
    )
    assert [c.proposed for c in fixed[0].corrections] == [226, 3, 229]


def test_a_block_shifted_one_box_left():
    (found,) = proposals.propose(
        sheet(suara_sah=3, suara_tidak_sah=229, suara_total=0), 3
    )
    assert found.kind == proposals.SHIFTED and found.block == "votes"
    assert [c.proposed for c in found.corrections] == [226, 3, 229]


def test_a_field_two_identities_pin():
    # 286 for 226: the candidates and valid + invalid = total both say 226.
    (found,) = proposals.propose(sheet(suara_sah=286), 3)
    assert found == Proposal(
        proposals.ONE_FIELD,
        (Correction("suara_sah", 286, 226, "sum_mismatch"),),
        digit=proposals.DIGIT_SUBSTITUTED,
    )


def test_an_inserted_digit_picks_one_of_several_fields():
    # Any candidate could close the sum alone, but only 1118 -> 118 is a misread
    # (the others would go negative anyway).
    (found,) = proposals.propose(sheet(suara_2=1118), 3)
    assert (found.kind, found.digit) == (proposals.ONE_FIELD, proposals.DIGIT_INSERTED)
    assert found.corrections[0].field == "suara_2"
    (swapped,) = proposals.propose(sheet(suara_1=89), 3)
    assert swapped.digit == proposals.DIGIT_SWAPPED
    assert swapped.corrections[0].proposed == 98


def test_nothing_is_proposed_when_the_identities_leave_a_choice():
    # TPS 3601012001003: DPT men + women = 298 but total 295; any of the three
    # could be wrong, and nothing else on the sheet says which.
    row = sheet(dpt_laki=145, dpt_perempuan=153, dpt_total=295)
    assert proposals.propose(row, 3) == []


def test_a_missing_term_a_sum_forces():
    (found,) = proposals.propose(sheet(dpt_total=None), 3)
    assert found == Proposal(
        proposals.MISSING, (Correction("dpt_total", None, 289, "dpt_sum_mismatch"),)
    )


def test_a_block_left_empty_as_a_whole_is_not_filled_in():
    empty = dict.fromkeys(("surat_diterima", "surat_digunakan", "surat_rusak"))
    assert proposals.propose(sheet(**empty, surat_sisa=None), 3) == []


@given(
    st.sampled_from(sorted(BASE)),
    st.integers(min_value=0, max_value=3000),
)
def test_every_proposal_makes_every_identity_hold(name, value):
    row = sheet(**{name: value})
    for found in proposals.propose(row, 3):
        fixed = row | {c.field: c.proposed for c in found.corrections}
        for ident in identities(3):
            left = sum(fixed[n] or 0 for n in ident.left)
            assert left == sum(fixed[n] or 0 for n in ident.right), found
        assert all(c.proposed >= 0 for c in found.corrections)


def test_digit_misreads():
    assert proposals.digit_misread(1118, 118) == proposals.DIGIT_INSERTED
    assert proposals.digit_misread(89, 98) == proposals.DIGIT_SWAPPED
    assert proposals.digit_misread(183, 133) == proposals.DIGIT_SUBSTITUTED
    assert proposals.digit_misread(310, 229) == ""
