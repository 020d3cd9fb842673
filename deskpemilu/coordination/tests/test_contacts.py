"""The contact directory: the import (a good file, bad rows with their lines,
nothing written on a refused file, the command), the search page with phones
masked, and contacts_for."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.urls import reverse

from deskpemilu.coordination import contact_table, selectors, services
from deskpemilu.coordination.models import Contact
from deskpemilu.core.errors import ImportFailed
from deskpemilu.core.tabular import FileRefused
from deskpemilu.intake import upload
from deskpemilu.regions.codes import nodot
from deskpemilu.regions.models import TPS, DataImport, Region
from deskpemilu.situation import tps_table

pytestmark = pytest.mark.django_db

KEMANISAN, CURUG, TPS_5 = "36.73.04.1003", "36.73.04", "3673041003005"
PANDEGLANG_DESA = "36.01.01.2001"


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


GOOD = csv_bytes(
    "peran;nama;telepon;kode_wilayah;catatan;kecamatan",
    f"Ketua KPPS;Budi;0812-1111-0001;{TPS_5};;Curug",
    f"pps;Siti;+62 812 1111 0002;{KEMANISAN};;Curug",
    f"babinsa;Serda Ahmad;081211110003;{nodot(KEMANISAN)};Koramil;Curug",
    f"ppk;Rahmat;081211110004;{CURUG};;Curug",
)


def test_a_good_file_is_imported_and_logged():
    report = services.contacts_import(name="kontak.csv", data=GOOD)
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    assert report.ignored_columns == ("kecamatan",)
    kpps = Contact.objects.get(role="kpps")
    assert (kpps.name, kpps.phone, kpps.place_code) == ("Budi", "6281211110001", TPS_5)
    assert kpps.tps == TPS.objects.get(code=TPS_5)
    assert kpps.region.code == KEMANISAN
    assert Contact.objects.get(role="babinsa").region.code == KEMANISAN
    assert DataImport.objects.get(kind="contacts").rows == 4


def test_importing_again_updates_the_same_people():
    services.contacts_import(name="a.csv", data=GOOD)
    again = csv_bytes(
        "peran,nama,telepon,kode_wilayah", f"pps,Siti,0812-9999-0002,{KEMANISAN}"
    )
    report = services.contacts_import(name="b.csv", data=again)
    assert (report.created, report.updated) == (0, 1)
    assert Contact.objects.get(role="pps").phone == "6281299990002"
    assert Contact.objects.count() == 4


def test_bad_rows_are_reported_with_their_lines_and_nothing_is_written():
    data = csv_bytes(
        "peran,nama,telepon,kode_wilayah",
        f"kpps,Budi,0812-1111-0001,{TPS_5}",
        f"lurah,Anu,0812-1111-0002,{KEMANISAN}",  # 3: unknown role
        f"pps,Siti,halo,{KEMANISAN}",  # 4: not a phone
        f"ppk,Rahmat,0812-1111-0004,{KEMANISAN}",  # 5: a PPK at a desa
        "kpps,Joko,0812-1111-0005,3673041003999",  # 6: no such TPS
        f"kpps,Budi,0812-1111-0001,{TPS_5}",  # 7: the same as line 2
        f"pps,Contoh Ketua PPS,0812-0000-0002,{KEMANISAN}",  # 8: the template's
    )
    with pytest.raises(ImportFailed) as failed:
        services.contacts_import(name="buruk.csv", data=data)
    lines = [(p.line, p.message.split(":")[0]) for p in failed.value.problems]
    assert [line for line, _ in lines] == [3, 4, 5, 6, 7, 8]
    assert lines[0][1] == "peran tidak dikenal"
    assert "kode kecamatan" in failed.value.problems[2].message
    assert failed.value.problems[3].message == "kode TPS tidak dikenal"
    assert "sama dengan baris 2" in failed.value.problems[4].message
    assert not Contact.objects.exists()
    assert not DataImport.objects.filter(kind="contacts").exists()


def test_a_file_without_the_required_columns_is_refused_as_a_whole():
    with pytest.raises(ImportFailed) as failed:
        services.contacts_import(name="x.csv", data=csv_bytes("nama,telepon", "a,b"))
    assert failed.value.problems[0].line is None
    assert "peran" in failed.value.problems[0].message
    assert not Contact.objects.exists()


def test_an_xlsx_file_is_read_like_a_csv():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["peran", "nama", "telepon", "kode_wilayah"])
    sheet.append(["bhabinkamtibmas", "Bripka Dedi", "081211110009", KEMANISAN])
    out = io.BytesIO()
    book.save(out)
    report = services.contacts_import(name="kontak.xlsx", data=out.getvalue())
    assert report.rows == 1
    assert Contact.objects.get().role == "bhabinkamtibmas"


def test_a_user_imports_only_inside_their_scope(kabkota_operator):
    data = csv_bytes(
        "peran,nama,telepon,kode_wilayah",
        f"pps,Siti,0812-1111-0002,{KEMANISAN}",
        f"pps,Asep,0812-1111-0003,{PANDEGLANG_DESA}",
    )
    with pytest.raises(ImportFailed) as failed:
        services.contacts_import(name="k.csv", data=data, actor=kabkota_operator)
    assert [(p.line, p.value) for p in failed.value.problems] == [(3, PANDEGLANG_DESA)]
    assert not Contact.objects.exists()


def test_the_template_has_the_columns_and_its_examples_are_refused():
    template = contact_table.template_csv().encode()
    with pytest.raises(ImportFailed) as failed:
        services.contacts_import(name="templat.csv", data=template)
    assert {p.line for p in failed.value.problems} == {2, 3, 4}


def test_the_command_imports_and_fails_clearly(tmp_path):
    good = tmp_path / "kontak.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_contacts", str(good), stdout=out)
    assert "4 kontak (4 baru, 0 diperbarui)" in out.getvalue()
    bad = tmp_path / "buruk.csv"
    bad.write_bytes(csv_bytes("peran,nama,telepon,kode_wilayah", "x,y,z,1"))
    with pytest.raises(CommandError, match="buruk.csv baris 2"):
        call_command("import_contacts", str(bad))


def test_the_import_page_reports_bad_rows_and_imports_a_good_file(
    kabkota_operator, client_for
):
    client = client_for(kabkota_operator)
    url = reverse("coordination:contacts-import")
    assert client.get(url).status_code == 200
    bad = csv_bytes("peran,nama,telepon,kode_wilayah", f"ppk,A,0812-1111-0004,{TPS_5}")
    response = client.post(url, {"file": SimpleUploadedFile("k.csv", bad)})
    assert response.status_code == 422
    assert 'id="import-error"' in response.content.decode()
    assert not Contact.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("k.csv", GOOD)})
    assert response.status_code == 200
    assert 'id="import-report"' in response.content.decode()
    assert Contact.objects.count() == 4


def test_a_liaison_and_a_leader_may_not_import(police_liaison, leader, client_for):
    for user in (police_liaison, leader):
        response = client_for(user).post(
            reverse("coordination:contacts-import"),
            {"file": SimpleUploadedFile("k.csv", GOOD)},
        )
        assert response.status_code == 403
    assert not Contact.objects.exists()


def test_the_directory_masks_phones_except_for_who_may_see_them(
    kabkota_operator, administrator, client_for
):
    services.contacts_import(name="k.csv", data=GOOD)
    url = reverse("coordination:contacts") + "?wilayah=36.73.04&peran=pps"
    masked = client_for(kabkota_operator).get(url).content.decode()
    assert "Siti" in masked and "Budi" not in masked
    assert "6281211110002" not in masked and "6281*******02" in masked
    shown = client_for(administrator).get(url).content.decode()
    assert "6281211110002" in shown


def test_the_directory_hides_contacts_outside_the_scope(police_liaison, client_for):
    services.contacts_import(name="k.csv", data=GOOD)
    client = client_for(police_liaison)
    page = client.get(reverse("coordination:contacts")).content.decode()
    assert "Siti" not in page
    response = client.get(reverse("coordination:contacts") + "?wilayah=36.73")
    assert response.status_code == 404


def test_contacts_for_a_tps_gives_its_own_and_those_of_the_places_holding_it(
    kabkota_operator, administrator
):
    services.contacts_import(name="k.csv", data=GOOD)
    desa = Region.objects.get(code=KEMANISAN)
    tps = TPS.objects.get(code=TPS_5)
    lines = selectors.contacts_for(kabkota_operator, desa, tps)
    assert [(c.role, c.name) for c in lines] == [
        ("kpps", "Budi"),
        ("babinsa", "Serda Ahmad"),
        ("pps", "Siti"),
        ("ppk", "Rahmat"),
    ]
    assert lines[0].phone == "6281*******01"
    assert selectors.contacts_for(administrator, desa)[0].phone == "6281211110003"
    assert len(selectors.contacts_for(kabkota_operator, desa)) == 3


def test_contacts_for_a_region_outside_the_scope_is_not_found(police_liaison):
    with pytest.raises(Http404):
        selectors.contacts_for(police_liaison, Region.objects.get(code=KEMANISAN))


@pytest.mark.parametrize(
    "read, header",
    [
        (contact_table.read_table, "peran;nama;telepon;tempat;nama"),
        (tps_table.read_table, "kode_tps;listrik_padam;kode_tps"),
        (upload.read_table, "waktu;kode_tempat;kategori;tingkat;uraian;waktu"),
    ],
)
def test_every_uploaded_table_refuses_a_column_named_twice_and_an_empty_file(
    read, header
):
    with pytest.raises(FileRefused) as refused:
        read("a.csv", f"{header}\n".encode())
    assert refused.value.message.startswith("Nama kolom muncul dua kali: ")
    with pytest.raises(FileRefused, match="^Berkas kosong: tidak ada baris judul"):
        read("a.csv", b"")
