"""Every URL of the desk, with who may reach it. A new URL without an entry here fails
the first test; the second asks each URL as an anonymous visitor and checks that the
door is the one the table says (docs/security.md)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# How an anonymous request is answered, by kind of door.
PUBLIC = "public"  # anyone: 200 (or a redirect that is not the login page)
LOGIN = "login"  # a signed-in user: anonymous goes to the login page (302)
API = "api"  # the API, by session or token: anonymous gets 401 JSON
PROVIDER = "provider"  # a provider's secret or signature: anonymous gets 403
ADMIN = "admin"  # Django's admin, administrators only: anonymous to its login page

DESK = "desk staff (administrator, coordinator, operator) whose scope holds it"
SCOPE = "any signed-in user, limited to their region scope (404 outside)"
AGENCY = "the assigned agency's liaison (or desk staff) in scope"
COORD = "coordinators and administrators whose scope holds the region"
CLIENT = "an API client's token, or a signed-in desk user"

# name: (method, door, who)
TABLE: dict[str, tuple[str, str, str]] = {
    "home": ("GET", LOGIN, SCOPE),
    "as-of": ("POST", LOGIN, 'any signed-in user: their session\'s "as of"'),
    "region-detail": ("GET", LOGIN, SCOPE),
    "place-search": ("GET", LOGIN, SCOPE),
    "incidents:list": ("GET", LOGIN, SCOPE),
    "incidents:create": ("GET", LOGIN, DESK),
    "incidents:overdue": ("GET", LOGIN, SCOPE),
    "incidents:detail": ("GET", LOGIN, SCOPE),
    "incidents:edit": ("GET", LOGIN, DESK),
    "incidents:transition": ("POST", LOGIN, DESK),
    "incidents:assign": ("POST", LOGIN, DESK),
    "incidents:merge": ("POST", LOGIN, DESK),
    "incidents:acknowledge": ("POST", LOGIN, AGENCY),
    "incidents:followup": ("POST", LOGIN, AGENCY),
    "incidents:escalate": ("POST", LOGIN, AGENCY),
    "incidents:tasks": ("GET", LOGIN, "any signed-in user: their agencies' tasks"),
    "incidents:ready": ("GET", LOGIN, COORD),
    "incidents:attachment": ("GET", LOGIN, SCOPE),
    "intake:inbox": ("GET", LOGIN, "desk staff and leaders, in scope"),
    "intake:upload": ("GET", LOGIN, "roles that write"),
    "intake:upload-template": ("GET", LOGIN, "any signed-in user"),
    "intake:message-detail": ("GET", LOGIN, "desk staff and leaders, in scope"),
    "intake:message-create-incident": ("POST", LOGIN, DESK),
    "intake:message-attach": ("POST", LOGIN, DESK),
    "intake:message-link-sender": ("POST", LOGIN, DESK),
    "intake:message-file": ("GET", LOGIN, "desk staff and leaders, in scope"),
    "situation:dashboard": ("GET", LOGIN, SCOPE),
    "situation:region": ("GET", LOGIN, SCOPE),
    "situation:override-create": ("POST", LOGIN, COORD),
    "situation:deployment": ("GET", LOGIN, SCOPE),
    "situation:watchlist": ("GET", LOGIN, SCOPE),
    "situation:tps-rawan-template": ("GET", LOGIN, "any signed-in user"),
    "situation:tps-rawan": ("GET", LOGIN, SCOPE + "; import: desk staff"),
    "situation:override-end": ("POST", LOGIN, COORD),
    "results:dashboard": ("GET", LOGIN, SCOPE),
    "results:screens-run": ("POST", LOGIN, DESK),
    "results:flags": ("GET", LOGIN, SCOPE),
    "results:flag-close": ("POST", LOGIN, DESK),
    "results:tps": ("GET", LOGIN, SCOPE),
    "results:decide": ("POST", LOGIN, DESK),
    "results:photo": ("GET", LOGIN, SCOPE),
    "results:recap-home": ("GET", LOGIN, SCOPE),
    "results:recap": ("GET", LOGIN, SCOPE),
    "results:entry": ("GET", LOGIN, DESK),
    "results:entry-check": ("POST", LOGIN, DESK),
    "results:official-entry": ("GET", LOGIN, DESK),
    "results:official-check": ("POST", LOGIN, DESK),
    "results:export": ("GET", LOGIN, SCOPE),
    "notifications:list": ("GET", LOGIN, "any signed-in user: their own"),
    "notifications:read": ("POST", LOGIN, "any signed-in user: their own"),
    "notifications:preferences": ("GET", LOGIN, "any signed-in user: their own"),
    "coordination:meetings": ("GET", LOGIN, SCOPE + "; and meetings of their agency"),
    "coordination:meeting-create": ("GET", LOGIN, DESK),
    "coordination:meeting-detail": (
        "GET",
        LOGIN,
        SCOPE + "; and meetings of their agency",
    ),
    "coordination:meeting-edit": ("GET", LOGIN, DESK),
    "coordination:meeting-print": (
        "GET",
        LOGIN,
        SCOPE + "; and meetings of their agency",
    ),
    "coordination:action-item-add": ("POST", LOGIN, DESK),
    "coordination:action-item-status": ("POST", LOGIN, "the owner agency or " + DESK),
    "coordination:roster": ("GET", LOGIN, SCOPE),
    "coordination:shift-create": ("POST", LOGIN, COORD),
    "coordination:handover-write": ("POST", LOGIN, "the shift's people or " + COORD),
    "coordination:handover-acknowledge": ("POST", LOGIN, "the next shift or " + COORD),
    "coordination:contacts": ("GET", LOGIN, SCOPE + "; phones: personal data"),
    "coordination:contacts-import": ("GET", LOGIN, DESK),
    "coordination:contacts-template": ("GET", LOGIN, "any signed-in user"),
    "media:queue": ("GET", LOGIN, SCOPE),
    "media:add": ("GET", LOGIN, DESK),
    "media:sources": ("GET", LOGIN, "any signed-in user; desk staff add"),
    "media:article": ("GET", LOGIN, SCOPE),
    "media:article-attach": ("POST", LOGIN, DESK),
    "media:story": ("GET", LOGIN, SCOPE),
    "media:region-statements": ("GET", LOGIN, SCOPE),
    "reports:list": ("GET", LOGIN, SCOPE),
    "reports:create": ("GET", LOGIN, DESK),
    "reports:detail": ("GET", LOGIN, SCOPE),
    "reports:edit": ("POST", LOGIN, DESK),
    "reports:correct": ("POST", LOGIN, DESK),
    "reports:step": ("POST", LOGIN, DESK + "; approve and issue: the leader"),
    "reports:download": ("GET", LOGIN, SCOPE),
    "public-status": ("GET", PUBLIC, "anyone: verified information only"),
    "public-report": ("GET", PUBLIC, "anyone, rate-limited per address"),
    "public-report-done": ("GET", PUBLIC, "anyone with the signed reference"),
    "public-status-lookup": ("GET", PUBLIC, "anyone with a report's number and code"),
    "login": ("GET", PUBLIC, "anyone; throttled per account and address"),
    "logout": ("POST", LOGIN, "anyone (ends their own session, then the login page)"),
    "set_language": ("POST", PUBLIC, "anyone (sets a cookie)"),
    "health": ("GET", PUBLIC, "anyone: status of the app and database only"),
    "webhook-twilio": ("POST", PROVIDER, "Twilio: X-Twilio-Signature"),
    "webhook-sms": ("GET", PROVIDER, "the SMS gateway: shared key"),
    "webhook-whatsapp": ("POST", PROVIDER, "Meta: X-Hub-Signature-256"),
    "webhook-telegram": ("POST", PROVIDER, "Telegram: secret token header"),
    "api:openapi-json": ("GET", PUBLIC, "anyone: the API's description"),
    "api:openapi-view": ("GET", PUBLIC, "anyone: the API's documentation page"),
    "api:api-root": ("GET", PUBLIC, "anyone: not found"),
    "api:region_get": ("GET", API, SCOPE),
    "api:region_children": ("GET", API, SCOPE),
    "api:region_tps": ("GET", API, SCOPE),
    "api:region_boundaries": ("GET", API, SCOPE),
    "api:incident_list": ("GET", API, SCOPE),
    "api:incident_create": ("POST", API, DESK),
    "api:incident_counts": ("GET", API, SCOPE),
    "api:overdue_list": ("GET", API, SCOPE),
    "api:incident_get": ("GET", API, SCOPE),
    "api:incident_update": ("PATCH", API, DESK),
    "api:incident_duplicates": ("GET", API, SCOPE),
    "api:incident_transition": ("POST", API, DESK),
    "api:incident_assign": ("POST", API, DESK),
    "api:incident_merge": ("POST", API, DESK),
    "api:assignment_acknowledge": ("POST", API, AGENCY),
    "api:followup_record": ("POST", API, AGENCY),
    "api:assignment_escalate": ("POST", API, AGENCY),
    "api:message_post": ("POST", API, "an API client's token"),
    "api:messages_batch": ("POST", API, "an API client's token"),
    "api:status_list": ("GET", API, SCOPE),
    "api:status_detail": ("GET", API, SCOPE),
    "api:status_history": ("GET", API, SCOPE),
    "api:override_create": ("POST", API, COORD),
    "api:override_end": ("POST", API, COORD),
    "api:statement": ("GET", API, SCOPE),
    "api:tps_class_list": ("GET", API, SCOPE),
    "api:tps_class_counts": ("GET", API, SCOPE),
    "api:tps_risk": ("GET", API, SCOPE),
    "api:tps_risk_update": ("PUT", API, DESK),
    "api:tps_rawan_template_csv": ("GET", API, SCOPE),
    "api:tps_rawan_template_xlsx": ("GET", API, SCOPE),
    "api:tps_rawan_import": ("POST", API, DESK),
    "api:deployment_plan": ("GET", API, SCOPE),
    "api:personnel_set": ("PUT", API, DESK),
    "api:coverage": ("GET", API, SCOPE),
    "api:coverage_missing": ("GET", API, SCOPE),
    "api:dashboard_summary": ("GET", API, SCOPE),
    "api:dashboard_points": ("GET", API, SCOPE),
    "api:dashboard_changes": ("GET", API, SCOPE),
    "api:sheets_submit": ("POST", API, CLIENT),
    "api:tps_sheets": ("GET", API, SCOPE),
    "api:flag_list": ("GET", API, SCOPE),
    "api:flag_close": ("POST", API, DESK),
    "api:decision_create": ("POST", API, DESK),
    "api:recap": ("GET", API, SCOPE),
    "api:results_progress": ("GET", API, SCOPE),
    "api:screen_list": ("GET", API, SCOPE),
}
# Arguments for reversing a pattern: codes and ids of real or absent objects (the
# door is checked before the object is looked up).
ARGS = {
    "code": "36",
    "tps_code": "3601012001001",
    "kode_tps": "3601012001001",
    "region_code": "36",
    "agency_code": "polres-lebak",
    "what": "flags",
    "fmt": "csv",
    "step": "setujui",
}


def _patterns(patterns, namespace: str = "", prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, inner, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}", p


def _desk_urls():
    for route, name, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue  # Django's admin: one door for all, checked below
        yield route, name, pattern


def test_every_url_has_an_entry_in_the_table():
    names = {name for _, name, _ in _desk_urls()}
    missing = sorted(names - TABLE.keys())
    assert not missing, f"URLs without an entry in the table: {missing}"
    assert not sorted(TABLE.keys() - names), "entries for URLs that do not exist"


def _url(name: str, pattern: URLPattern) -> str:
    kwargs = {
        key: ARGS.get(key, 1)
        for key in (pattern.pattern.converters or {})
        | dict.fromkeys(pattern.pattern.regex.groupindex)
    }
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_an_anonymous_visitor_meets_the_door_the_table_says(name, settings):
    # Every channel configured, so a refusal comes from the missing secret only.
    settings.DESKPEMILU_SMS_GATEWAY_KEY = "k"
    settings.DESKPEMILU_TWILIO_AUTH_TOKEN = "t"
    settings.DESKPEMILU_WHATSAPP_APP_SECRET = "s"
    settings.DESKPEMILU_TELEGRAM_SECRET = "s"
    method, door, _ = TABLE[name]
    pattern = next(p for _, n, p in _desk_urls() if n == name)
    url = _url(name, pattern)
    client = Client(enforce_csrf_checks=False)
    response = getattr(client, method.lower())(url)
    status, location = response.status_code, response.get("Location", "")
    if door == LOGIN:
        assert status == 302 and location.startswith(reverse("login")), (url, status)
    elif door == API:
        assert status == 401, (url, status)
    elif door == PROVIDER:
        assert status == 403, (url, status)
    else:
        assert status in (200, 302, 404), (url, status)
        assert not location.startswith(reverse("login")), url


def test_the_admin_sends_an_anonymous_visitor_to_its_login():
    for route, _, _ in _patterns(get_resolver().url_patterns):
        if not route.startswith("admin/") or "<" in route or "(?P" in route:
            continue
        if route in ("admin/login/", "admin/logout/"):
            continue
        response = Client().get("/" + route)
        assert response.status_code == 302, route
        assert "/admin/login/" in response["Location"], route
