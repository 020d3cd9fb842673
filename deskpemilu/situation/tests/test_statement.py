"""The statement for the record: its words, and the rules behind each part (no
database)."""

import datetime as dt
import json

import pytest

from deskpemilu.situation import statement as st
from deskpemilu.situation.wording import indonesian_words

# The statement in Indonesian, the words of the catalogue (as pages in id and the
# Laporan Situasi say it).
ID = indonesian_words()


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
    assert st.period_text(first, last, ID) == text


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
    assert st.region_label(kind, name, ID) == label


def test_numbers_use_the_indonesian_thousands_separator():
    assert st.number(8842646, ID) == "8.842.646"
    assert st.number(0, ID) == "0"


def test_a_share_reads_with_a_decimal_comma():
    assert st.percent(100 * 1204 / 33324, ID) == "3,6 %"


# The rules ---------------------------------------------------------------------------

BANTEN, DAY = "Provinsi Banten", "14 Februari 2024"
FULL = st.CoverageFacts(
    required=True,
    tps_total=33324,
    tps_reported=30000,
    regions_total=8,
    regions_reported=8,
)
QUIET_REGIONS = [
    st.RegionFact("36", "BANTEN", "aman", "/situasi/wilayah/36/"),
    st.RegionFact("36.73", "KOTA SERANG", "waspada", "/situasi/wilayah/36.73/"),
]


def fact(pk, category="lainnya", severity="sedang", status="baru"):
    return st.IncidentFact(
        id=pk,
        ref=f"KJD-{pk}",
        title=f"uji {pk}",
        category=category,
        severity=severity,
        status=status,
        region="Kemanisan",
        occurred_at="2024-02-14T10:00:00+07:00",
        url=f"/kejadian/{pk}/",
    )


def judge(incidents=(), regions=QUIET_REGIONS, coverage=FULL, rules=st.DEFAULT_RULES):
    groups = [(i.category, i.severity, i.status, 1) for i in incidents]
    return st.judge(
        region=BANTEN,
        period=DAY,
        groups=groups,
        incidents=list(incidents),
        regions=regions,
        coverage=coverage,
        rules=rules,
        words=ID,
    )


def test_a_quiet_day_is_aman_damai_dan_kondusif():
    verdict = judge([fact(1, severity="ringan", status="selesai")])
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: aman, damai dan kondusif; "
        "tidak ada kejadian signifikan."
    )
    assert verdict.safe and verdict.can_state
    assert all(p.holds for p in verdict.parts)


def test_the_seed_sentence_holds_with_an_open_minor_protest():
    verdict = judge([fact(1, category="unjuk_rasa", severity="ringan")])
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: aman dan kondusif; "
        "tidak ada kejadian signifikan."
    )
    assert verdict.safe
    damai = verdict.part("damai")
    assert not damai.holds
    assert [e.url for e in damai.evidence] == ["/kejadian/1/"]
    assert "1 kejadian" in damai.why


def test_a_handled_significant_incident_is_named_as_handled_not_as_a_failure():
    verdict = judge(
        [fact(7, category="kekerasan", severity="berat", status="ditangani")]
    )
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: aman, damai dan kondusif; tidak ada "
        "kejadian signifikan yang belum tertangani (1 telah ditangani)."
    )
    assert verdict.safe
    part = verdict.part("signifikan")
    assert part.holds
    assert "sedang ditangani (tertangani)" in part.evidence[0].detail


@pytest.mark.parametrize("status", ["baru", "terverifikasi"])
def test_an_open_significant_clash_refuses_aman_damai_and_the_sentence(status):
    verdict = judge(
        [
            fact(3, category="kekerasan", severity="kritis", status=status),
            fact(4, severity="berat", status="selesai"),
        ]
    )
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: kondusif; 1 kejadian signifikan belum "
        "tertangani, 1 lainnya telah ditangani."
    )
    assert not verdict.safe and verdict.can_state
    held = {p.key: p.holds for p in verdict.parts}
    assert held == {
        "cakupan": True,
        "signifikan": False,
        "aman": False,
        "damai": False,
        "kondusif": True,
    }
    # The open one first, then the handled one.
    assert [e.url for e in verdict.part("signifikan").evidence] == [
        "/kejadian/3/",
        "/kejadian/4/",
    ]
    assert [e.url for e in verdict.part("aman").evidence] == ["/kejadian/3/"]


def test_a_significant_incident_outside_the_security_categories_keeps_aman():
    verdict = judge([fact(5, category="logistik", severity="kritis", status="baru")])
    held = {p.key: p.holds for p in verdict.parts}
    assert held["aman"] and held["damai"] and not held["signifikan"]
    assert not verdict.safe
    assert verdict.text.endswith(
        "aman, damai dan kondusif; 1 kejadian signifikan belum tertangani."
    )


def test_a_category_can_make_any_incident_significant():
    assert judge([fact(6, category="kekerasan", severity="ringan")]).safe
    rules = st.StatementRules(significant_categories=("kekerasan",))
    verdict = judge([fact(6, category="kekerasan", severity="ringan")], rules=rules)
    assert verdict.counts["significant_open"] == 1
    assert not verdict.part("aman").holds


def test_a_rejected_report_counts_for_nothing():
    verdict = judge(
        [fact(8, category="kekerasan", severity="kritis", status="ditolak")]
    )
    assert verdict.safe
    assert verdict.counts["rejected"] == 1 and verdict.counts["total"] == 0


