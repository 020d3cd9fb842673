"""The plan: the same seed gives the same messages; the mix is what the plan says;
every field-code message is filed by the desk's own parser as the plan expects."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from deskpemilu.intake import fieldcode
from deskpemilu.simulate import plan as P
from deskpemilu.simulate import wire

TPS_FILE = (
    Path(__file__).resolve().parents[2] / "data/banten/results/banten_tps_2024.csv"
)
START = dt.datetime(2024, 2, 14, 0, 0, tzinfo=P.WIB)
END = dt.datetime(2024, 2, 15, 12, 0, tzinfo=P.WIB)


def banten(seed: int) -> list[P.Tps]:
    with TPS_FILE.open(encoding="utf-8") as handle:
        codes = [row["kode_tps"] for row in csv.DictReader(handle)]
    return [P.Tps(c, P.CLASS_WEIGHTS[P.synthetic_class(seed, c)]) for c in codes]


@pytest.fixture(scope="module")
def some_tps() -> list[P.Tps]:
    return P.choose_tps(11, banten(11), 400)


def test_the_same_seed_gives_the_same_plan(some_tps):
    first = P.make_plan(11, some_tps, START, END, incidents=20)
    again = P.make_plan(11, list(reversed(some_tps)), START, END, incidents=20)
    assert first.messages == again.messages
    assert first.officers == again.officers
    other = P.make_plan(12, some_tps, START, END, incidents=20)
    assert other.messages != first.messages


def test_the_tps_drawn_depend_on_the_seed_only():
    everyone = banten(5)
    assert P.choose_tps(5, everyone, 50) == P.choose_tps(5, everyone[::-1], 50)
    assert P.choose_tps(5, everyone, 50) != P.choose_tps(6, everyone, 50)


def test_a_shorter_window_keeps_the_same_messages(some_tps):
    whole = P.make_plan(11, some_tps, START, END, incidents=20)
    noon = START + dt.timedelta(hours=12)
    morning = P.make_plan(11, some_tps, START, noon, incidents=20)
    assert morning.messages == tuple(m for m in whole.messages if m.at < noon)
    assert all(START <= m.at < END for m in whole.messages)
    assert [m.at for m in whole.messages] == sorted(m.at for m in whole.messages)


def test_the_mix_of_a_vote_day(some_tps):
    run = P.make_plan(11, some_tps, START, END, incidents=20)
    kinds = Counter(m.kind for m in run.messages)
    routes = Counter(m.route for m in run.messages)
    notes = Counter(n for m in run.messages for n in m.note.split(",") if n)
    checkins = kinds[P.CHECKIN]
    # Four stages, a few TPS silent, a few stages skipped, a few unreadable.
    assert 0.8 * 4 * len(some_tps) < checkins < 4 * len(some_tps)
    reporting = {m.tps_code for m in run.messages if m.kind == P.CHECKIN}
    assert 0.9 * len(some_tps) < len(reporting) < len(some_tps)
    assert set(routes) == set(P.ROUTES)
    assert kinds[P.SHEET] > len(some_tps)  # two sources for most TPS
    for note in ("late", "typo", "unreadable", "duplicate", "disagree"):
        assert notes[note] > 0, note
    incidents = [m for m in run.messages if m.kind in (P.INCIDENT, P.FREE)]
    assert len(incidents) > 50
    # Rawan TPS see more incidents per TPS than kurang rawan ones.
    weight = {t.code: t.weight for t in some_tps}
    per = Counter(weight[m.tps_code] > 1 for m in incidents)
    high = sum(1 for t in some_tps if t.weight > 1)
    assert per[True] / high > per[False] / (len(some_tps) - high)


def test_the_time_typed_reads_as_a_moment_before_sending(some_tps):
    """The desk reads HHMM on the day the message came, or the day before when the
    time is still ahead (intake.services.reported_at): a late check-in then reports
    the moment it happened, up to three hours before it was sent."""
    run = P.make_plan(11, some_tps, START, END)
    typed = 0
    for m in run.messages:
        parsed = fieldcode.parse(m.text)
        if not isinstance(parsed, fieldcode.Checkin) or not parsed.time_hhmm:
            continue
        typed += 1
        local = m.at.astimezone(P.WIB)
        hour, minute = int(parsed.time_hhmm[:2]), int(parsed.time_hhmm[2:])
        at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if at > local + dt.timedelta(minutes=5):
            at -= dt.timedelta(days=1)
        assert dt.timedelta(0) <= local - at <= dt.timedelta(hours=3, minutes=1)
    assert typed > len(some_tps)


def test_every_field_code_message_is_filed_as_planned(some_tps):
    """The desk's own parser reads each text as the plan expects (the live test
    checks the desk's filing end to end)."""
    run = P.make_plan(11, some_tps, START, END, incidents=20)
    kinds = {
        fieldcode.Checkin: P.CHECKIN,
        fieldcode.IncidentReport: P.INCIDENT,
        fieldcode.ResultReport: P.RESULT,
    }
    for m in run.messages:
        if m.route in (P.PUBLIC, P.RESULTS_API):
            continue
        parsed = fieldcode.parse(m.text)
        kind = kinds.get(type(parsed))
        if kind is None:
            free = (
                isinstance(parsed, fieldcode.ParseError)
                and parsed.code == "unknown_keyword"
                and fieldcode.looks_like_free_text(m.text)
            )
            kind = P.FREE if free else P.UNKNOWN
        assert kind == m.kind, (m.text, parsed)


