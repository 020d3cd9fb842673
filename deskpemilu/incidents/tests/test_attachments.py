"""Which files a follow-up may carry (incidents/attachments.py, no database)."""

import pytest

from deskpemilu.incidents.attachments import Refused, check, sniff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
PDF = b"%PDF-1.7\n%\xe2\xe3"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
    ],
)
def test_photos_and_pdf_are_known_by_their_first_bytes(head, kind):
    assert sniff(head) == kind
    assert check(head, kind, 100, 1000) == kind


@pytest.mark.parametrize(
    "head",
    [
        b"<!doctype html><script>",
        b"<svg xmlns='http://www.w3.org/2000/svg'>",
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04 a zip or docx",
        b"",
    ],
)
def test_anything_else_is_not(head):
    assert sniff(head) is None
    with pytest.raises(Refused) as refused:
        check(head, "image/png", 100, 1000)
    assert refused.value.code == "attachment_kind"


def test_the_declared_type_must_agree_with_the_bytes():
    assert check(JPEG, "image/jpg", 10, 1000) == "image/jpeg"  # a phone's alias
    assert check(PDF, "application/octet-stream", 10, 1000) == "application/pdf"
    with pytest.raises(Refused):
        check(PNG, "text/html", 10, 1000)
    with pytest.raises(Refused):
        check(PNG, "application/pdf", 10, 1000)


def test_the_size_limit_is_inclusive_and_an_empty_file_is_refused():
    assert check(PNG, "image/png", 1000, 1000) == "image/png"
    with pytest.raises(Refused) as refused:
        check(PNG, "image/png", 1001, 1000)
    assert refused.value.code == "attachment_too_large"
    with pytest.raises(Refused) as refused:
        check(PNG, "image/png", 0, 1000)
    assert refused.value.code == "attachment_empty"
