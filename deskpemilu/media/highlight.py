"""The article's text as HTML with what the analysis found marked (places, persons,
quotes), every character escaped. No Django model here."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlighted(text: str, spans: Sequence[Sequence[object]]) -> SafeString:
    """Paragraphs of `text` with `<mark class="KIND">` around each span (start,
    end, kind); a span overlapping the one before it is left out (a name in a
    quote: the quote is marked)."""
    out: list[str] = []
    at = 0
    for span in sorted(spans, key=lambda s: (int(str(s[0])), -int(str(s[1])))):
        start, end, kind = int(str(span[0])), int(str(span[1])), str(span[2])
        if start < at or end > len(text):
            continue
        out.append(escape(text[at:start]))
        out.append(f'<mark class="{escape(kind)}">{escape(text[start:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    html = "".join(out)
    paragraphs = "".join(f"<p>{p}</p>" for p in html.split("\n") if p.strip())
    return mark_safe(paragraphs)  # noqa: S308 - every piece escaped above
