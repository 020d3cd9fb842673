"""The incident page in words: the history names regions, categories, severities
and fields instead of their stored values; the rejection reason is labelled and
belongs to the reject form alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from deskpemilu.incidents import services
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db


def _incident(actor):
    return services.incident_create(
        actor=actor,
        category="politik_uang",
        severity="berat",
        title="Bagi amplop",
        description="Tim sukses membagi amplop di dekat TPS 001",
        tps=TPS.objects.get(code="3601012001001"),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )


def _timeline(html: str) -> str:
    return html[html.index('id="timeline"') :]


def test_the_history_says_names_and_labels_not_stored_values(
    province_coordinator, client_for
):
    incident = _incident(province_coordinator)
    services.incident_update(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version,
        changes={"severity": "kritis", "category": "kekerasan"},
    )
    html = _timeline(
        client_for(province_coordinator)
        .get(reverse("incidents:detail", args=[incident.pk]))
        .content.decode()
    )
    region = incident.region
    assert region.name in html
    assert "Politik uang" in html and "berat" in html and "kritis" in html
    for raw in ("politik_uang", "<code>severity</code>", "> kekerasan", "\n  36.01"):
        assert raw not in html
    assert 'data-field="severity">Tingkat</span>: berat → kritis' in html


def test_the_rejection_reason_is_labelled_and_inside_the_reject_form_only(
    province_coordinator, client_for
):
    incident = _incident(province_coordinator)
    html = (
        client_for(province_coordinator)
        .get(reverse("incidents:detail", args=[incident.pk]))
        .content.decode()
    )
    start = html.index('id="status"')
    status = html[start : html.index("</section>", start)]
    assert status.count('name="reason"') == 1
    reject = status[status.index('<details class="transition reject"') :]
    reject = reject[: reject.index("</details>")]
    assert 'name="reason"' in reject
    assert '<label for="reject-reason">Alasan penolakan</label>' in reject
    assert ">--" not in status and "---------" not in status
    assert len(re.findall(r"<label for=", status)) == status.count('name="note"') + 1
