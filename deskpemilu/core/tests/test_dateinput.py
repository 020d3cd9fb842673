"""One date and time format per language, and dates typed day/month/year in both
(deskpemilu/formats/, core/dateinput.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from deskpemilu.core.dateinput import day_field, moment_field, parse_day, parse_moment
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.services import incident_create
from deskpemilu.regions.models import Region

MOMENT = dt.datetime(2024, 2, 14, 14, 5, tzinfo=WIB)


class _Form(forms.Form):
    day = day_field("day")
    moment = moment_field("moment")


def _shown(template: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template(template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "moment"),
    [("id", "14 Feb 2024 14.05 WIB"), ("en", "14 Feb 2024 14:05 WIB")],
)
def test_a_moment_and_a_day_have_one_format_per_language(language, moment):
    assert _shown('{{ m|date:"DATETIME_FORMAT" }}', language, m=MOMENT) == moment
    assert _shown("{{ m }}", language, m=MOMENT) == moment
    assert _shown("{{ d|date }}", language, d=MOMENT.date()) == "14 Feb 2024"


def test_a_moment_is_shown_in_wib_whatever_zone_it_was_stored_in():
    utc = MOMENT.astimezone(dt.UTC)
    assert _shown('{{ m|date:"DATETIME_FORMAT" }}', "id", m=utc) == (
        "14 Feb 2024 14.05 WIB"
    )


def test_the_months_are_named_in_the_language():
    august = dt.date(2024, 8, 17)
    assert _shown("{{ d|date }}", "id", d=august) == "17 Agu 2024"
    assert _shown("{{ d|date }}", "en", d=august) == "17 Aug 2024"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("day", "moment"),
    [
        ("03/02/2024", "03/02/2024 14:05"),
        ("3/2/2024", "03/02/2024 14.05"),
        ("2024-02-03", "2024-02-03T14:05"),
    ],
)
def test_forms_read_day_month_year_and_iso_in_both_languages(language, day, moment):
    with translation.override(language):
        form = _Form({"day": day, "moment": moment})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2024, 2, 3)  # never 2 March
    assert form.cleaned_data["moment"] == dt.datetime(2024, 2, 3, 14, 5, tzinfo=WIB)


@pytest.mark.parametrize(
    ("language", "day_hint", "moment_hint"),
    [
        ("id", "hh/bb/tttt", "hh/bb/tttt jj:mm"),
        ("en", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"),
    ],
)
def test_the_fields_are_text_boxes_written_day_month_year(
    language, day_hint, moment_hint
):
    with translation.override(language):
        form = _Form(initial={"day": MOMENT.date(), "moment": MOMENT})
        day, moment = str(form["day"]), str(form["moment"])
    assert 'type="text"' in day and 'value="14/02/2024"' in day
    assert f'placeholder="{day_hint}"' in day
    assert 'type="text"' in moment and 'value="14/02/2024 14:05"' in moment
    assert f'placeholder="{moment_hint}"' in moment


def test_a_raw_parameter_is_read_as_a_form_reads_it():
    assert parse_day("14/02/2024") == parse_day("2024-02-14") == dt.date(2024, 2, 14)
    assert parse_day("02/14/2024") is None and parse_day("kemarin") is None
    assert parse_moment("14/02/2024 14:05") == MOMENT
    assert parse_moment("2024-02-14T07:05:00+00:00") == MOMENT
    assert parse_moment("") is None


@pytest.mark.django_db
def test_the_as_of_chooser_takes_a_day_month_year_moment(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    client.post("/waktu/", {"as_of": "14/02/2024 14:05", "next": "/"})
    assert dt.datetime.fromisoformat(client.session["desk_as_of"]) == MOMENT
    html = client.get("/kejadian/").content.decode()
    assert 'name="as_of"' in html and 'value="14/02/2024 14:05"' in html
    assert "14 Feb 2024 14.05 WIB" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [("id", "14 Feb 2024 10.30 WIB"), ("en", "14 Feb 2024 10:30 WIB")],
)
def test_the_incident_pages_show_the_language_s_format(
    client_for, province_coordinator, language, shown
):
    incident = incident_create(
        actor=province_coordinator,
        category="logistik",
        severity="ringan",
        title="Surat suara kurang",
        occurred_at=dt.datetime(2024, 2, 14, 10, 30, tzinfo=WIB),
        region=Region.objects.get(code="36.73"),
    )
    client = client_for(province_coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    detail = client.get(f"/kejadian/{incident.pk}/").content.decode()
    listed = client.get("/kejadian/?date_from=14/02/2024&date_to=14/02/2024")
    assert shown in detail and "WIB WIB" not in detail
    assert listed.status_code == 200 and shown in listed.content.decode()
    assert 'value="14/02/2024"' in listed.content.decode()
