"""Pages of the intake: the public report form (no login), the desk's form for a new
incident, the desk's inbox, one message with its two actions (a new incident from it,
or attach it to one), and the spreadsheet upload.

Views only read the request, call access/selectors/services and render. A message
out of the user's scope is 404; a read-only role that writes is 403; a form or a
service refusal re-renders the page with the reasons, status 422 (400 for a file
refused as a whole, 429 over the public form's rate limit).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.clientaddr import client_address
from deskpemilu.core.errors import show_error
from deskpemilu.core.files import serve_checked
from deskpemilu.incidents import services as incident_services
from deskpemilu.incidents.services import IncidentError
from deskpemilu.incidents.taxonomy import Category, Severity
from deskpemilu.intake import desk_services, public_status, selectors, upload
from deskpemilu.intake.desk_services import TooManyReports, UploadRefused
from deskpemilu.intake.forms import (
    AttachForm,
    DeskIncidentForm,
    MessageFilterForm,
    MessageIncidentForm,
    PublicReportForm,
    PublicStatusForm,
    SenderLinkForm,
    UploadForm,
)
from deskpemilu.intake.joining import location_of
from deskpemilu.intake.models import InboundMessage, ParseStatus
from deskpemilu.intake.services import SenderError
from deskpemilu.intake.templatetags.intake_tags import mask_phone

PER_PAGE = 50
INVALID = 422
DONE_SALT = "deskpemilu.intake.public-report-done"
DONE_MAX_AGE = 24 * 3600
PERSONAL_KEYS = frozenset({"phone", "person_contact"})


# Public report form ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """A citizen's report, without login; stored raw, then checked."""
    bound = request.method == "POST"
    form = PublicReportForm(request.POST if bound else None, request.FILES or None)
    if form.is_bound:
        try:
            message = desk_services.public_report_submit(
                form=form, remote_addr=client_address(request)
            )
        except TooManyReports as refused:
            # Shown with the form still filled in, so the citizen keeps the text.
            context = {"form": form, "limited": refused.message}
            return render(request, "intake/public_form.html", context, status=429)
        if message.status == ParseStatus.PARSED:
            token = signing.dumps(message.ref, salt=DONE_SALT)
            return redirect(f"{reverse('public-report-done')}?t={token}")
        # Sent again, the form completes this report instead of adding another.
        data = request.POST.copy()
        data["draft"] = desk_services.draft_token(message)
        form.data = data
        context = {"form": form, "photo_kept": message.files.exists()}
        return render(request, "intake/public_form.html", context, status=INVALID)
    return render(request, "intake/public_form.html", {"form": form})


def public_report_done(request: HttpRequest) -> HttpResponse:
    """The thank-you page, with the reference of the stored report."""
    try:
        token = request.GET.get("t", "")
        ref = signing.loads(token, salt=DONE_SALT, max_age=DONE_MAX_AGE)
    except signing.BadSignature:
        return redirect("public-report")
    context = {"ref": ref, "code": public_status.check_code(ref)}
    return render(request, "intake/public_done.html", context)


def public_report_status(request: HttpRequest) -> HttpResponse:
    """A citizen looks up where their report stands, by its number and the check
    code the thank-you page gave (a number alone would let anyone walk the list)."""
    form = PublicStatusForm(request.GET or None)
    state = None
    if form.is_bound and form.is_valid():
        state = selectors.public_report_state(
            form.cleaned_data["nomor"], form.cleaned_data["kode"]
        )
        if state is None:
            form.add_error(None, _("No report with this number and check code."))
    status = 404 if form.is_bound and state is None else 200
    context = {"form": form, "state": state}
    return render(request, "intake/public_status.html", context, status=status)


# The desk's form for a new incident ---------------------------------------------------


PREFILLED = frozenset({"title", "description", "category", "severity", "region"})


