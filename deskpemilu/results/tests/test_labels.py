"""No raw code on a results page: every field, check, source and refusal a person
reads is in words (results/labels.py), in both languages. Codes stay in data
attributes, links and form values, where scripts and tests read them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from deskpemilu.results import labels
from deskpemilu.results.spec import CHECKS, FIELDS, SOURCES
from deskpemilu.results.tests.conftest import SUMSHEET_BAD

pytestmark = pytest.mark.django_db

CODES = {
    *FIELDS,
    *(f"suara_{n}" for n in range(1, 4)),
    *CHECKS,
    *(s for s in SOURCES if "_" in s),  # "desk", "saksi" are words too
    *labels.ERRORS,
}
RAW = re.compile(r"\b(" + "|".join(sorted(CODES, key=len, reverse=True)) + r")\b")


class _Text(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def raw_codes(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(RAW.findall(" ".join(parser.parts)))


def test_the_finder_sees_a_code_in_text_but_not_in_attributes():
    assert raw_codes('<td data-field="dpt_laki">DPT laki-laki</td>') == set()
    assert raw_codes("<td>dpt_laki</td><script>sum_mismatch</script>") == {"dpt_laki"}
    assert raw_codes('<option value="kpu_sirekap">KPU (Sirekap)</option>') == set()


@pytest.mark.parametrize("language", ["id", "en"])
def test_results_pages_show_no_raw_codes(
    sumur, province_coordinator, client_for, language
):
    client = client_for(province_coordinator)
    client.cookies["django_language"] = language  # core/middleware.py
    # A second source that disagrees (source_conflict), a decision following a
    # source, and a refused form: every place a code could show.
    client.post(
        "/hasil/entri/",
        {
            "kode_tps": "3601012001002",
            "suara_1": "118",
            "suara_2": "76",
            "suara_3": "19",
            "suara_sah": "212",
        },
    )
    client.post(
        f"/hasil/tps/{SUMSHEET_BAD}/keputusan/",
        {
            "field": "suara_sah",
            "value": "228",
            "chosen_source": "kpu_sirekap",
            "reason": "terbaca di foto",
        },
    )
    pages = {
        url: client.get(url)
        for url in (
            "/hasil/?wilayah=36.01.01",
            "/hasil/flags/?status=all",
            "/hasil/flags/?check=sum_mismatch&status=all",
            f"/hasil/tps/{SUMSHEET_BAD}/",
            "/hasil/tps/3601012001002/",
            "/hasil/rekap/36/",
            "/hasil/entri/",
        )
    }
    pages["refused decision"] = client.post(
        f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", {"field": "suara_sah"}
    )
    pages["entry check"] = client.post(
        "/hasil/entri/periksa/",
        {"suara_1": "118", "suara_2": "76", "suara_3": "18", "suara_sah": "221"},
    )
    for url, page in pages.items():
        assert page.status_code in (200, 422), url
        assert raw_codes(page.text) == set(), url
    english = language == "en"
    assert ("Flag queue" in pages["/hasil/flags/?status=all"].text) == english
    # The codes are still there for scripts and tests.
    assert 'data-check="source_conflict"' in pages["/hasil/tps/3601012001002/"].text
