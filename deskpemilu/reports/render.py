"""The three renderings of one report's content: HTML (the print view), PDF (typst,
offline, with the fonts typst ships: Libertinus Serif, under the SIL Open Font
Licence) and DOCX (python-docx, for the Ministry's staff who edit in Word).
Each takes a reports.content.Content and returns bytes; none reads the database.
"""

from __future__ import annotations

import base64
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import typst
from django.template.loader import render_to_string
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from deskpemilu.reports.content import (
    LEVEL_WORDS,
    MEDIA_EMPTY,
    SECTIONS,
    Content,
    number,
    percent,
)

TEMPLATE = (Path(__file__).parent / "typst" / "report.typ").read_bytes()
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
DRAFT_NUMBER = "(draf, belum bernomor)"


def _level(level: str) -> str:
    return LEVEL_WORDS.get(level, "-")


def _change(previous: str, level: str) -> str:
    if not previous:
        return "-"
    if previous == level:
        return "tetap"
    return f"{_level(previous)} \u2192 {_level(level)}"


def view_model(content: Content) -> dict[str, Any]:
    """The content with the words and figures every format shows the same way."""
    data = content.to_json()
    data["number"] = content.number or DRAFT_NUMBER
    data["sections"] = dict(SECTIONS)
    data["levels"] = LEVEL_WORDS
    data["media_text"] = "\n".join(content.media) or MEDIA_EMPTY
    data["coverage_rows"] = [
        [c.stage, number(c.checked_in), number(c.total), percent(c.checked_in, c.total)]
        for c in content.coverage
    ]
    data["results_rows"] = [
        [
            r.source,
            number(r.with_sheet),
            number(r.total),
            percent(r.with_sheet, r.total),
        ]
        for r in content.results
    ]
    data["region_rows"] = [
        [
            r.code,
            r.name,
            _level(r.level),
            _change(r.previous, r.level),
            number(r.incidents),
            number(r.significant),
        ]
        for r in content.regions
    ]
    return data


# PDF ----------------------------------------------------------------------------------


def render_pdf(content: Content) -> bytes:
    # A private folder per rendering: typst reads only what is in it (its root),
    # and the logo is binary, which typst-py's in-memory files do not carry.
    with tempfile.TemporaryDirectory(prefix="lapsit-") as folder:
        root = Path(folder)
        (root / "main.typ").write_bytes(TEMPLATE)
        (root / "data.json").write_text(
            json.dumps(view_model(content)), encoding="utf-8"
        )
        if content.letterhead.logo_png:
            (root / "logo.png").write_bytes(
                base64.b64decode(content.letterhead.logo_png)
            )
        # System fonts are ignored so that the PDF is the same on every machine.
        result = typst.compile(
            str(root / "main.typ"), root=folder, format="pdf", ignore_system_fonts=True
        )
    assert isinstance(result, bytes)
    return result


def svg_to_png(svg: str, *, ppi: int = 150) -> bytes:
    """Rasterise one of the report's pictures for Word, with the same renderer and
    fonts as the PDF."""
    files = {
        "main": b'#set page(width: auto, height: auto, margin: 0pt)\n#image("p.svg")',
        "p.svg": svg.encode("utf-8"),
    }
    result = typst.compile(  # type: ignore[call-overload]
        files, format="png", ppi=ppi, ignore_system_fonts=True
    )
    assert isinstance(result, bytes)
    return result


# HTML ---------------------------------------------------------------------------------


def render_html(content: Content) -> bytes:
    with translation.override("id"):
        page = render_to_string("reports/print.html", {"d": view_model(content)})
    return page.encode("utf-8")


# DOCX ---------------------------------------------------------------------------------


def render_docx(content: Content) -> bytes:
    d = view_model(content)
    lh = content.letterhead
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
        section.footer.paragraphs[0].text = f"{lh.classification} \u2014 {d['number']}"
    _kop(doc, content)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(content.title).bold = True
    title.add_run(f"\nNomor: {d['number']}")
    if content.correction:
        doc.add_paragraph().add_run(
            f"Ralat (revisi). {content.correction}"
        ).italic = True
    addressees = "\n".join(f"{i}. {a}" for i, a in enumerate(lh.addressees, 1))
    _pairs(
        doc,
        [
            ("Kepada Yth.", addressees),
            ("Klasifikasi", lh.classification),
            ("Wilayah", content.region_name),
            ("Periode", content.period_text),
        ],
    )
    _body(doc, content, d)
    _signature(doc, content, d)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _kop(doc: Any, content: Content) -> None:
    lh = content.letterhead
    if lh.logo_png:
        logo = doc.add_paragraph()
        logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        logo.add_run().add_picture(
            io.BytesIO(base64.b64decode(lh.logo_png)), width=Cm(1.8)
        )
    kop = doc.add_paragraph()
    kop.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, size in ((lh.province, 12), (lh.office, 13), (lh.unit, 11)):
        run = kop.add_run(text + "\n")
        run.bold = True
        run.font.size = Pt(size)
    kop.add_run(lh.address).font.size = Pt(9)
    doc.add_paragraph("\u2501" * 40).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _pairs(doc: Any, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=3)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, ":", value
        cells[0].width, cells[1].width, cells[2].width = Cm(3.2), Cm(0.4), Cm(13)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(text: str, bold: bool = False) -> str:
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    clean = escape(_CONTROL.sub("", text))
    return (
        f"<w:tc><w:p><w:r>{run_props}"
        f'<w:t xml:space="preserve">{clean}</w:t></w:r></w:p></w:tc>'
    )


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    """A grid table, written as one piece of WordprocessingML: python-docx's
    add_row and cell.text cost about 1 ms a cell, which made the DOCX of a day
    with 200 significant incidents miss its 2 s."""
    head = "".join(_cell(text, bold=True) for text in header)
    body = "".join(
        "<w:tr>" + "".join(_cell(text) for text in row) + "</w:tr>" for row in rows
    )
    grid = "<w:gridCol/>" * len(header)
    table = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{body}</w:tbl>"
    )
    # Before the body's last child, its section properties (page size, margins).
    document_body = doc.element.body
    document_body.insert(len(document_body) - 1, table)