@login_required
def desk_incident_create(request: AuthedRequest) -> HttpResponse:
    """/kejadian/baru/ (incidents:create, routed in deskpemilu/urls.py): the desk's
    incident form. Intake serves it because every submission is kept as an inbound
    message first (desk_services.desk_report_submit)."""
    if not access.can_write(request.user):
        raise PermissionDenied("read-only role")
    # A link may fill the form in (a news article, /berita/: ?title=...&region=...).
    prefill = {k: v for k, v in request.GET.items() if k in PREFILLED}
    form = DeskIncidentForm(request.POST or None, initial=prefill)
    if request.method == "POST":
        try:
            incident = desk_services.desk_report_submit(
                actor=request.user,
                form=form,
                remote_addr=client_address(request),
            )
        except IncidentError as error:
            show_error(form, error)
        else:
            if incident is not None:
                messages.success(
                    request, _("Incident %(ref)s saved.") % {"ref": incident.ref}
                )
                return redirect("incidents:detail", incident.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "incidents/form.html", {"form": form}, status=status)


# Inbox -------------------------------------------------------------------------------


class _CountedPaginator(Paginator):
    """A paginator told how many items there are (counting a large scope twice
    would double the page's time)."""

    def __init__(
        self, object_list: QuerySet[InboundMessage], per_page: int, count: int
    ) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET or None)
    filters = form.filters()
    listed = selectors.message_list(request.user, filters)
    unfiltered_status = selectors.message_list(request.user, filters, with_status=False)
    counts = selectors.message_counts(unfiltered_status)
    # The tally per status already says how many are listed: no second count.
    total = sum(counts.values())
    listed_count = counts.get(filters.status, 0) if filters.status else total
    pages = _CountedPaginator(listed, PER_PAGE, listed_count)
    context = {
        "form": form,
        "page_obj": pages.get_page(request.GET.get("page")),
        "by_status": [
            (value, label, counts.get(value, 0)) for value, label in ParseStatus.choices
        ],
        "total": total,
        "show_personal": access.can_see_personal_data(request.user),
        "can_write": access.can_write(request.user),
    }
    return render(request, "intake/inbox.html", context)


_CHOICES = {
    "category": Category,
    "kategori": Category,
    "severity": Severity,
    "tingkat": Severity,
}


def _parsed_value(key: str, value: object, hide: frozenset[str]) -> object:
    """What a person reads for a parsed value: a category or severity by its label,
    personal data masked for those who may not see it."""
    if key in hide:
        return mask_phone(value)
    choices = _CHOICES.get(key)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


def _parsed_rows(parsed: dict, show_personal: bool) -> list[tuple[str, object]]:
    hide = PERSONAL_KEYS if not show_personal else frozenset()
    return [
        (key, _parsed_value(key, value, hide))
        for key, value in parsed.items()
        if key != "problems" and value not in (None, "")
    ]


def _detail(
    request: AuthedRequest,
    message_id: int,
    *,
    status: int = 200,
    **forms: Form,
) -> HttpResponse:
    user = request.user
    message = selectors.message_for_user_or_404(user, message_id)
    show_personal = access.can_see_sender(user, message)
    parsed = message.parsed if isinstance(message.parsed, dict) else {}
    context = {
        "inbound": message,
        "parsed_rows": _parsed_rows(parsed, show_personal),
        "problems": parsed.get("problems", []),
        "show_personal": show_personal,
        "show_raw": access.access_for(user).is_admin,
        "can_write": access.can_write(user),
        "incident_form": MessageIncidentForm(
            initial=selectors.message_incident_initial(message)
        ),
        "attach_form": AttachForm(),
        "point": location_of(message.attachments),
        "files": list(message.files.all()),
        "can_link_sender": not message.reporter_id
        and bool(message.sender)
        and access.can_link_sender(user, message),
        "link_form": SenderLinkForm(reporters=access.reporters_visible(user)),
    }
    return render(request, "intake/detail.html", context | forms, status=status)


@login_required
def message_detail(request: AuthedRequest, message_id: int) -> HttpResponse:
    return _detail(request, message_id)


@login_required
def message_file(request: AuthedRequest, message_id: int, file_id: int) -> FileResponse:
    """A photo a citizen sent, to those who may see the message: sent as the kind its
    bytes were checked as, never sniffed, in a sandbox (as follow-up attachments)."""
    item = selectors.message_file_for_user_or_404(request.user, message_id, file_id)
    return serve_checked(item.file, item.content_type, item.token)


