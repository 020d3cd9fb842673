"""The report's content, gathered once for a seeded election day, and its three
renderings read back: every section with the right figures."""

from __future__ import annotations

import html
import io

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from docx import Document

from deskpemilu.regions.models import Region
from deskpemilu.reports import render
from deskpemilu.reports.content import SECTIONS
from deskpemilu.reports.selectors import report_content
from deskpemilu.reports.tests.conftest import END, START

pytestmark = pytest.mark.django_db


def test_the_content_of_an_election_day(province_coordinator, election_day):
    content = report_content(
        province_coordinator, Region.objects.get(code="36"), START, END
    )
    assert content.period_text == (
        "Rabu, 14 Februari 2024 pukul 06.00 WIB s.d. "
        "Kamis, 15 Februari 2024 pukul 06.00 WIB"
    )
    # Three TPS of 33,324 reported: the desk says it cannot state the situation
    # (situation/statement.py, coverage), with the figures.
    assert content.statement.text == (
        "Provinsi Banten, 14\u201315 Februari 2024: belum dapat dinyatakan: baru 3 "
        "dari 33.324 TPS (0,0 %) melapor."
    )
    assert not content.statement.safe


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def day_content(province_coordinator, election_day):
    content = report_content(
        province_coordinator, Region.objects.get(code="36"), START, END
    )
    content.number = "LAPSIT/007/II/2024"
    content.date_text = "Kamis, 15 Februari 2024"
    content.recommendations = "Perkuat patroli di Kota Cilegon."
    return content


EXPECTED = [
    "PEMERINTAH PROVINSI BANTEN",
    "BADAN KESATUAN BANGSA DAN POLITIK",
    "Nomor: LAPSIT/007/II/2024",
    "Menteri Dalam Negeri c.q. Direktur Jenderal Politik dan Pemerintahan Umum",
    "Gubernur Banten",
    "TERBATAS",
    "Rabu, 14 Februari 2024 pukul 06.00 WIB",
    "belum dapat dinyatakan: baru 3 dari 33.324 TPS",
    "berat 1, kritis 1",
    "Penghitungan suara",
    "Kota Cilegon",
    "Rawan",
    "Bentrok massa di TPS 005",
    "Polresta Serang Kota",
    "Personel dikirim ke lokasi",
    "Pembagian amplop menjelang pencoblosan",
    "Penugasan yang belum selesai: 1; melewati tenggat: 1",
    "Patroli gabungan di Kecamatan Curug",
    "33.324",
    "Tidak ada berita tentang wilayah ini dalam periode laporan",
    "Perkuat patroli di Kota Cilegon.",
    "Serang, Kamis, 15 Februari 2024",
    "Ketua Desk Pemilu",
]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_every_format_has_every_section_with_its_figures(
    day_content, election_day, fmt
):
    data = render.render(day_content, fmt)
    if fmt == "pdf":
        text = _pdf_text(data)
    elif fmt == "docx":
        text = _docx_text(data)
    else:
        text = html.unescape(strip_tags(data.decode()))
    text = _squash(text)
    for _, title in SECTIONS:
        assert title in text, title
    for expected in [*EXPECTED, election_day.clash.ref, election_day.money.ref]:
        assert expected in text, expected
    # The rejected hoax and the incident of the day before are not in the report.
    assert "Kabar kotak suara dibakar" not in text
    assert "Di luar periode" not in text


def test_the_command_writes_each_format(election_day, tmp_path):
    for fmt in ("pdf", "docx", "html"):
        out = tmp_path / f"lapsit.{fmt}"
        call_command(
            "sitrep",
            "--from",
            "2024-02-14T06:00",
            "--to",
            "2024-02-15T06:00",
            "--region",
            "36",
            "--format",
            fmt,
            "--out",
            str(out),
            stdout=io.StringIO(),
        )
        data = out.read_bytes()
        text = {
            "pdf": _pdf_text,
            "docx": _docx_text,
            "html": lambda d: html.unescape(strip_tags(d.decode())),
        }[fmt](data)
        assert "belum dapat dinyatakan: baru 3 dari 33.324 TPS" in _squash(text)


def test_the_command_refuses_a_period_that_ends_first(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "sitrep",
            "--from",
            "2024-02-15T06:00",
            "--to",
            "2024-02-14T06:00",
            "--out",
            str(tmp_path / "x.pdf"),
        )


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_the_media_highlights_and_the_statements_rules_are_in_every_format(
    province_coordinator, fmt
):
    """An official's statement published on the report's day is highlighted with its
    speaker; the statement's basis names each claim and its rule."""
    import datetime as dt

    from deskpemilu.media.services import article_ingest
    from deskpemilu.media.tests.test_desk import _read

    article_ingest(
        actor=province_coordinator,
        text=_read("seed_article_banten_20240320.txt"),
        published=dt.date(2024, 2, 14),
    )
    content = report_content(
        province_coordinator, Region.objects.get(code="36"), START, END
    )
    assert len(content.media) == 1 and "Al Muktabar" in content.media[0]
    assert any(line.startswith("Terpenuhi") for line in content.statement.basis)
    data = render.render(content, fmt)
    if fmt == "pdf":
        text = _pdf_text(data)
    elif fmt == "docx":
        text = _docx_text(data)
    else:
        text = html.unescape(strip_tags(data.decode()))
    text = _squash(text)
    assert "Al Muktabar" in text and "Rabu, 14 Februari 2024" in text
    assert "Aturan:" in text