def _picture(doc: Any, svg: str, caption: str) -> None:
    doc.add_picture(io.BytesIO(svg_to_png(svg)), width=Cm(14))
    doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _body(doc: Any, content: Content, d: dict[str, Any]) -> None:
    titles = dict(SECTIONS)
    doc.add_heading(titles["statement"], level=1)
    doc.add_paragraph().add_run(content.statement.text).bold = True
    doc.add_paragraph("Dasar pernyataan:")
    for line in content.statement.basis:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(titles["stage"], level=1)
    if content.stage.name:
        doc.add_paragraph(
            f"Tahapan yang berjalan: {content.stage.name} ({content.stage.dates})."
        )
    else:
        doc.add_paragraph("Tidak ada tahapan yang berjalan pada akhir periode.")
    if content.stage.happened:
        doc.add_paragraph("Perkembangan dalam periode:")
        for line in content.stage.happened:
            doc.add_paragraph(line, style="List Bullet")
    else:
        doc.add_paragraph("Tidak ada kejadian dalam periode ini.")
    _picture(doc, content.chart_svg, f"Kejadian per {content.chart_unit}")

    doc.add_heading(titles["regions"], level=1)
    doc.add_paragraph(
        f"Perubahan dihitung dari laporan {content.previous_number}."
        if content.previous_number
        else "Belum ada laporan terbit sebelumnya sebagai pembanding."
    )
    _table(
        doc,
        ["Kode", "Kabupaten/Kota", "Status", "Sebelumnya", "Kejadian", "Signifikan"],
        d["region_rows"],
    )
    _picture(doc, content.map_svg, "Peta status wilayah")

    doc.add_heading(titles["incidents"], level=1)
    if content.incidents:
        _table(
            doc,
            [
                "No.",
                "Kejadian",
                "Tempat",
                "Waktu",
                "Status",
                "Instansi",
                "Tindak lanjut",
            ],
            [
                [
                    i.ref,
                    f"{i.title} ({i.category}, {i.severity})",
                    i.place,
                    i.when,
                    i.status,
                    i.agencies,
                    i.follow_up,
                ]
                for i in content.incidents
            ],
        )
        if content.incidents_more:
            doc.add_paragraph(
                f"Dan {content.incidents_more} kejadian signifikan lainnya "
                "(lihat Desk Pemilu)."
            )
    else:
        doc.add_paragraph("Tidak ada kejadian signifikan dalam periode ini.")

    doc.add_heading(titles["followups"], level=1)
    doc.add_paragraph(
        f"Penugasan yang belum selesai: {content.follow_ups_open}; melewati "
        f"tenggat: {len(content.follow_ups_overdue)}."
    )
    if content.follow_ups_overdue:
        _table(
            doc,
            ["No.", "Kejadian", "Instansi", "Tenggat"],
            [[f.ref, f.what, f.who, f.due] for f in content.follow_ups_overdue],
        )
    doc.add_paragraph(
        "Rencana aksi rapat koordinasi yang masih terbuka: "
        f"{len(content.action_items)}."
    )
    if content.action_items:
        _table(
            doc,
            ["Rapat", "Rencana aksi", "Instansi", "Tenggat"],
            [
                [f.ref, f.what, f.who, f.due + (" (lewat)" if f.overdue else "")]
                for f in content.action_items
            ],
        )

    doc.add_heading(titles["coverage"], level=1)
    if content.coverage:
        _table(
            doc, ["Laporan TPS", "Melapor", "Jumlah TPS", "Persen"], d["coverage_rows"]
        )
    else:
        doc.add_paragraph(content.coverage_note)
    doc.add_paragraph(content.results_note)
    if content.results:
        _table(
            doc,
            ["Sumber", "TPS dengan lembar", "Jumlah TPS", "Persen"],
            d["results_rows"],
        )

    doc.add_heading(titles["media"], level=1)
    doc.add_paragraph(d["media_text"])

    doc.add_heading(titles["recommendations"], level=1)
    doc.add_paragraph(content.recommendations or "-")
    if content.notes:
        doc.add_paragraph(f"Catatan: {content.notes}")


def _signature(doc: Any, content: Content, d: dict[str, Any]) -> None:
    lh = content.letterhead
    block = doc.add_paragraph()
    block.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    block.add_run(f"\n{lh.place}, {content.date_text}\n{lh.signer_position}\n\n\n")
    block.add_run(lh.signer_name or "(nama)").bold = True
    block.add_run(f"\nNIP. {lh.signer_nip}")


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "html": render_html}


def render(content: Content, fmt: str) -> bytes:
    return RENDERERS[fmt](content)