def _writable(request: AuthedRequest, message_id: int) -> None:
    """A write on a message: out of scope is 404 first, a read-only role 403."""
    selectors.message_for_user_or_404(request.user, message_id)
    if not access.can_write(request.user):
        raise PermissionDenied("read-only role")


@login_required
@require_POST
def message_create_incident(request: AuthedRequest, message_id: int) -> HttpResponse:
    _writable(request, message_id)
    form = MessageIncidentForm(request.POST)
    if form.is_valid():
        try:
            incident = desk_services.message_incident_create(
                actor=request.user, message_id=message_id, **form.cleaned_data
            )
        except IncidentError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            saved = _("Incident %(ref)s saved.") % {"ref": incident.ref}
            messages.success(request, saved)
            return redirect("incidents:detail", incident.pk)
    return _detail(request, message_id, status=INVALID, incident_form=form)


@login_required
@require_POST
def message_attach(request: AuthedRequest, message_id: int) -> HttpResponse:
    _writable(request, message_id)
    form = AttachForm(request.POST)
    if form.is_valid():
        incident_id = form.cleaned_data["incident"]
        try:
            incident_services.message_attach(
                actor=request.user, message_id=message_id, incident_id=incident_id
            )
        except Http404:
            # Absent or out of scope look the same.
            form.add_error("incident", _("There is no such incident in your area."))
        else:
            messages.success(request, _("Message attached to the incident."))
            return redirect("intake:message-detail", message_id)
    return _detail(request, message_id, status=INVALID, attach_form=form)


@login_required
@require_POST
def message_link_sender(request: AuthedRequest, message_id: int) -> HttpResponse:
    """Link the message's sender to a known reporter."""
    _writable(request, message_id)
    form = SenderLinkForm(
        request.POST, reporters=access.reporters_visible(request.user)
    )
    if form.is_valid():
        try:
            reporter = desk_services.message_sender_link(
                actor=request.user,
                message_id=message_id,
                reporter_id=form.cleaned_data["reporter"].pk,
            )
        except SenderError as error:
            form.add_error("reporter", error.message)
        else:
            linked = _("The sender is now known as %(name)s.") % {"name": reporter.name}
            messages.success(request, linked)
            return redirect("intake:message-detail", message_id)
    return _detail(request, message_id, status=INVALID, link_form=form)


# Upload ------------------------------------------------------------------------------


def _refuse_upload(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    form = UploadForm()
    context = {"form": form, "reason": reason, "max_rows": upload.MAX_ROWS}
    return render(request, "intake/upload.html", context | _columns(), status=status)


def _columns() -> dict:
    return {"columns": upload.COLUMNS, "required": upload.REQUIRED}


@login_required
@require_http_methods(["GET", "POST"])
def upload_page(request: AuthedRequest) -> HttpResponse:
    """Many incident reports at once from a CSV or XLSX file, then a report of every
    row taken or refused."""
    if not access.can_write(request.user):
        raise PermissionDenied("read-only role")
    if request.method == "POST":
        # Refuse a file far over the limit before Django reads it.
        if int(request.META.get("CONTENT_LENGTH") or 0) > upload.MAX_BYTES + 65536:
            return _refuse_upload(request, _too_big(), 413)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _refuse_upload(request, _("Choose a CSV or XLSX file."), 400)
        file = form.cleaned_data["file"]
        if file.size > upload.MAX_BYTES:
            return _refuse_upload(request, _too_big(), 413)
        try:
            report = desk_services.upload_process(
                actor=request.user, file_name=file.name, data=file.read()
            )
        except UploadRefused as refused:
            return _refuse_upload(request, refused.message, 400)
        return render(request, "intake/upload_report.html", {"report": report})
    context = {"form": UploadForm(), "max_rows": upload.MAX_ROWS} | _columns()
    return render(request, "intake/upload.html", context)


def _too_big() -> str:
    return _("The file is larger than %(mb)s MB. Split it into smaller files.") % {
        "mb": upload.MAX_BYTES // (1024 * 1024)
    }


@login_required
def upload_template(request: AuthedRequest) -> HttpResponse:
    """The CSV template, with a BOM so that Excel opens it as UTF-8."""
    response = HttpResponse(
        "\ufeff" + upload.template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-laporan.csv"'
    return response
