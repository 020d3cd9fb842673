"""The statement for the record, as a sentence (no database)."""

import datetime as dt

import pytest

from deskpemilu.situation import statement as st


@pytest.mark.parametrize(
    "first, last, text",
    [
        (dt.date(2024, 2, 14), dt.date(2024, 2, 14), "14 Februari 2024"),
        (dt.date(2024, 3, 11), dt.date(2024, 3, 20), "11\u201320 Maret 2024"),
        (
            dt.date(2024, 2, 28),
            dt.date(2024, 3, 2),
            "28 Februari \u2013 2 Maret 2024",
        ),
        (
            dt.date(2023, 12, 30),
            dt.date(2024, 1, 2),
            "30 Desember 2023 \u2013 2 Januari 2024",
        ),
    ],
)
def test_a_period_reads_as_an_indonesian_date_range(first, last, text):
    assert st.period_text(first, last) == text


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        st.period_text(dt.date(2024, 2, 2), dt.date(2024, 2, 1))


@pytest.mark.parametrize(
    "kind, name, label",
    [
        ("provinsi", "BANTEN", "Provinsi Banten"),
        ("kabupaten", "KAB. PANDEGLANG", "Kabupaten Pandeglang"),
        ("kota", "KOTA TANGERANG SELATAN", "Kota Tangerang Selatan"),
        ("kecamatan", "Cipocok Jaya", "Kecamatan Cipocok Jaya"),
        ("kelurahan", "Kemanisan", "Kelurahan Kemanisan"),
    ],
)
def test_a_region_is_named_as_people_write_it(kind, name, label):
    assert st.region_label(kind, name) == label


def test_a_period_without_significant_incidents_is_aman_dan_kondusif():
    text = st.statement_text("Provinsi Banten", "11\u201320 Maret 2024", 1234, 0)
    assert text == (
        "Provinsi Banten, 11\u201320 Maret 2024: aman dan kondusif, 1.234 kejadian, "
        "tidak ada kejadian signifikan."
    )


def test_a_period_with_significant_incidents_says_so_and_how_many():
    text = st.statement_text("Kota Serang", "14 Februari 2024", 12, 2)
    assert text == (
        "Kota Serang, 14 Februari 2024: tidak dapat dinyatakan aman dan kondusif, "
        "12 kejadian, 2 di antaranya kejadian signifikan."
    )


def test_numbers_use_the_indonesian_thousands_separator():
    assert st.number(8842646) == "8.842.646"
    assert st.number(0) == "0"
