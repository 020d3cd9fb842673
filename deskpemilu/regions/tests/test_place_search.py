"""Finding a place by name as it is typed (issue 16): the desk's incident form offers
the regions and TPS in the user's scope whose names match, and takes an exact name
without script."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse

from deskpemilu.incidents.forms import IncidentForm
from deskpemilu.regions import selectors
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_desa_is_found_by_part_of_its_name_with_the_regions_above_it(
    kabkota_operator,
):
    places = selectors.search_places(kabkota_operator, "kemanis")
    assert [p.code for p in places] == ["36.73.04.1003"]
    label = places[0].label
    assert "KEMANISAN" in label.upper() and "CURUG" in label.upper()
    assert label.endswith("(36.73.04.1003)")


def test_the_search_keeps_to_the_scope_and_needs_three_letters(police_liaison):
    assert selectors.search_places(police_liaison, "kemanis") == []  # Kota Serang
    assert selectors.search_places(police_liaison, "ke") == []
    assert selectors.search_places(police_liaison, "pandeglang")


def test_a_tps_is_found_by_its_desa_and_number(kabkota_operator):
    for typed in ("Kemanisan 5", "TPS 5 kemanisan", "tps 005 Kemanisan"):
        places = selectors.search_places(kabkota_operator, typed, tps=True)
        assert [p.code for p in places] == ["3673041003005"], typed
    every = selectors.search_places(kabkota_operator, "Kemanisan", tps=True)
    assert len(every) > 1 and all(p.kind == "tps" for p in every)


def test_the_endpoint_answers_datalist_options(kabkota_operator, client_for):
    client = client_for(kabkota_operator)
    html = client.get(reverse("place-search"), {"region": "kemanis"}).content.decode()
    assert '<option value="36.73.04.1003" data-kind="region">' in html
    html = client.get(reverse("place-search"), {"tps": "Kemanisan 5"}).content.decode()
    assert '<option value="3673041003005" data-kind="tps">' in html


def test_the_desk_form_offers_the_finder(province_coordinator, client_for):
    html = client_for(province_coordinator).get(reverse("incidents:create")).content
    page = html.decode()
    assert 'list="region-options"' in page and '<datalist id="region-options">' in page
    assert 'hx-get="/wilayah/cari/"' in page and "htmx.min.js" in page


def _form(region: str) -> IncidentForm:
    return IncidentForm(
        {
            "category": "politik_uang",
            "severity": "berat",
            "title": "Bagi amplop",
            "region": region,
            "occurred_at": "2024-02-14T10:00",
        }
    )


def test_the_form_takes_an_exact_name_a_picked_label_or_a_code():
    for typed in ("Kemanisan", "kemanisan", "36.73.04.1003", "3673041003"):
        form = _form(typed)
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["region"].code == "36.73.04.1003"
    labelled = _form("KEMANISAN · CURUG · KOTA SERANG (36.73.04.1003)")
    assert labelled.is_valid() and labelled.cleaned_data["region"].code == (
        "36.73.04.1003"
    )


def test_a_name_several_regions_share_is_refused_with_their_codes():
    shared = (
        Region.objects.filter(level="desa")
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    assert shared is not None, "Banten has desa names that repeat"
    form = _form(shared["name"].title())
    assert not form.is_valid()
    error = " ".join(form.errors["region"])
    codes = Region.objects.filter(level="desa", name=shared["name"]).values_list(
        "code", flat=True
    )
    assert all(code in error for code in codes)
    assert not _form("Tidak Ada Desa Bernama Ini").is_valid()
