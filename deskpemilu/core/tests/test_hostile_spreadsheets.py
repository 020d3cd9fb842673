"""Hostile spreadsheets are refused with an Indonesian message before openpyxl reads
them, on every import that takes XLSX: the messages upload (/pesan/unggah/), the
TPS-rawan page, its API and its command. Each file is made here (devtools/craft.py):
a zip bomb (about 0.2 MB that unpack to 50 MB of XML), a sheet with a DTD of nested
entities, a row of more cells than Excel has columns, a row numbered a billion (a
reader filling the rows in between makes a billion empty rows of a few hundred
bytes). A refusal that names the zip's sizes or the XML's counts comes from the
checks before parsing: openpyxl never saw the file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from deskpemilu.core.tabular import FileRefused, csv_lines, xlsx_lines
from deskpemilu.devtools import craft
from deskpemilu.intake import upload
from deskpemilu.intake.models import InboundMessage
from deskpemilu.situation.models import TpsVulnerability

MESSAGES = upload.COLUMNS
TPS = ("kode_tps", "dptb")
SERANG_TPS = "3673041003001"
BROKEN = "Berkas XLSX rusak"
UNPACKED = "Berkas XLSX terlalu besar setelah dibuka"
HOSTILE: dict[str, tuple[Callable[[tuple[str, ...]], bytes], str]] = {
    "bomb": (lambda header: craft.bomb(header, megabytes=50), UNPACKED),
    "dtd": (craft.with_dtd, BROKEN),
    "wide": (craft.wide_row, "lebih dari 16384 sel"),
    "far": (craft.far_row, "baris kosong ikut dihitung"),
}


@functools.cache
def hostile(kind: str, header: tuple[str, ...]) -> bytes:
    return HOSTILE[kind][0](header)


def post_file(client: Client, url: str, name: str, data: bytes):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


# The readers -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_xlsx_reader_refuses_each_hostile_file(kind):
    with pytest.raises(FileRefused) as refused:
        list(xlsx_lines(hostile(kind, MESSAGES), max_lines=6001, max_columns=50))
    assert HOSTILE[kind][1] in refused.value.message


def test_a_bomb_is_refused_from_the_zip_directory_alone():
    """The directory says how far each member unpacks; the refusal names it."""
    with pytest.raises(FileRefused, match=r"dimampatkan \d+ kali, batasnya 200 kali"):
        list(xlsx_lines(hostile("bomb", MESSAGES)))


def test_the_sum_of_the_unpacked_sizes_has_a_limit_of_its_own():
    data = craft.table([MESSAGES, *([f"baris {i}"] * 7 for i in range(2_000))])
    with override_settings(DESKPEMILU_XLSX_MAX_UNCOMPRESSED_BYTES=512 * 1024):
        with pytest.raises(FileRefused, match="isinya [0-9,]+ MB, batasnya 0,5 MB"):
            list(xlsx_lines(data))
    assert len(list(xlsx_lines(data))) == 2_001


def test_an_ordinary_workbook_is_still_read_with_its_blank_rows():
    data = craft.table([MESSAGES, ["a", 1.0, "", "b"], [], ["c"]])
    assert list(xlsx_lines(data, max_lines=10, max_columns=7)) == [
        list(MESSAGES),
        ["a", "1", "", "b"],
        [],
        ["c"],
    ]


def test_lines_and_columns_past_the_limits_are_refused_in_csv_too():
    with pytest.raises(FileRefused, match="lebih dari 3 baris"):
        list(csv_lines(b"a,b\n" + b"\n" * 5, max_lines=3))
    with pytest.raises(FileRefused, match="Baris 2 berisi lebih dari 2 kolom"):
        list(csv_lines(b"a,b\n1,2,3\n", max_columns=2))
    assert list(csv_lines(b"a,b\n1,2,,\n", max_columns=2)) == [["a", "b"], ["1", "2"]]


def test_a_sheet_in_utf16_is_refused_as_broken():
    xml = b"".join(craft.sheet_xml([MESSAGES])).decode()
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = craft.workbook([xml.encode("utf-16")])
    with pytest.raises(FileRefused, match=BROKEN):
        list(xlsx_lines(data))


def _zip_version_unknown(data: bytes) -> bytes:
    at = data.rindex(b"PK\x01\x02") + 6  # version needed, in the central directory
    return data[:at] + bytes([128, 0]) + data[at + 2 :]


def _directory_past_the_end(data: bytes) -> bytes:
    at = data.rindex(b"PK\x05\x06") + 16  # where the central directory starts
    start = int.from_bytes(data[at : at + 4], "little") + 10_000_000
    return data[:at] + start.to_bytes(4, "little") + data[at + 4 :]


@pytest.mark.parametrize("damage", [_zip_version_unknown, _directory_past_the_end])
def test_a_damaged_zip_directory_is_refused_as_broken(damage):
    """Found by `deskpemilu fuzz`: zipfile's NotImplementedError and ValueError."""
    data = damage(craft.table([MESSAGES]))
    with pytest.raises(FileRefused, match=BROKEN):
        list(xlsx_lines(data))