def test_a_siaga_region_or_an_override_refuses_kondusif_with_its_reason():
    regions = [
        st.RegionFact("36", "BANTEN", "aman"),
        st.RegionFact(
            "36.73",
            "KOTA SERANG",
            "siaga",
            "/situasi/wilayah/36.73/",
            override_level="siaga",
            override_reason="Massa berkumpul di KPU",
            override_until="2024-02-15T12:00:00+07:00",
        ),
    ]
    verdict = judge(regions=regions)
    kondusif = verdict.part("kondusif")
    assert not kondusif.holds and not verdict.safe
    assert "KOTA SERANG (siaga)" in kondusif.why
    assert [e.kind for e in kondusif.evidence] == ["region", "override"]
    assert "Massa berkumpul di KPU" in kondusif.evidence[1].detail
    assert "sampai 15 Februari 2024 12.00 WIB:" in kondusif.evidence[1].detail
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: aman dan damai; "
        "tidak ada kejadian signifikan."
    )


def test_an_override_to_aman_is_listed_with_its_reason_and_keeps_kondusif():
    regions = [
        st.RegionFact(
            "36",
            "BANTEN",
            "aman",
            override_level="aman",
            override_reason="Sudah dicek Polda",
        ),
    ]
    kondusif = judge(regions=regions).part("kondusif")
    assert kondusif.holds
    assert "Sudah dicek Polda" in kondusif.evidence[0].detail


def test_a_region_without_a_status_on_record_is_not_kondusif():
    verdict = judge(regions=[st.RegionFact("36", "BANTEN", "")])
    assert not verdict.part("kondusif").holds
    assert "belum pernah dihitung" in verdict.part("kondusif").why


def test_when_nothing_holds_the_sentence_says_so():
    verdict = judge(
        [fact(9, category="kekerasan", severity="kritis")],
        regions=[st.RegionFact("36", "BANTEN", "rawan")],
    )
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: tidak dapat dinyatakan aman, damai atau "
        "kondusif; 1 kejadian signifikan belum tertangani."
    )


def test_low_coverage_on_voting_day_refuses_with_the_figures():
    low = st.CoverageFacts(True, 33324, 1204, 8, 3)
    verdict = judge(coverage=low)
    assert verdict.text == (
        "Provinsi Banten, 14 Februari 2024: belum dapat dinyatakan: baru 1.204 dari "
        "33.324 TPS (3,6 %) melapor."
    )
    assert not verdict.can_state and not verdict.safe
    assert "3 dari 8 wilayah" in verdict.part("cakupan").why


def test_no_tps_on_voting_day_is_no_coverage():
    verdict = judge(coverage=st.CoverageFacts(True, 33324, 0))
    assert not verdict.can_state
    assert "0 dari 33.324 TPS (0,0 %)" in verdict.text


def test_coverage_is_not_asked_outside_voting_day():
    verdict = judge(coverage=st.CoverageFacts(required=False))
    assert verdict.can_state and verdict.part("cakupan").holds


def test_the_minimum_coverage_is_a_rule_setting():
    rules = st.StatementRules(min_coverage=95)
    assert not judge(rules=rules).can_state  # 30,000 of 33,324 is 90 %
    with pytest.raises(ValueError):
        st.StatementRules(min_coverage=120)


def test_settings_change_which_statuses_count_as_handled():
    class Settings:
        DESKPEMILU_STATEMENT_HANDLED_STATUSES = ("selesai",)

    rules = st.StatementRules.from_settings(Settings())
    verdict = judge(
        [fact(2, category="kekerasan", severity="berat", status="ditangani")],
        rules=rules,
    )
    assert not verdict.part("signifikan").holds
    assert rules.significant_severities == st.SIGNIFICANT_SEVERITIES


def test_a_verdict_freezes_to_json_and_back_the_same():
    verdict = judge([fact(3, category="kekerasan", severity="kritis")])
    frozen = json.loads(json.dumps(verdict.to_dict()))
    assert frozen["text"] == verdict.text
    assert frozen["parts"][1]["key"] == "signifikan"
    assert frozen["parts"][1]["evidence"][0]["url"] == "/kejadian/3/"
    assert frozen["coverage"]["share"] == 90.03


def test_every_category_and_status_has_its_indonesian_word():
    from deskpemilu.incidents.taxonomy import Category, Status

    assert set(st.CATEGORY_WORDS) == set(Category.values)
    assert set(st.STATUS_WORDS) == set(Status.values)


def test_the_statement_in_english_says_english_words_and_numbers():
    from deskpemilu.situation.status_rules import ENGLISH

    verdict = st.judge(
        region=st.region_label("provinsi", "BANTEN"),
        period=st.period_text(dt.date(2024, 2, 14), dt.date(2024, 2, 14)),
        groups=[("kekerasan", "kritis", "baru", 1)],
        incidents=[fact(1, category="kekerasan", severity="kritis", status="baru")],
        regions=QUIET_REGIONS,
        coverage=FULL,
        words=ENGLISH,
    )
    assert verdict.text == (
        "Province Banten, 14 February 2024: orderly; 1 significant incident not "
        "yet handled."
    )
    assert verdict.part("aman").why == (
        "Not stated: 1 significant violence/clash or intimidation incidents not yet "
        "handled."
    )
    assert st.number(8842646) == "8,842,646"
