"""Pages of the results desk, under /hasil/: the dashboard (progress, winners, the
screens), the flag queue, one TPS with every source, the recap against the official
figures, the entry form with its live check, and the exports.

Views read the request, call access/selectors/services and render. Out of scope is
404 (access and selectors), a role that may not write 403 (access's can_* and the
services); a service's refusal (ResultsError) is shown next to its form
(core.errors.show_error), status 422.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.errors import ImportFailed, show_error
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region
from deskpemilu.regions.selectors import region_breadcrumbs
from deskpemilu.results import exports, labels, screens, selectors, services
from deskpemilu.results.checks import sheet_report
from deskpemilu.results.forms import (
    CHECK_LABELS,
    DecisionForm,
    EntryForm,
    FlagCloseForm,
    FlagFilterForm,
    OfficialRecapForm,
    check_label,
)
from deskpemilu.results.models import RecapLevel, Source
from deskpemilu.results.proposals import Proposal
from deskpemilu.results.services import ResultsError, official
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import SOURCES
from deskpemilu.results.svg import fingerprint_svg

PER_PAGE = 50
INVALID = 422
SOURCE_LABELS = dict(Source.choices)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def _contest(request: HttpRequest) -> Contest:
    return selectors.contest_current(request.GET.get("kontestasi", ""))


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    contest = _contest(request)
    region = selectors.home_region(request.user, request.GET.get("wilayah", ""))
    desk = selectors.desk_sheets(request.user, contest, region)
    total, children = selectors.region_progress(request.user, contest, region, desk)
    found = screens.run_all(desk.sheets)
    flag_counts = selectors.open_flag_counts(request.user, contest, region)
    context = {
        "contest": contest,
        "region": region,
        "crumbs": region_breadcrumbs(request.user, region),
        "roots": access.scope_roots(request.user),
        "total": total,
        "children": children,
        "sources": [(s, SOURCE_LABELS[s]) for s in SOURCES],
        # Per-area columns only for the sources that have sheets here.
        "present_sources": [
            (s, SOURCE_LABELS[s]) for s in SOURCES if s in total.by_source
        ],
        "candidates": selectors.candidate_labels(contest),
        "screens": found,
        "fingerprint_svg": fingerprint_svg(
            cast(screens.Fingerprint, found["fingerprint"]).histogram,
            x_label=_("Turnout"),
            y_label=_("Winner's share of the votes"),
        ),
        "digit_data": _digit_chart_data(found),
        "integer_rows": _integer_rows(
            cast(screens.IntegerPercent, found["integer_percent"])
        ),
        "chart_words": {
            "observed": _("observed"),
            "expected": _("expected"),
            "digit": _("digit"),
        },
        "flag_counts": sorted(flag_counts.items()),
        "flag_total": sum(flag_counts.values()),
        "check_labels": CHECK_LABELS,
        "can_run_screens": access.can_run_screens(request.user, region.code),
    }
    return render(request, "results/dashboard.html", context)


def _integer_rows(result: screens.IntegerPercent) -> list[dict[str, object]]:
    labels = {"turnout": _("Turnout"), "winner_share": _("Winner's share")}
    return [
        {
            "quantity": q,
            "label": labels.get(q, q),
            "tested": t,
            "observed": o,
            "expected": e,
        }
        for q, t, o, e in zip(
            result.quantities,
            result.tested,
            result.observed,
            result.expected,
            strict=True,
        )
    ]


def _digit_chart_data(
    found: dict[str, screens.ScreenResult],
) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for name in ("last_digit", "second_digit"):
        result = cast(screens.DigitScreen, found[name])
        n = max(result.sample, 1)
        out[name] = {
            "observed": [round(v / n, 4) for v in result.observed],
            "expected": [round(v, 4) for v in result.expected],
            "sample": result.sample,
        }
    return out


@login_required
@require_POST
def screens_run(request: AuthedRequest) -> HttpResponse:
    contest = _contest(request)
    region = selectors.home_region(request.user, request.POST.get("wilayah", ""))
    report = services.screens_run(
        contest=contest, actor=request.user, prefix=region.code_nodot
    )
    messages.success(
        request,
        _("Screens run over %(tps)s TPS: %(flags)s outlier flags open.")
        % {"tps": report.tps, "flags": report.flags},
    )
    return redirect(f"{reverse('results:dashboard')}?wilayah={region.code}")


@login_required
def flag_queue(request: AuthedRequest) -> HttpResponse:
    contest = _contest(request)
    form = FlagFilterForm(request.GET)
    filters = form.filters()
    region = _region_filter(request.user, filters["region"], form)
    flags = selectors.flag_queue(
        request.user,
        contest,
        check=filters["check"],
        region=region or "",
        status=filters["status"],
    )
    if region is None:
        flags = flags.none()
    page = Paginator(flags, PER_PAGE).get_page(request.GET.get("page"))
    found = selectors.flag_proposals(page, contest.candidates.count())
    for flag in page:
        flag.check_label = check_label(flag.check_name)  # type: ignore[attr-defined]  # for the template
        flag.proposals = _worded(found.get(flag.pk, []))  # type: ignore[attr-defined]
    counts = selectors.flag_check_counts(
        request.user, contest, region=region or "", status=filters["status"]
    )
    context = {
        "form": form,
        "page_obj": page,
        "contest": contest,
        "counts": [(c, check_label(c), n) for c, n in sorted(counts.items())],
    }
    return render(request, "results/flags.html", context)


def _worded(found: list[Proposal]) -> list[dict[str, object]]:
    """Proposals as the templates show them: the reason in words, and the
    corrections (a decision form posts them as field/value pairs)."""
    out: list[dict[str, object]] = []
    for p in found:
        pairs = [
            {
                "field": c.field,
                "label": labels.field_label(c.field),
                "read": c.read,
                "proposed": c.proposed,
                "suffix": "" if i == 0 else f"_{i + 1}",
            }
            for i, c in enumerate(p.corrections)
        ]
        out.append(
            {"kind": p.kind, "reason": labels.proposal_reason(p), "pairs": pairs}
        )
    return out


def _region_filter(user: User, code: str, form: forms.Form) -> str | None:
    """The dotted code of a region filter; None (and a form error) when the region
    is unknown or outside the user's scope."""
    if not code:
        return ""
    normal = normalise_region_code(code)
    if normal is None or not access.access_for(user).sees_code(normal):
        form.add_error("wilayah", _("Unknown region code."))
        return None
    return normal


