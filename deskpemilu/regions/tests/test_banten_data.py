"""The counts of Banten's official master data, as loaded by `load_banten`."""

import csv
import gzip
from collections import Counter

import numpy as np
import pytest
import shapely

from deskpemilu.desk.bootstrap import FILES
from deskpemilu.regions.models import (
    TPS,
    Boundary,
    Region,
    region_subtree_q,
    tps_subtree_q,
)

pytestmark = pytest.mark.django_db


def test_banten_has_its_official_number_of_regions_at_each_level():
    counts = Counter(Region.objects.values_list("level", flat=True))
    assert counts == {"provinsi": 1, "kabkota": 8, "kecamatan": 155, "desa": 1552}


def test_every_tps_is_loaded_with_the_special_location_ones_flagged():
    assert TPS.objects.count() == 33324
    assert TPS.objects.filter(is_special=True).count() == 48
    assert not TPS.objects.filter(is_special=True, number__lt=901).exists()


def test_the_voters_of_the_kabkota_add_up_to_the_province_total():
    kabs = Region.objects.filter(level="kabkota")
    assert sum(k.dpt for k in kabs) == 8842646
    assert Region.objects.get(code="36").voters == 8842646


def test_each_kabkota_has_the_tps_count_of_the_kpu_plenary():
    with FILES["dpt_kabkota"].open() as handle:
        official = {
            row["kode_kabkota"]: int(row["jumlah_tps"])
            for row in csv.DictReader(handle)
        }
    loaded = dict(
        Region.objects.filter(level="kabkota").values_list("code_nodot", "tps_count")
    )
    assert loaded == official


def test_counts_roll_up_the_tree():
    province = Region.objects.get(code="36")
    assert (province.kecamatan_count, province.desa_count) == (155, 1552)
    assert (province.tps_count, province.tps_special_count) == (33324, 48)
    serang = Region.objects.get(code="36.73")
    assert (
        serang.tps_count == TPS.objects.filter(tps_subtree_q("36.73")).count() == 1877
    )


def test_tps_voters_are_known_where_the_sumur_sample_gives_them():
    sumur = Region.objects.get(code="36.01.01")
    assert (sumur.tps_count, sumur.tps_with_dpt, sumur.dpt_tps_sum) == (69, 59, 16130)
    assert sumur.voters is None  # not every TPS is known, so no total is claimed
    assert TPS.objects.get(code="3601012001001").dpt == 289


def test_everything_under_a_kabkota_is_found_by_its_code_range():
    under = Region.objects.filter(region_subtree_q("36.73", include_self=False))
    assert Counter(under.values_list("level", flat=True)) == {
        "kecamatan": 6,
        "desa": 67,
    }
    assert not under.exclude(code__startswith="36.73.").exists()


def test_the_2025_spelling_and_the_moved_village_are_kept_as_alternatives():
    assert Region.objects.get(code="36.74.04.1004").name_alt == "Sawah"
    cikaratuan = Region.objects.get(code="36.02.16.2018")
    assert cikaratuan.code_alt == "36.02.28.2009"
    assert cikaratuan.name_alt == ""


def test_every_region_below_the_province_has_a_boundary():
    assert Boundary.objects.count() == 8 + 155 + 1552
    assert Region.objects.filter(code="36.02.16.2018", boundary__isnull=False).exists()


def test_the_desa_layer_is_light_enough_for_a_browser(client, province_coordinator):
    client.force_login(province_coordinator)
    response = client.get(
        "/api/v1/regions/36/boundaries?depth=3", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    assert body.count(b'"type":"Feature"') == 1552
    assert len(response.content) < 400_000  # what the browser downloads
    assert len(body) < 1_500_000  # what it parses; the source file is 3.9 MB


def test_the_pemilu_2024_election_has_its_stages_and_presidential_pairs():
    from deskpemilu.elections.models import Candidate, Election

    election = Election.objects.get(slug="pemilu-2024")
    assert election.stages.count() == 22
    pairs = Candidate.objects.filter(contest__election=election, contest__kind="ppwp")
    assert [(c.number, c.short_name) for c in pairs] == [
        (1, "Anies-Muhaimin"),
        (2, "Prabowo-Gibran"),
        (3, "Ganjar-Mahfud"),
    ]


def test_the_desk_agencies_are_loaded_for_the_province_and_every_kabkota():
    from deskpemilu.accounts.models import Agency

    province = set(
        Agency.objects.filter(region__code="36", desk_member=True).values_list(
            "short_name", flat=True
        )
    )
    assert {
        "Pemprov Banten",
        "Kesbangpol Banten",
        "Polda Banten",
        "Korem 064/MY",
        "Kejati Banten",
        "KPU Banten",
        "Bawaslu Banten",
    } <= province
    for kab in Region.objects.filter(level="kabkota"):
        kinds = set(
            Agency.objects.filter(jurisdiction=kab).values_list("kind", flat=True)
        )
        assert {"polri", "tni", "kpu", "bawaslu", "pemda"} <= kinds, kab.code


@pytest.mark.parametrize(
    ("level", "most"),
    [("kabkota", 1e-9), ("kecamatan", 1e-9), ("desa", 1e-5)],
)
def test_neighbours_on_the_map_meet_without_overlapping(level, most):
    # The source outlines of Banten's kecamatan overlap by 1.4 % of the province's
    # area, and outlines simplified one at a time overlap more; the light layers are
    # made as one coverage from the villages (regions.geometry.coverage_layers).
    # What is left comes from rounding the coordinates (~10 m) for the wire.
    outlines = Boundary.objects.filter(region__level=level).values_list(
        "geometry_light", flat=True
    )
    shapes = shapely.make_valid(
        np.array([shapely.from_geojson(text) for text in outlines])
    )
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(shapes[left[pairs]], shapes[right[pairs]])
    ).sum()
    province = shapely.union_all(shapes).area
    assert overlap / province < most, overlap / province
