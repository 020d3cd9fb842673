"""The one page-links include (templates/_pages.html) under every paginated table."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def links(query: str, param: str, number: int) -> str:
    request = RequestFactory().get("/x/" + query)
    page = Paginator(range(30), 10).get_page(number)
    with translation.override("id"):
        return render_to_string(
            "_pages.html", {"page": page, "param": param}, request=request
        )


def test_links_name_the_pages_parameter_and_keep_the_others():
    html = links("?tahap=tutup&hal=2", "hal", 2)
    assert 'href="?tahap=tutup&amp;hal=1"' in html
    assert 'href="?tahap=tutup&amp;hal=3"' in html
    assert "Halaman 2 dari 3" in html


def test_the_first_and_last_page_link_one_way_only():
    first, last = links("", "riwayat", 1), links("?riwayat=3", "riwayat", 3)
    assert "?riwayat=2" in first and "Sebelumnya" not in first
    assert "?riwayat=2" in last and "Berikutnya" not in last


def test_a_single_page_shows_no_links():
    request = RequestFactory().get("/x/")
    page = Paginator(range(5), 10).get_page(1)
    html = render_to_string("_pages.html", {"page": page, "param": "page"}, request)
    assert html.strip() == ""