def test_a_sheet_behind_a_long_blank_start_is_still_counted():
    blank = b" " * 200_000  # XML may start with blanks when it has no declaration
    xml = b"".join(craft.sheet_xml([MESSAGES])).split(b"?>", 1)[1]
    wide = xml.replace(
        b"</sheetData>", b"<row>" + b"<c/>" * 20_000 + b"</row></sheetData>"
    )
    with pytest.raises(FileRefused, match="lebih dari 16384 sel"):
        list(xlsx_lines(craft.workbook([blank + wide])))


def test_a_drawing_that_is_not_well_formed_xml_does_not_refuse_the_sheet():
    """openpyxl does not read Excel's VML drawings (often not XML at all)."""
    vml = {"xl/drawings/vmlDrawing1.vml": b"<xml><o:shapelayout><br></xml>"}
    data = craft.workbook(craft.sheet_xml([MESSAGES]), extra=vml)
    assert list(xlsx_lines(data)) == [list(MESSAGES)]


def test_a_sheet_that_is_not_well_formed_is_refused_as_broken():
    data = craft.workbook([b"".join(craft.sheet_xml([MESSAGES]))[:-5]])
    with pytest.raises(FileRefused, match=BROKEN):
        list(xlsx_lines(data))


# The messages upload -----------------------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_messages_upload_refuses_each_hostile_xlsx_and_stores_nothing(
    kind, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    response = post_file(
        client, "/pesan/unggah/", "laporan.xlsx", hostile(kind, MESSAGES)
    )
    assert response.status_code == 400
    assert HOSTILE[kind][1] in response.content.decode()
    assert not InboundMessage.objects.exists()


@override_settings(DESKPEMILU_MAX_UPLOAD_BYTES=1024 * 1024)
def test_an_upload_over_the_site_limit_is_refused_before_its_body_is_read(
    province_coordinator, client_for
):
    client = client_for(province_coordinator)
    row = f"2024-02-14 09:30,{SERANG_TPS},PU,B,{'x' * 1000},,\n"
    content = (",".join(MESSAGES) + "\n" + row * 1100).encode()
    response = post_file(client, "/pesan/unggah/", "laporan.csv", content)
    assert response.status_code == 413
    assert "batas unggahan 1 MB" in response.content.decode()
    assert not InboundMessage.objects.exists()
    api = post_file(client, "/api/v1/situation/tps-rawan/import", "b.csv", content)
    assert api.status_code == 413 and api.json()["code"] == "payload_too_large"


# TPS rawan: the page, the API and the command --------------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_tps_rawan_page_refuses_each_hostile_xlsx(
    kind, kabkota_operator, client_for
):
    client = client_for(kabkota_operator)
    url = "/situasi/tps-rawan/36.73/"
    response = post_file(client, url, "bawaslu.xlsx", hostile(kind, TPS))
    assert response.status_code == 422
    assert HOSTILE[kind][1] in response.content.decode()
    assert not TpsVulnerability.objects.exists()


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_tps_rawan_api_refuses_each_hostile_xlsx(
    kind, kabkota_operator, client_for
):
    client = client_for(kabkota_operator)
    url = "/api/v1/situation/tps-rawan/import"
    response = post_file(client, url, "bawaslu.xlsx", hostile(kind, TPS))
    assert response.status_code == 422
    assert HOSTILE[kind][1] in response.json()["problems"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", HOSTILE)
def test_the_tps_rawan_command_refuses_each_hostile_xlsx(kind, tmp_path):
    path = tmp_path / "bawaslu.xlsx"
    path.write_bytes(hostile(kind, TPS))
    with pytest.raises(CommandError, match=HOSTILE[kind][1]):
        call_command("import_tps_rawan", str(path))


@pytest.mark.django_db
def test_a_good_xlsx_still_imports_through_the_command(tmp_path):
    path = tmp_path / "bawaslu.xlsx"
    path.write_bytes(craft.table([TPS, [int(SERANG_TPS), 1]]))
    call_command("import_tps_rawan", str(path))
    assert TpsVulnerability.objects.get().present() == ["dptb"]
