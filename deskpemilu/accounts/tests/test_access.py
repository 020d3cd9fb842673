"""Who sees what: every page and endpoint of the region tree, per persona."""

import pytest
from django.test import Client

from deskpemilu.accounts.access import (
    access_for,
    can_write,
    regions_visible,
    tps_visible,
)
from deskpemilu.accounts.models import Role
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db

PAGES = ["/", "/wilayah/36/", "/wilayah/36.73/"]
API = [
    "/api/v1/regions/36",
    "/api/v1/regions/36.73/children",
    "/api/v1/regions/36.73/tps",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_a_login(url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


@pytest.mark.parametrize("url", API + ["/api/v1/regions/36/boundaries"])
def test_api_needs_a_login(url):
    assert Client().get(url).status_code == 401


def test_a_kabkota_operator_sees_only_that_kabkota(kabkota_operator):
    visible = regions_visible(kabkota_operator)
    assert set(visible.filter(level="kabkota").values_list("code", flat=True)) == {
        "36.73"
    }
    assert visible.count() == 1 + 6 + 67
    assert not visible.filter(level="provinsi").exists()
    assert tps_visible(kabkota_operator).count() == 1877


def test_a_kabkota_operator_cannot_open_another_kabkota(client_for, kabkota_operator):
    client = client_for(kabkota_operator)
    for url in [
        "/wilayah/36.01/",
        "/wilayah/36.01.01/",
        "/wilayah/36.01.01.2001/",
        "/wilayah/36/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        "/api/v1/regions/36.01",
        "/api/v1/regions/3601/children",
        "/api/v1/regions/36.01/tps",
        "/api/v1/regions/36/boundaries",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_kabkota_operator_opens_their_own_regions(client_for, kabkota_operator):
    client = client_for(kabkota_operator)
    home = client.get("/")
    assert home.context["region"].code == "36.73"
    assert client.get("/wilayah/36.73.01/").status_code == 200
    children = client.get("/api/v1/regions/36.73/children").json()
    assert len(children) == 6


def test_the_home_page_of_a_kabkota_operator_lists_no_other_kabkota(
    client_for, kabkota_operator
):
    html = client_for(kabkota_operator).get("/").content.decode()
    assert "KOTA SERANG" in html
    assert "PANDEGLANG" not in html and "LEBAK" not in html


def test_the_operator_sees_the_province_name_but_cannot_open_it(
    client_for, kabkota_operator
):
    html = client_for(kabkota_operator).get("/wilayah/36.73/").content.decode()
    assert "<span>BANTEN</span>" in html
    assert 'href="/wilayah/36/"' not in html


def test_a_police_liaison_sees_their_polres_area(client_for, police_liaison):
    client = client_for(police_liaison)
    assert client.get("/wilayah/36.01/").status_code == 200
    assert client.get("/wilayah/36.02/").status_code == 404


def test_a_province_coordinator_sees_every_kabkota(client_for, province_coordinator):
    client = client_for(province_coordinator)
    assert len(client.get("/api/v1/regions/36/children").json()) == 8
    assert client.get("/wilayah/36.01.01.2001/").status_code == 200
    assert regions_visible(province_coordinator).count() == Region.objects.count()


def test_the_read_only_leader_sees_everything_but_may_not_write(leader):
    assert regions_visible(leader).count() == Region.objects.count()
    assert not can_write(leader)


def test_working_roles_may_write(
    kabkota_operator, police_liaison, province_coordinator
):
    assert all(
        can_write(u) for u in (kabkota_operator, police_liaison, province_coordinator)
    )


def test_a_province_administrator_counts_as_seeing_everything(db):
    from conftest import make_member

    admin = make_member("admin_desk", "kesbangpol-banten", Role.ADMINISTRATOR, "36")
    assert access_for(admin).everything and access_for(admin).is_admin


def test_a_user_without_membership_sees_nothing(client_for, django_user_model):
    user = django_user_model.objects.create_user("tamu", password="x-uji-12345")
    assert regions_visible(user).count() == 0
    response = client_for(user).get("/")
    assert response.status_code == 200 and response.context["roots"] == []
    assert client_for(user).get("/wilayah/36/").status_code == 404


def test_an_inactive_membership_gives_no_access(kabkota_operator):
    kabkota_operator.memberships.update(is_active=False)
    assert regions_visible(kabkota_operator).count() == 0


@pytest.mark.parametrize(
    "code", ["99", "36.99", "36.73.99.9999", "abc", "36.7", "3673041003005"]
)
def test_unknown_or_malformed_region_codes_answer_404(
    client_for, province_coordinator, code
):
    client = client_for(province_coordinator)
    assert client.get(f"/wilayah/{code}/").status_code == 404
    assert client.get(f"/api/v1/regions/{code}").status_code == 404
