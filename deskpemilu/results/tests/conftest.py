"""Fixtures of the results tests: the Sumur sample and the official totals."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from deskpemilu.desk.bootstrap import DATA
from deskpemilu.results.services import contest_for

SUMUR = DATA / "results" / "sirekap_pilpres_tps_sample_kec_sumur.csv"
OFFICIAL = DATA / "results" / "pilpres2024_official_totals.csv"
# Kec. Sumur, Kab. Pandeglang (36.01.01): outside Kota Serang's scope.
SUMUR_TPS = "3601012001001"
SUMSHEET_BAD = "3601012002012"  # candidate counts copied into valid/invalid/total


@pytest.fixture
def sumur(db):
    """The Sumur sample (KPU Sirekap, 66 sheets, 4 flagged) and the official totals."""
    call_command("import_results", str(SUMUR), stdout=None)
    call_command("import_official_recap", str(OFFICIAL))
    return contest_for("ppwp")
