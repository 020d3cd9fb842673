"""What a C.Hasil sheet holds, where it comes from, the names of the checks (no ORM).

The field names are those of KPU's Sirekap export (and of the Kec. Sumur sample), so a
column, a model field, a flag's `field` and a line of `verify_results` all say the same
word. Votes per candidate are `suara_<n>` for ballot number n.
"""

from __future__ import annotations

import re

# Data pemilih (the voter lists) and pengguna hak pilih (who voted, by list).
ADMIN_FIELDS = (
    "dpt_laki",
    "dpt_perempuan",
    "dpt_total",
    "dptb_total",
    "dpk_total",
    "pengguna_dpt_laki",
    "pengguna_dpt_perempuan",
    "pengguna_dpt_total",
    "pengguna_dptb_total",
    "pengguna_dpk_total",
    "pengguna_hak_pilih_total",
)
# Surat suara: received (DPT + 2 % reserve), used, spoiled or returned, unused.
BALLOT_FIELDS = ("surat_diterima", "surat_digunakan", "surat_rusak", "surat_sisa")
# Suara: valid, invalid, total (the votes per candidate are separate, by number).
VOTE_FIELDS = ("suara_sah", "suara_tidak_sah", "suara_total")
FIELDS = ADMIN_FIELDS + BALLOT_FIELDS + VOTE_FIELDS

# Other names the same columns go by (Sirekap's own export, older files).
ALIASES = {
    "pengguna_non_dpt_total": "pengguna_dpk_total",
    "pengguna_dpk": "pengguna_dpk_total",
    "sirekap_ts": "waktu_sumber",
    "foto_url": "foto",
    "source": "sumber",
}
CANDIDATE_COLUMN = re.compile(r"^suara_(\d{1,3})(?:_[a-z0-9_]*)?$")


def candidate_field(number: int) -> str:
    return f"suara_{number}"


def field_names(n_candidates: int) -> tuple[str, ...]:
    """The columns of a sheet matrix: the C.Hasil fields, then votes 1..n."""
    return FIELDS + tuple(candidate_field(i) for i in range(1, n_candidates + 1))


def is_field(name: str) -> bool:
    match = CANDIDATE_COLUMN.match(name)
    return name in FIELDS or bool(match and name == f"suara_{int(match[1])}")


# Where a reading comes from, best first: the desk's own reading of the form wins,
# then KPU's Sirekap, then Bawaslu, then a witness (partisan). The best source of a
# TPS is its "primary" sheet, the base of the desk values.
SOURCES = ("desk", "kpu_sirekap", "bawaslu", "saksi")
SOURCE_RANK = {name: rank for rank, name in enumerate(SOURCES)}


class Check:
    """Names of the checks, as stored in flags and printed by verify_results."""

    SUM_MISMATCH = "sum_mismatch"
    TOTAL_MISMATCH = "total_mismatch"
    VOTERS_MISMATCH = "voters_mismatch"
    DPT_SUM_MISMATCH = "dpt_sum_mismatch"
    USERS_SUM_MISMATCH = "users_sum_mismatch"
    USERS_TOTAL_MISMATCH = "users_total_mismatch"
    BALLOTS_USED_MISMATCH = "ballots_used_mismatch"
    BALLOTS_SUM_MISMATCH = "ballots_sum_mismatch"
    BALLOTS_RECEIVED_MISMATCH = "ballots_received_mismatch"
    OVER_CAPACITY = "over_capacity"
    NEGATIVE_COUNT = "negative_count"
    ABSURD_COUNT = "absurd_count"
    ADMIN_BLOCK_EMPTY = "admin_block_empty"
    LIKELY_MISREAD = "likely_misread"
    SOURCE_CONFLICT = "source_conflict"
    TURNOUT_OUTLIER = "turnout_outlier"
    SHARE_OUTLIER = "share_outlier"


CHECKS = tuple(v for k, v in vars(Check).items() if k.isupper())
# Checks that say the sheet's own numbers do not add up.
ARITHMETIC_CHECKS = frozenset(
    {
        Check.SUM_MISMATCH,
        Check.TOTAL_MISMATCH,
        Check.VOTERS_MISMATCH,
        Check.DPT_SUM_MISMATCH,
        Check.USERS_SUM_MISMATCH,
        Check.USERS_TOTAL_MISMATCH,
        Check.BALLOTS_USED_MISMATCH,
        Check.BALLOTS_SUM_MISMATCH,
        Check.BALLOTS_RECEIVED_MISMATCH,
        Check.OVER_CAPACITY,
        Check.NEGATIVE_COUNT,
        Check.ABSURD_COUNT,
        Check.LIKELY_MISREAD,
    }
)
