"""The offline analysis on the seed article and on articles written for the tests
(tests/articles: money politics, a hoax and its denial, a clash at a TPS, a meeting
on security that is no incident)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from deskpemilu.incidents.taxonomy import Category, Severity
from deskpemilu.media import lexicon
from deskpemilu.media.analysis import acronyms, analyze
from deskpemilu.media.clean import clean

ARTICLES = Path(__file__).parent / "articles"
SEED = ARTICLES / "seed_article_banten_20240320.txt"


def _read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed():
    return analyze(SEED.read_text(encoding="utf-8"))


def test_seed_is_a_stability_statement_about_banten(seed):
    assert seed.klass == "stability"
    assert seed.category is None and seed.severity is None
    assert seed.dates == ["2024-03-20"]
    codes = {p["code"]: p for p in seed.place_list()}
    assert codes["36"]["level"] == "provinsi"
    assert codes["36.73"]["name"] == "Kota Serang"
    # Banjarsari is a village name in six kecamatan; "Banjarsari, Kota Serang"
    # is the kelurahan in Cipocok Jaya.
    assert codes["36.73.05.1005"]["name"] == "Banjarsari"
    assert codes["36.73.05.1005"]["level"] == "desa"


def test_seed_persons_roles_and_quotes(seed):
    persons = {p.name: p.role for p in seed.persons}
    assert persons == {
        "Al Muktabar": "Pj Gubernur Banten",
        "Abdul Karim": "Kapolda Banten",
    }
    speakers = [q.speaker for q in seed.quotes]
    assert speakers == ["Al Muktabar"] * 4 + ["Abdul Karim"]
    assert seed.quotes[0].text.startswith("Pemerintah Provinsi Banten mengucapkan")
    assert seed.quotes[-1].text.startswith("Keberhasilan ini merupakan")


def test_seed_boilerplate_gone(seed):
    text = seed.text
    assert text.startswith("Penjabat (Pj) Gubernur Banten")
    assert "Hitzserpong" not in text
    assert "Baca juga" not in text and "Stunting" not in text
    assert "(eka)" not in text and text.endswith("tutupnya.")
    assert seed.acronyms["FORKOPIMDA"] == "Forum Koordinasi Pimpinan Daerah"
    assert seed.acronyms["Kapolda"] == "Kepala Kepolisian Daerah"


def test_money_politics_report():
    result = analyze(_read("politik_uang_pandeglang.txt"))
    assert result.klass == "incident"
    assert result.category == "politik_uang"
    assert result.hedged  # "dugaan": alleged, one step lower
    assert result.severity == "ringan"
    # "Senin (12/2)" takes its year from "14 Februari 2024" in the article.
    assert result.dates == ["2024-02-12", "2024-02-14"]
    assert {p.name: p.role for p in result.persons} == {
        "Febri Setiadi": "Ketua Bawaslu Kabupaten Pandeglang"
    }
    assert [q.speaker for q in result.quotes] == ["Febri Setiadi"] * 2
    codes = {p["code"] for p in result.place_list()}
    assert {"36.01", "36.01.12", "36.01.12.2010"} <= codes
    assert "Baca Juga" not in result.text and "Editor" not in result.text
    assert "BantenKini" not in result.text


def test_hoax_and_its_denial():
    result = analyze(_read("hoaks_surat_suara_tangerang.txt"))
    assert (result.klass, result.category) == ("incident", "hoaks_sara")
    assert result.hoax and result.clarification
    assert result.quotes[0].speaker == "Muhammad Umar"
    assert "Bagikan" not in result.text and "Foto:" not in result.text
    assert "(rls/ags)" not in result.text


def test_clash_at_a_tps():
    result = analyze(_read("bentrok_tps_lebak.txt"))
    assert (result.klass, result.category, result.severity) == (
        "incident",
        "kekerasan",
        "berat",
    )
    assert {p.name: p.role for p in result.persons}["Suyono"] == "Kapolres Lebak"
    assert result.quotes[0].speaker == "Suyono"
    assert result.quotes[1].speaker == "Lucky Hikmawan"
    codes = {p["code"] for p in result.place_list()}
    assert {"36.02", "36.02.04", "36.02.04.2014"} <= codes
    assert "Kabar Banten" not in result.text


def test_security_meeting_is_no_incident():
    # "pengamanan" is not "aman", "mengantisipasi potensi" is not an event.
    result = analyze(_read("rapat_koordinasi_cilegon.txt"))
    assert result.klass == "other"


@pytest.mark.parametrize(
    ("sentence", "klass"),
    [
        ("Pemilu di TPS berlangsung aman dan kondusif tanpa kericuhan.", "stability"),
        ("Terjadi kericuhan di TPS 03 saat penghitungan suara Pemilu.", "incident"),
        (
            "Bawaslu membantah adanya politik uang di TPS itu, kabar itu hoaks.",
            "incident",
        ),
        (
            "Tidak ada laporan bentrokan selama Pemilu, situasi aman dan damai.",
            "stability",
        ),
        ("Pengamanan Pemilu melibatkan 2.000 personel gabungan.", "other"),
    ],
)
def test_negation_and_denial(sentence, klass):
    result = analyze(sentence)
    assert result.klass == klass
    if "membantah" in sentence:
        assert result.category == "hoaks_sara"


def test_in_text_definitions():
    text = "Forum Koordinasi Pimpinan Daerah (FORKOPIMDA) dan Kepolisian Daerah (Polda)"
    assert acronyms(text) == {
        "FORKOPIMDA": "Forum Koordinasi Pimpinan Daerah",
        "Polda": "Kepolisian Daerah",
    }


def test_dates_short_and_long():
    result = analyze(
        "Kampanye Pemilu ditutup 10 Februari 2024. Rapat lagi Senin (12/2)."
    )
    assert result.dates == ["2024-02-10", "2024-02-12"]
    assert analyze("Rapat Pemilu Senin (12/2).", year=2024).dates == ["2024-02-12"]


def test_cleaning_datelines():
    assert clean("SERANG, KOMPAS.com - Polisi datang.") == "Polisi datang."
    assert clean("Jakarta (ANTARA) - Polisi datang.") == "Polisi datang."
    assert clean("Polisi datang - lalu pergi.") == "Polisi datang - lalu pergi."


def test_categories_and_severities_are_the_taxonomy():
    assert set(lexicon.INCIDENT_CUES) <= set(Category.values)
    severities = {s for cues in lexicon.INCIDENT_CUES.values() for s in cues.values()}
    assert severities <= set(Severity.values)


def test_cli_json_keys():
    out = StringIO()
    call_command("analyze_article", str(SEED), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == [
        "title",
        "text",
        "places",
        "persons",
        "organizations",
        "quotes",
        "dates",
        "class",
        "category",
        "severity",
    ]
    assert data["class"] == "stability"
    assert {"name": "Kota Serang", "code": "36.73", "level": "kabkota"} in data[
        "places"
    ]
    assert {"name": "Abdul Karim", "role": "Kapolda Banten"} in data["persons"]


def test_cli_reads_html(tmp_path):
    page = tmp_path / "a.html"
    body = "".join(
        f"<p>{line}</p>" for line in _read("bentrok_tps_lebak.txt").splitlines()[2:]
    )
    page.write_text(
        "<html><head><title>Bentrok di TPS</title></head><body><nav>Menu Beranda"
        f"</nav><article>{body}</article><footer>Hak cipta</footer></body></html>"
    )
    out = StringIO()
    call_command("analyze_article", str(page), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["class"] == "incident" and data["category"] == "kekerasan"
    assert "Menu Beranda" not in data["text"]


PURE = ["analysis", "clean", "ingest", "lexicon", "places", "stories", "tagger", "text"]


@pytest.mark.parametrize("name", PURE)
def test_analysis_modules_do_not_import_django(name):
    """The analysis runs without Django (a command, a benchmark, another program):
    its modules import neither Django nor the desk's apps other than media's own
    pure modules."""
    import ast

    source = (Path(__file__).parent.parent / f"{name}.py").read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert not module.startswith("django"), (name, module)
            if module.startswith("deskpemilu"):
                assert module.removeprefix("deskpemilu.media.") in PURE or (
                    module == "deskpemilu.media"
                ), (name, module)
