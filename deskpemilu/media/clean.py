"""Cleaning an article as published: what is not the article's own text goes.

Site-name prefixes and datelines ("Hitzserpong-Penjabat", "SERANG, KOMPAS.com -"),
"Baca juga" inserts (a line of their own or glued to a paragraph), reporter initials
and editor lines, photo captions and share-button text. No Django here.
"""

from __future__ import annotations

import re

# At the very start: "SITE-Word" glued (a word, a hyphen, a capitalised word), or a
# dateline "CITY, Site.com -" / "CITY -" / "Site.com -" with a spaced dash.
_GLUED_PREFIX = re.compile(r"\A[A-Z][\w.]{2,30}-(?=[A-Z][a-z])")
_DATELINE = re.compile(
    r"\A(?:[A-Z]{3,}(?: [A-Z]{3,})*,\s*[^-–—,\n]{2,40}?\s+[-–—]+\s+|"
    r"(?:[A-Z][A-Za-z .]{1,40},\s*)?"
    r"(?:[A-Z][A-Z .]{2,40}|[\w-]+(?:\.[\w-]+)*\.(?:com|id|net|co|news|tv)"
    r"|[A-Z][a-z]+(?= \([A-Z]))"
    r"(?:\s*\([^)]{1,30}\))?\s*[-–—|:]+\s+)"
)
# "Baca juga: <title>" up to the end of its line, with the bold marks around it.
_READ_ALSO = re.compile(
    r"[*_\s]*\b(?:Baca|BACA)\s+(?:[Jj]uga|JUGA|[Ss]elengkapnya|Berita Lainnya)\b"
    r"\s*:?[^\n]*",
)
# A line that is all boilerplate.
_JUNK_LINE = re.compile(
    r"^\s*(?:"
    r"(?:Editor|Penulis|Reporter|Pewarta|Redaktur|Penyunting|Sumber|Foto|FOTO|"
    r"Caption|Keterangan [Ff]oto|Ilustrasi|Copyright|Hak [Cc]ipta)\s*[:©].*"
    r"|\((?:[Ff]oto|FOTO|[Ii]lustrasi)\b[^)]*\)"
    r"|(?:Bagikan|Share|Bagikan artikel ini)\b.{0,60}"
    r"|(?:(?:Facebook|Twitter|WhatsApp|Telegram|Line|Copy Link|Salin [Tt]autan|"
    r"Email|X)\s*[|,]?\s*){2,}"
    r"|(?:Ikuti|Simak|Dapatkan)\b.{0,80}\b(?:Google News|WhatsApp|Channel|"
    r"Telegram|update)\b.*"
    r"|ADVERTISEMENT|SCROLL TO (?:CONTINUE|RESUME)[A-Z ]*|Advertisement"
    r"|©.*"
    r")\s*$",
    re.MULTILINE,
)
# Initials at the end: "(eka)", "(ant/red)", "(RED)", "- eka", "**(eka)".
_INITIALS_END = re.compile(
    r"[\s*]*(?:\((?:[a-zA-Z]{2,5}(?:\s*/\s*[a-zA-Z]{2,5}){0,3}|\*+)\)|[-–]\s*[a-z]{2,4})"
    r"[\s*]*\Z"
)
# "(Foto: ...)" or "(ant)" left inside a paragraph.
_INLINE_CAPTION = re.compile(r"\s*\((?:[Ff]oto|FOTO|[Ii]lustrasi)\s*:[^)]*\)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{2,}")
_STARS = re.compile(r"\*{2,}")


def clean(text: str) -> str:
    """The article's own text, one paragraph a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _READ_ALSO.sub("\n", text)
    text = _JUNK_LINE.sub("", text)
    text = _INLINE_CAPTION.sub("", text)
    text = _STARS.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines:
        # The first paragraph, or the second after a headline.
        for k in range(min(2, len(lines))):
            line = _GLUED_PREFIX.sub("", lines[k], count=1)
            line = _DATELINE.sub("", line, count=1)
            if line != lines[k]:
                lines[k] = line
                break
        lines[-1] = _INITIALS_END.sub("", lines[-1])
    return _BLANKS.sub("\n", "\n".join(line for line in lines if line)).strip()