def _tps_page(
    request: AuthedRequest, code: str, *, status: int = 200, **forms: object
) -> HttpResponse:
    contest = _contest(request)
    data = selectors.tps_results(request.user, contest, code)
    found = selectors.flag_proposals(data.flags, contest.candidates.count())
    for flag in data.flags:
        flag.check_label = check_label(flag.check_name)  # type: ignore[attr-defined]  # for the template
        flag.proposals = _worded(found.get(flag.pk, []))  # type: ignore[attr-defined]
    can_decide = access.can_decide_results(request.user, data.tps)
    context = {
        "contest": contest,
        "data": data,
        "colspan": len(data.sheets) + 2,
        "photos": [
            (s, s.photo.name.lower().endswith(IMAGE_SUFFIXES))
            for s in data.sheets
            if s.photo or s.photo_url
        ],
        "tps": data.tps,
        "kecamatan": data.tps.desa.parent,
        "source_labels": SOURCE_LABELS,
        "can_decide": can_decide,
        "decision_form": DecisionForm(contest=contest),
        "close_form": FlagCloseForm(),
    }
    return render(request, "results/tps.html", context | forms, status=status)


@login_required
def tps_detail(request: AuthedRequest, code: str) -> HttpResponse:
    return _tps_page(request, code)


@login_required
@require_POST
def decision_create(request: AuthedRequest, code: str) -> HttpResponse:
    contest = _contest(request)
    data = selectors.tps_results(request.user, contest, code)  # 404 out of scope
    if not access.can_decide_results(request.user, data.tps):
        raise PermissionDenied("only the desk decides result values")
    form = DecisionForm(request.POST, contest=contest)
    if form.is_valid():
        try:
            services.decisions_record(
                actor=request.user,
                contest=contest,
                tps_code=code,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                chosen_source=form.cleaned_data["chosen_source"],
            )
        except ResultsError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("results:tps", code)
    return _tps_page(request, code, status=INVALID, decision_form=form, failed=form)


