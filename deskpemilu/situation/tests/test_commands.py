"""The situation's management commands."""

import io

import pytest
from django.core.management import CommandError, call_command

from deskpemilu.situation.models import RegionStatus, TpsVulnerability

pytestmark = pytest.mark.django_db


def test_import_tps_rawan_reads_a_file_and_reports(tmp_path):
    path = tmp_path / "bawaslu.csv"
    path.write_text("kode_tps,dptb,kendala_internet\n3673041003001,1,1\n")
    out = io.StringIO()
    call_command("import_tps_rawan", str(path), stdout=out)
    assert (
        "bawaslu.csv: 1 TPS (1 baru, 0 diperbarui), 2 kolom indikator."
        in out.getvalue()
    )
    assert TpsVulnerability.objects.get().present() == ["dptb", "kendala_internet"]


def test_import_tps_rawan_refuses_a_bad_file_clearly(tmp_path):
    path = tmp_path / "bawaslu.csv"
    path.write_text("kode_tps,dptb\n3673041003999,1\n")
    with pytest.raises(CommandError, match="baris 2: TPS tidak dikenal"):
        call_command("import_tps_rawan", str(path))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_tps_rawan", str(tmp_path / "tidak-ada.csv"))


def test_situation_recompute_runs_once():
    out = io.StringIO()
    call_command("situation_recompute", stdout=out)
    assert "Status 1716 wilayah dihitung" in out.getvalue()
    assert RegionStatus.objects.count() == 1716


def test_situation_recompute_also_counts_for_the_dashboard():
    from deskpemilu.situation.models import DashboardState

    out = io.StringIO()
    call_command("situation_recompute", "--rebuild", stdout=out)
    assert "Hitungan dasbor: semua hari dihitung ulang" in out.getvalue()
    state = DashboardState.objects.get()
    assert state.rebuilt_at is not None and state.figures_at is not None
    out = io.StringIO()
    call_command("situation_recompute", stdout=out)
    assert "Hitungan dasbor: 0 hari dihitung ulang" in out.getvalue()
