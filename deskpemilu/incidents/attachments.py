"""Which files a follow-up may carry: photos (JPEG, PNG, WebP) and PDF. No Django.

A file is taken when its first bytes are those of one of these kinds and the type
the browser declared agrees with them. The kind the bytes say is the one kept and
served: a name or a declared type alone never makes a file an image, so an HTML or
SVG page renamed `.png` is refused rather than served to another user's browser.
"""

from __future__ import annotations

from dataclasses import dataclass

# Content type -> the extension of the stored file.
KINDS: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
# What browsers and phones also send for these kinds.
ALIASES: dict[str, str] = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": "application/pdf",
}
HEAD_BYTES = 16
# The largest attachment, in bytes (setting DESKPEMILU_FOLLOWUP_MAX_BYTES).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Refused(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes say, or None for any other kind."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check(head: bytes, declared: str, size: int, limit: int) -> str:
    """The content type to keep for a file, or Refused (Indonesian message)."""
    if size > limit:
        raise Refused(
            "attachment_too_large",
            f"Lampiran terlalu besar ({_mb(size)}); paling besar {_mb(limit)}.",
        )
    if size == 0:
        raise Refused("attachment_empty", "Lampiran kosong.")
    kind = sniff(head)
    said = declared.split(";", 1)[0].strip().lower()
    said = ALIASES.get(said, said)
    if kind is None or said not in (kind, "application/octet-stream"):
        raise Refused(
            "attachment_kind",
            "Lampiran harus foto (JPEG, PNG, WebP) atau PDF.",
        )
    return kind


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
