"""Media monitoring's predicates: who sees which articles, who may add."""

from __future__ import annotations

import pytest

from deskpemilu.accounts import access
from deskpemilu.media.models import Article

pytestmark = pytest.mark.django_db


def _article(area_code: str) -> Article:
    return Article.objects.create(
        title=f"Artikel {area_code or 'tanpa wilayah'}",
        raw_text="x",
        text="x",
        fingerprint=len(area_code),
        klass="other",
        area_code=area_code,
    )


def test_articles_visible_by_scope(province_coordinator, kabkota_operator):
    serang = _article("3673051005")  # Banjarsari, Kota Serang
    province = _article("36")  # about the whole province
    lebak = _article("3602")
    nowhere = _article("")
    everything = set(access.articles_visible(province_coordinator))
    assert everything == {serang, province, lebak, nowhere}
    # Kota Serang's operator: Kota Serang's, the province's, the unplaced; not Lebak.
    assert set(access.articles_visible(kabkota_operator)) == {serang, province, nowhere}


def test_can_add_media(province_coordinator, kabkota_operator, leader, police_liaison):
    assert access.can_add_media(province_coordinator)
    assert access.can_add_media(kabkota_operator)
    assert not access.can_add_media(leader)
    assert not access.can_add_media(police_liaison)
