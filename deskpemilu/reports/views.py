"""Pages of the situation reports, under /laporan/: the list, a new report on demand,
a report with its edit, approve, issue and correction forms, and its downloads.

Views read the request, call access/selectors/services and answer. Out of scope is
404 (the selectors), a role that may not is 403 (the services raise it), a refusal
(ReportError) re-renders the page with the message, 422 (409 for a conflict).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.errors import show_error
from deskpemilu.reports import selectors, services
from deskpemilu.reports.forms import CorrectionForm, ReportEditForm, ReportNewForm
from deskpemilu.reports.models import Report, ReportFormat, ReportKind
from deskpemilu.reports.render import CONTENT_TYPES
from deskpemilu.reports.render import render as render_format
from deskpemilu.reports.services import ReportError

PER_PAGE = 30
INVALID = 422


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.report_list(request.user), PER_PAGE).get_page(
        request.GET.get("hal")
    )
    context = {"page": page, "can_draft": access.can_open_report_form(request.user)}
    return render(request, "reports/report_list.html", context)


@login_required
def report_create(request: AuthedRequest) -> HttpResponse:
    if not access.can_open_report_form(request.user):
        raise PermissionDenied("not desk staff")
    kind = request.GET.get("jenis", ReportKind.ON_DEMAND.value)
    start, end = selectors.default_period(kind, timezone.now())
    roots = access.scope_roots(request.user)
    initial = {
        "region": roots[0].code if roots else "",
        "kind": kind,
        "start": start,
        "end": end,
    }
    form = ReportNewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_draft(actor=request.user, **form.cleaned_data)
        except ReportError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Draft report made."))
            return redirect("reports:detail", report.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "reports/report_new.html", {"form": form}, status=status)


def _detail(
    request: AuthedRequest,
    report: Report,
    edit_form: ReportEditForm | None = None,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    user = request.user
    context = {
        "refusal": refusal,
        "report": report,
        "content": services.content_of(report),
        "files": list(report.files.order_by("format")) if report.is_issued else [],
        "formats": ReportFormat.values,
        "can_edit": access.can_draft_report(user, report.region),
        "can_issue": access.can_issue_report(user, report.region),
        "edit_form": edit_form
        or ReportEditForm(
            initial={"recommendations": report.recommendations, "notes": report.notes}
        ),
        "correction_form": correction_form or CorrectionForm(),
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    return _detail(request, selectors.report_for_user_or_404(request.user, report_id))


def _refused(
    request: AuthedRequest, report: Report, form: forms.Form, error: ReportError
) -> HttpResponse:
    show_error(form, error)
    report.refresh_from_db()
    edit = form if isinstance(form, ReportEditForm) else None
    fix = form if isinstance(form, CorrectionForm) else None
    return _detail(
        request, report, edit, fix, status=error.status, refusal=error.message
    )


@login_required
@require_POST
def report_edit(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for_user_or_404(request.user, report_id)
    form = ReportEditForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, form, status=INVALID)
    try:
        services.report_update(
            actor=request.user, report_id=report.pk, **form.cleaned_data
        )
    except ReportError as error:
        return _refused(request, report, form, error)
    messages.success(request, _("Report saved."))
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def report_step(request: AuthedRequest, report_id: int, step: str) -> HttpResponse:
    """Refresh the figures, approve or issue: one button each."""
    report = selectors.report_for_user_or_404(request.user, report_id)
    steps = {
        "perbarui": (services.report_refresh, _("Figures gathered again.")),
        "setujui": (services.report_approve, _("Report approved.")),
        "terbitkan": (services.report_issue, _("Report issued.")),
    }
    if step not in steps:
        raise Http404("no such step")
    service, done = steps[step]
    try:
        service(actor=request.user, report_id=report.pk)
    except ReportError as error:
        return _refused(request, report, forms.Form(), error)
    messages.success(request, done)
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def report_correct(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for_user_or_404(request.user, report_id)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, correction_form=form, status=INVALID)
    try:
        fixed = services.report_correct(
            actor=request.user, report_id=report.pk, **form.cleaned_data
        )
    except ReportError as error:
        return _refused(request, report, form, error)
    messages.success(request, _("Correction drafted as a new revision."))
    return redirect("reports:detail", fixed.pk)


@login_required
def report_download(request: AuthedRequest, report_id: int, fmt: str) -> HttpResponse:
    """An issued report's stored file, byte for byte; a draft's preview, rendered
    now from its frozen content (marked unnumbered)."""
    report = selectors.report_for_user_or_404(request.user, report_id)
    if fmt not in ReportFormat.values:
        raise Http404("no such format")
    stored = selectors.report_file(report, fmt) if report.is_issued else None
    data = bytes(stored.data) if stored is not None else None
    if data is None:
        data = render_format(services.content_of(report), fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = (report.number or f"draf-{report.pk}").replace("/", "-")
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    if stored is not None:
        response["X-Content-SHA256"] = stored.sha256
    return response
