"""Spreadsheet files made on purpose, good and hostile, for the tests and
`deskpemilu fuzz`: a workbook written by hand (so that every byte of its XML is
ours to choose), a zip bomb, an XLSX with a DTD, a row of too many cells.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="{_PKG}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""  # noqa: E501
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{_REL}">
<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
SHEET = "xl/worksheets/sheet1.xml"


def cell(value: object) -> str:
    """One cell's XML (no reference: openpyxl counts the columns)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Iterable[Iterable[object]], prolog: str = "") -> Iterator[bytes]:
    """A worksheet's XML, a row at a time."""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<worksheet xmlns="{MAIN}"><sheetData>'
    ).encode()
    for row in rows:
        xml = "<row>" + "".join(cell(v) for v in row) + "</row>"
        yield xml.encode("utf-8", "surrogatepass")  # a lone surrogate stays broken
    yield b"</sheetData></worksheet>"


def workbook(sheet: Iterable[bytes], *, extra: dict[str, bytes] | None = None) -> bytes:
    """A one-sheet XLSX around the given worksheet XML (streamed into the zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open(SHEET, "w", force_zip64=True) as handle:
            for chunk in sheet:
                handle.write(chunk)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def table(rows: Iterable[Iterable[object]]) -> bytes:
    """An ordinary XLSX of these rows."""
    return workbook(sheet_xml(rows))


def bomb(header: Iterable[str], megabytes: int = 150) -> bytes:
    """A zip bomb: a header, then rows of the same cells repeated until the sheet's
    XML is `megabytes` MB; deflate packs it some 350 times smaller."""
    row = ("<row>" + cell(1) * 4 + "</row>").encode()
    count = megabytes * 1024 * 1024 // len(row)

    def rows() -> Iterator[bytes]:
        chunks = sheet_xml([list(header)])
        yield next(chunks)
        yield next(chunks)  # the header row
        block = row * 1000
        for _ in range(count // 1000):
            yield block
        yield b"</sheetData></worksheet>"

    return workbook(rows())


def with_dtd(header: Iterable[str]) -> bytes:
    """An XLSX whose sheet declares a DTD with nested entities ("billion laughs",
    kept small: the file must be refused, not expanded)."""
    entities = '<!ENTITY a "haha">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    rows = [list(header), ["&i;"]]
    xml = b"".join(sheet_xml(rows, prolog)).replace(b"&amp;i;", b"&i;")
    return workbook([xml])


def wide_row(header: Iterable[str], cells: int = 20_000) -> bytes:
    """An XLSX with one row of more cells than Excel has columns."""
    chunks = list(sheet_xml([list(header)]))
    row = b"<row>" + b"<c/>" * cells + b"</row>"
    return workbook([chunks[0], chunks[1], row, chunks[2]])


def far_row(header: Iterable[str], number: int = 1_000_000_000) -> bytes:
    """An XLSX of a header and one row numbered `number`: a reader that fills the
    rows in between makes a billion empty rows out of a few hundred bytes."""
    chunks = list(sheet_xml([list(header)]))
    row = f'<row r="{number}"><c><v>1</v></c></row>'.encode()
    return workbook([chunks[0], chunks[1], row, chunks[2]])