@login_required
@require_POST
def flag_close(request: AuthedRequest, flag_id: int) -> HttpResponse:
    flag = selectors.flag_for_user_or_404(request.user, flag_id)
    if not access.can_close_flag(request.user, flag):
        raise PermissionDenied("only the desk closes flags")
    form = FlagCloseForm(request.POST)
    if form.is_valid():
        try:
            services.flag_close(
                actor=request.user, flag_id=flag_id, **form.cleaned_data
            )
        except ResultsError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Flag closed."))
            return redirect("results:tps", flag.tps_code)
    return _tps_page(
        request,
        flag.tps_code,
        status=INVALID,
        close_form=form,
        failed=form,
        failed_flag=flag.pk,
    )


@login_required
def photo(request: AuthedRequest, code: str, sheet_id: int) -> FileResponse:
    contest = _contest(request)
    data = selectors.tps_results(request.user, contest, code)
    sheet = next((s for s in data.sheets if s.pk == sheet_id and s.photo), None)
    if sheet is None:
        raise Http404("photo not found")
    return FileResponse(sheet.photo.open("rb"))


@login_required
def recap_home(request: AuthedRequest) -> HttpResponse:
    return redirect("results:recap", selectors.home_region(request.user).code)


@login_required
def recap_page(request: AuthedRequest, code: str) -> HttpResponse:
    contest = _contest(request)
    region = access.region_for_user_or_404(request.user, code)
    results = selectors.recap_compare(request.user, contest, region)
    context = {
        "contest": contest,
        "region": region,
        "crumbs": region_breadcrumbs(request.user, region),
        "results": results,
        "total": selectors.region_progress(request.user, contest, region)[0],
        "candidates": selectors.candidate_labels(contest),
        "labels": selectors.field_labels(contest),
        "levels": dict(RecapLevel.choices),
        "entry_levels": official.ENTRY_LEVELS,
        "can_enter": access.can_write_results(request.user, region.code),
    }
    return render(request, "results/recap.html", context)


@login_required
def official_entry(request: AuthedRequest) -> HttpResponse:
    """Type the official figures (D.Hasil) of a kecamatan, kab/kota or province."""
    if not access.can_open_results_entry(request.user):
        raise PermissionDenied("only the desk enters official figures")
    contest = _contest(request)
    data = request.POST if request.method == "POST" else request.GET
    code, level = data.get("wilayah", "").strip(), data.get("tingkat", "")
    target, picked_error = _official_target(request.user, contest, code, level)
    initial: dict[str, object] = {"tingkat": level, "wilayah": code}
    if target:
        initial |= {"tingkat": target.level, "wilayah": target.region.code}
        initial |= official.recap_figures(target.current)
        if target.current:
            initial |= {"source_ref": target.current.source_ref}
    form = OfficialRecapForm(
        request.POST if request.method == "POST" else None,
        contest=contest,
        initial=initial,
    )
    if request.method == "POST" and target and form.is_valid():
        try:
            saved = official.official_recap_enter(
                actor=request.user,
                contest=contest,
                region_code=target.region.code,
                level=form.cleaned_data["tingkat"],
                figures=form.figures(),
                votes=form.votes(),
                source_ref=form.cleaned_data["source_ref"],
                note=form.cleaned_data["note"],
            )
        except ResultsError as error:
            show_error(form, error)
        else:
            _official_saved_messages(request, saved)
            return redirect("results:recap", target.region.code)
    if request.method == "POST" and picked_error:
        form.add_error(None, picked_error.message)
    context = {
        "form": form,
        "contest": contest,
        "target": target,
        "picked": {"tingkat": level, "wilayah": code},
        "picked_error": picked_error,
        "levels": official.ENTRY_LEVELS,
        "level_labels": dict(RecapLevel.choices),
        "regions": official.entry_regions(request.user),
        **_official_check(form, contest),
    }
    status = INVALID if form.is_bound or picked_error else 200
    return render(request, "results/official_entry.html", context, status=status)


