"""The shipped settings hold the documented defaults (docs/situation.md, "Settings")."""

import datetime as dt


def test_the_shipped_settings_have_the_documented_deadlines(settings):
    assert settings.DESKPEMILU_COVERAGE_DEADLINES == {
        "buka": dt.time(7, 30),
        "tutup": dt.time(13, 30),
        "hitung": dt.time(18, 0),
        "kirim": dt.time(21, 0),
    }
    assert settings.DESKPEMILU_STATEMENT_SIGNIFICANT == ("berat", "kritis")