def test_results_are_near_banten_shares():
    totals = [0, 0, 0]
    for t in banten(3)[:2000]:
        votes = P.tps_votes(3, t.code)
        assert (
            votes["suara_1"] + votes["suara_2"] + votes["suara_3"] == votes["suara_sah"]
        )
        assert votes["suara_sah"] + votes["suara_tidak_sah"] == votes["suara_total"]
        assert votes["suara_total"] <= votes["dpt_total"]
        for n in range(3):
            totals[n] += votes[f"suara_{n + 1}"]
    shares = [v / sum(totals) for v in totals]
    official = [v / sum(P.SHARES) for v in P.SHARES]
    for got, want in zip(shares, official, strict=True):
        assert abs(got - want) < 0.03


def test_two_sources_per_tps_with_sirekap_misreads():
    everyone = P.choose_tps(8, banten(8), 3000)
    vote = dt.datetime(2024, 2, 14, tzinfo=P.WIB)
    run = P.make_plan(8, everyone, vote, vote + dt.timedelta(days=4))
    sheets = [m for m in run.messages if m.kind == P.SHEET]
    by_source = Counter(str(dict(m.sheet)["source"]) for m in sheets)
    assert by_source["kpu_sirekap"] > 0.95 * len(everyone)
    assert 0.6 * len(everyone) < by_source["saksi"] < 0.8 * len(everyone)
    misread = [m for m in sheets if m.note == "misread"]
    assert 5 <= len(misread) <= 40  # 0.64 % of 3,000
    for m in misread:
        numbers = dict(m.sheet)
        votes = sum(int(str(numbers[f"suara_{n}"])) for n in (1, 2, 3))
        assert votes > int(str(numbers["suara_sah"]))


def test_a_window_without_a_vote_day_has_incidents_only():
    quiet = dt.datetime(2024, 2, 11, tzinfo=P.WIB)
    run = P.make_plan(4, banten(4)[:3000], quiet, quiet + dt.timedelta(days=2))
    assert run.messages
    assert {m.kind for m in run.messages} <= {P.INCIDENT, P.FREE, P.UNKNOWN}


def test_times_need_a_zone(some_tps):
    with pytest.raises(ValueError):
        P.make_plan(1, some_tps, START.replace(tzinfo=None), END)


def test_requests_are_signed_as_the_providers_sign():
    """The desk's own verifiers accept what wire signs, and refuse it with another
    secret."""
    from deskpemilu.intake import channels

    run = P.make_plan(11, P.choose_tps(11, banten(11), 30), START, END)
    m = next(m for m in run.messages if m.kind == P.CHECKIN)
    good = wire.Secrets("k", "twilio-token", "app-secret", "tg-secret", "api")
    request = wire.whatsapp(m, 11, good)
    header = dict(request.headers)["X-Hub-Signature-256"]
    channels.whatsapp_verify_signature("app-secret", request.body, header)
    with pytest.raises(channels.SignatureError):
        channels.whatsapp_verify_signature("other", request.body, header)
    base = "http://127.0.0.1:8123"
    request = wire.twilio(m, 11, good, base)
    from urllib.parse import parse_qs

    params = {k: v for k, v in parse_qs(request.body.decode()).items()}
    signature = dict(request.headers)["X-Twilio-Signature"]
    channels.twilio_verify("twilio-token", base + "/webhooks/twilio", params, signature)
    with pytest.raises(channels.SignatureError):
        channels.twilio_verify("other", base + "/webhooks/twilio", params, signature)
    parsed = channels.whatsapp_parse(wire.whatsapp(m, 11, good).body)[0]
    assert parsed.text == m.text and parsed.sent_at == m.at
    update = channels.telegram_parse(
        wire.telegram(dataclasses.replace(m, sender="tg:-1001234567890"), 11, good).body
    )[0]
    assert update.sent_at == m.at and update.sender == "tg:-1001234567890"


def test_the_plan_and_the_requests_need_no_django():
    """plan.py and wire.py are pure: a drill or a demo can make a plan without a
    desk, and the plan cannot read a database behind the entry points."""
    import subprocess
    import sys

    code = (
        "import sys, deskpemilu.simulate.plan, deskpemilu.simulate.wire; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_latency_percentiles_per_minute():
    from deskpemilu.simulate.run import minutes

    rows = [(i * 0.5, i / 1000, 1) for i in range(1, 101)] + [(61.0, 0.2, 50)]
    first, second = minutes(rows)
    assert first == {
        "minute": 1,
        "requests": 100,
        "messages": 100,
        "p50_ms": 51.0,
        "p90_ms": 91.0,
        "p99_ms": 100.0,
        "max_ms": 100.0,
    }
    assert second["requests"] == 1 and second["messages"] == 50


def test_one_officer_number_per_tps_of_banten():
    from deskpemilu.intake.senders import is_normal_phone

    everyone = banten(1)
    phones = {P.officer_phone(1, t.code) for t in everyone}
    assert len(phones) == len(everyone)
    assert all(is_normal_phone(p.lstrip("+")) for p in phones)
