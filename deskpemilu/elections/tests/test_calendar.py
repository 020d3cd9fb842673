"""The current stage at any moment, from the real Pemilu 2024 schedule (no database)."""

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from deskpemilu.desk.bootstrap import FILES
from deskpemilu.elections.calendar import StageSpan, stage_status

WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC


def _date(raw):
    return dt.date.fromisoformat(raw) if raw else None


@pytest.fixture(scope="module")
def stages():
    with FILES["schedule"].open(encoding="utf-8") as handle:
        return [
            StageSpan(
                int(r["id"]),
                r["tahapan"],
                r["jenis"],
                _date(r["tanggal_mulai"]),
                _date(r["tanggal_selesai"]),
            )
            for r in csv.DictReader(handle)
        ]


def at(stages, *args, tz=WIB):
    return stage_status(stages, dt.datetime(*args, tzinfo=tz))


def test_voting_day_is_the_stage_on_14_february(stages):
    assert at(stages, 2024, 2, 14, 9).current.name == "Pemungutan suara"


def test_the_day_after_voting_is_counting(stages):
    assert at(stages, 2024, 2, 15, 9).current.name == "Penghitungan suara"


def test_the_quiet_period_and_the_campaign(stages):
    assert at(stages, 2024, 2, 12, 9).current.name == "Masa tenang"
    assert at(stages, 2024, 1, 10, 9).current.name == "Masa kampanye Pemilu"


def test_recapitulation_runs_until_the_national_result(stages):
    assert (
        at(stages, 2024, 3, 1).current.name == "Rekapitulasi hasil penghitungan suara"
    )
    assert at(stages, 2024, 3, 20).current.name.startswith(
        "KPU menetapkan hasil Pemilu"
    )


def test_the_day_is_taken_in_wib_not_utc(stages):
    # 17:30 UTC on 13 Feb is 00:30 WIB on 14 Feb: voting day already.
    assert at(stages, 2024, 2, 13, 17, 30, tz=UTC).current.name == "Pemungutan suara"
    assert at(stages, 2024, 2, 13, 16, 30, tz=UTC).current.name == "Masa tenang"


def test_the_longer_stages_under_way_are_listed_too(stages):
    status = at(stages, 2024, 2, 14, 9)
    names = [s.name for s in status.active]
    assert "Penghitungan suara" in names
    assert names[0] == "Pemungutan suara"


def test_the_unheld_second_round_is_not_a_stage(stages):
    status = at(stages, 2024, 6, 26)
    assert status.current is None
    assert status.previous.name.startswith("Perencanaan program")


def test_after_the_last_dated_stage_the_election_is_finished(stages):
    status = at(stages, 2026, 11, 28)
    assert status.current is None and status.finished
    assert status.previous.name == "Pengucapan sumpah/janji Presiden dan Wakil Presiden"


def test_before_the_first_stage_the_next_one_is_known(stages):
    status = at(stages, 2022, 1, 1)
    assert status.before_start
    assert status.next.name.startswith("Perencanaan program")


def test_a_naive_moment_is_refused(stages):
    with pytest.raises(ValueError):
        stage_status(stages, dt.datetime(2024, 2, 14))