def _official_target(
    user: User, contest: Contest, code: str, level: str
) -> tuple[official.RecapTarget | None, ResultsError | None]:
    """The area picked (404 out of scope, 403 without a desk role there), or the
    reason it cannot be typed."""
    if not code:
        return None, None
    try:
        return official.recap_entry_target(
            actor=user, contest=contest, region_code=code, level=level
        ), None
    except ResultsError as error:
        return None, error


def _official_saved_messages(request: HttpRequest, saved: official.RecapSaved) -> None:
    region = cast(Region, saved.recap.region)  # a recap typed at the desk has one
    words = {"name": region.name, "code": region.code}
    if saved.replaced:
        text = _(
            "Official figures of %(name)s (%(code)s) saved: they replace the "
            "figures stored before."
        )
    else:
        text = _("Official figures of %(name)s (%(code)s) saved.")
    messages.success(request, text % words)
    if saved.failing:
        messages.warning(
            request,
            _(
                "Saved as typed, but these identities do not hold: %(checks)s. "
                "Check the figures against the document."
            )
            % {"checks": "; ".join(check_label(c) for c in saved.failing)},
        )


@login_required
@require_POST
def official_entry_check(request: AuthedRequest) -> HttpResponse:
    """The identities of the D.Hasil as typed so far (htmx fragment)."""
    contest = _contest(request)
    form = OfficialRecapForm(request.POST, contest=contest)
    return render(request, "results/_entry_check.html", _official_check(form, contest))


def _official_check(form: OfficialRecapForm, contest: Contest) -> dict[str, object]:
    if not form.is_bound:
        return {"identities": [], "other_flags": [], "typing_errors": []}
    states, others = official.recap_report(form.typed(), contest.candidates.count())
    return {
        "identities": [(s, check_label(s.check)) for s in states],
        "other_flags": [(f, check_label(f.check)) for f in others],
        "typing_errors": form.typing_errors(),
    }


@login_required
def entry(request: AuthedRequest) -> HttpResponse:
    if not access.can_open_results_entry(request.user):
        raise PermissionDenied("only the desk enters result sheets")
    contest = _contest(request)
    form = EntryForm(request.POST or None, request.FILES or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.sheets_submit(
                actor=request.user,
                contest=contest,
                rows=[form.sheet()],
                photo=form.cleaned_data.get("photo"),
            )
        except ImportFailed as failed:
            for problem in failed.problems:
                value = f" ({problem.value})" if problem.value else ""
                form.add_error(None, problem.message + value)
        else:
            messages.success(request, str(report))
            return redirect("results:tps", form.cleaned_data["kode_tps"].strip())
    context = {"form": form, "contest": contest, **_entry_check(form, contest)}
    status = INVALID if form.is_bound else 200
    return render(request, "results/entry.html", context, status=status)


@login_required
@require_POST
def entry_check(request: AuthedRequest) -> HttpResponse:
    """The identities of the sheet as typed so far (htmx fragment)."""
    contest = _contest(request)
    form = EntryForm(request.POST, contest=contest)
    return render(request, "results/_entry_check.html", _entry_check(form, contest))


def _entry_check(form: EntryForm, contest: Contest) -> dict[str, object]:
    if not form.is_bound:
        return {"identities": [], "other_flags": []}
    k = contest.candidates.count()
    states, others = sheet_report(Sheets.from_dicts([form.typed()], k))
    return {
        "identities": [(s, check_label(s.check)) for s in states],
        "other_flags": [(f, check_label(f.check)) for f in others],
    }


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@login_required
def export(request: AuthedRequest, what: str, fmt: str) -> StreamingHttpResponse:
    contest = _contest(request)
    region = None
    if request.GET.get("wilayah"):
        region = access.region_for_user_or_404(request.user, request.GET["wilayah"])
    if what == "desk":
        records = exports.desk_records(request.user, contest, region)
        columns = exports.desk_columns(contest)
    else:
        records = exports.flag_records(
            request.user, contest, region, request.GET.get("status", "")
        )
        columns = exports.FLAG_COLUMNS
    body = (
        exports.as_csv(columns, records) if fmt == "csv" else exports.as_json(records)
    )
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    area = region.code_nodot if region else "semua"
    name = f"hasil-{what}-{contest.kind}-{area}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
