"""Pages of the desk's own work, under /koordinasi/: coordination meetings (list,
detail, form, printable minutes) and their action items, the duty roster with its
handover notes, and the contact directory with its import.

Views read the request, call access/selectors/services and render. Out of scope is
404 (the selectors), a role that may not is 403 (the services raise it), a refusal
of the rules (CoordinationError) re-renders the page with the message next to the
form, status 422 (409 for a handover already acknowledged).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.coordination import contact_table, selectors, services
from deskpemilu.coordination.forms import (
    ActionItemForm,
    ActionStatusForm,
    ContactImportForm,
    ContactSearchForm,
    HandoverForm,
    MeetingEditForm,
    MeetingForm,
    ShiftForm,
)
from deskpemilu.coordination.models import ActionStatus, ContactRole, Meeting
from deskpemilu.coordination.services import CoordinationError
from deskpemilu.core.errors import ImportFailed, show_error

PER_PAGE = 30
INVALID = 422


# Meetings ----------------------------------------------------------------------------


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    """The meetings the user may see, and the action items due on their list."""
    user = request.user
    page = Paginator(selectors.meeting_list(user), PER_PAGE).get_page(
        request.GET.get("hal")
    )
    context = {
        "page": page,
        "action_items": selectors.action_items_due(user, timezone.now()),
        "can_create": access.can_open_meeting_form(user),
    }
    return render(request, "coordination/meeting_list.html", context)


@login_required
def meeting_create(request: AuthedRequest) -> HttpResponse:
    if not access.can_open_meeting_form(request.user):
        raise PermissionDenied("not desk staff")
    roots = access.scope_roots(request.user)
    form = MeetingForm(
        request.POST or None, initial={"region": roots[0].code if roots else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except CoordinationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("coordination:meeting-detail", meeting.pk)
    status = INVALID if form.is_bound else 200
    context = {"form": form, "meeting": None}
    return render(request, "coordination/meeting_form.html", context, status=status)


@login_required
def meeting_edit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_user_or_404(request.user, meeting_id)
    if not access.can_manage_meetings(request.user, meeting.region):
        raise PermissionDenied("may not manage meetings")
    initial = {
        "title": meeting.title,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "decisions": meeting.decisions,
        "agencies": list(meeting.agencies.all()),
    }
    form = MeetingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting_id=meeting.pk, **form.cleaned_data
            )
        except CoordinationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("coordination:meeting-detail", meeting.pk)
    status = INVALID if form.is_bound else 200
    context = {"form": form, "meeting": meeting}
    return render(request, "coordination/meeting_form.html", context, status=status)


def _meeting_page(
    request: AuthedRequest,
    meeting: Meeting,
    item_form: ActionItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    items = list(meeting.action_items.all())
    context = {
        "meeting": meeting,
        "items": [(item, access.can_update_action_item(user, item)) for item in items],
        "can_manage": access.can_manage_meetings(user, meeting.region),
        "item_form": item_form or ActionItemForm(),
        "statuses": ActionStatus,
    }
    return render(request, "coordination/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_user_or_404(request.user, meeting_id)
    return _meeting_page(request, meeting)


@login_required
def meeting_print(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The minutes (notulen) to print: the record, attendance and action items."""
    meeting = selectors.meeting_for_user_or_404(request.user, meeting_id)
    context = {"meeting": meeting, "items": list(meeting.action_items.all())}
    return render(request, "coordination/meeting_print.html", context)


@login_required
@require_POST
def action_item_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_user_or_404(request.user, meeting_id)
    if not access.can_manage_meetings(request.user, meeting.region):
        raise PermissionDenied("may not manage meetings")
    form = ActionItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_add(
                actor=request.user,
                meeting_id=meeting.pk,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                incident_ids=data["incidents"],
                region_codes=data["regions"],
            )
        except CoordinationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Action item added."))
            return redirect("coordination:meeting-detail", meeting.pk)
    return _meeting_page(request, meeting, form, status=INVALID)


@login_required
@require_POST
def action_item_status(request: AuthedRequest, item_id: int) -> HttpResponse:
    """Mark an action item done, cancelled or open again; back to where the button
    was (the meeting, the dashboard, Tugas saya)."""
    item = selectors.action_item_for_user_or_404(request.user, item_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown status."), status=INVALID)
    services.action_item_set_status(
        actor=request.user, item_id=item.pk, status=form.cleaned_data["status"]
    )
    messages.success(request, _("Action item updated."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("coordination:meeting-detail", item.meeting_id)


# Duty roster and handover ------------------------------------------------------------


def _roster_page(
    request: AuthedRequest,
    code: str,
    *,
    shift_form: ShiftForm | None = None,
    handover_form: HandoverForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    region = access.region_for_user_or_404(user, code)
    roster = selectors.desk_roster(user, region, timezone.now())
    can_manage = access.can_manage_roster(user, region)
    current, last = roster.current, roster.last_handover
    context = {
        "region": region,
        "roster": roster,
        "can_manage": can_manage,
        "shift_form": shift_form
        or ShiftForm(people=selectors.roster_candidates(user, region)),
        "handover_form": handover_form
        or HandoverForm(
            initial={"open_matters": current.handover.open_matters}
            if current and hasattr(current, "handover")
            else None
        ),
        "can_write_handover": bool(
            current and access.can_write_handover(user, current)
        ),
        "can_acknowledge": bool(
            last
            and last.acknowledged_at is None
            and access.can_acknowledge_handover(user, last, roster.handover_for)
        ),
        "error": error,
    }
    return render(request, "coordination/roster.html", context, status=status)


@login_required
def roster(request: AuthedRequest, code: str) -> HttpResponse:
    """A desk's duty roster: the shift on duty, the last handover note and whether
    the next shift has acknowledged it, the coming shifts."""
    return _roster_page(request, code)


@login_required
@require_POST
def shift_create(request: AuthedRequest, code: str) -> HttpResponse:
    user = request.user
    region = access.region_for_user_or_404(user, code)
    if not access.can_manage_roster(user, region):
        raise PermissionDenied("may not manage the roster")
    form = ShiftForm(request.POST, people=selectors.roster_candidates(user, region))
    if form.is_valid():
        try:
            services.shift_create(actor=user, region=region, **form.cleaned_data)
        except CoordinationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Shift added to the roster."))
            return redirect("coordination:roster", region.code)
    return _roster_page(request, code, shift_form=form, status=INVALID)


@login_required
@require_POST
def handover_write(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_for_user_or_404(request.user, shift_id)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.handover_write(
                actor=request.user, shift_id=shift.pk, **form.cleaned_data
            )
        except CoordinationError as error:
            show_error(form, error)
            code = error.status
        else:
            messages.success(request, _("Handover note saved."))
            return redirect("coordination:roster", shift.region.code)
    else:
        code = INVALID
    return _roster_page(request, shift.region.code, handover_form=form, status=code)


@login_required
@require_POST
def handover_acknowledge(request: AuthedRequest, handover_id: int) -> HttpResponse:
    handover = selectors.handover_for_user_or_404(request.user, handover_id)
    code = handover.shift.region.code
    try:
        services.handover_acknowledge(actor=request.user, handover_id=handover.pk)
    except CoordinationError as error:
        return _roster_page(request, code, error=error.message, status=error.status)
    messages.success(request, _("Handover acknowledged."))
    return redirect("coordination:roster", code)


# Contact directory -------------------------------------------------------------------


@login_required
def contacts(request: AuthedRequest) -> HttpResponse:
    """Search the contact directory by region, role and name; phones masked unless
    the user may see personal data."""
    user = request.user
    form = ContactSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.contact_search(
        user,
        region=filters.get("wilayah"),
        role=filters.get("peran", ""),
        text=filters.get("nama", ""),
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("hal"))
    context = {
        "form": form,
        "page": page,
        "lines": selectors.contact_lines(user, list(page.object_list)),
        "can_import": access.can_import_contacts(user),
        "roles": ContactRole.choices,
    }
    return render(request, "coordination/contacts.html", context)


@login_required
def contacts_import(request: AuthedRequest) -> HttpResponse:
    """Import the directory from CSV/XLSX: all or nothing, with every bad row's line
    and reason."""
    user = request.user
    if not access.can_import_contacts(user):
        raise PermissionDenied("not desk staff")
    form = ContactImportForm(request.POST or None, request.FILES or None)
    report, problems, status = None, [], 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(contact_table.MAX_BYTES + 1)
            try:
                report = services.contacts_import(
                    name=upload.name or "unggahan", data=data, actor=user
                )
                status = 200
            except ImportFailed as exc:
                problems = exc.problems[:200]
    context = {
        "form": form,
        "report": report,
        "problems": problems,
        "problem_count": len(problems),
    }
    return render(request, "coordination/contacts_import.html", context, status=status)


@login_required
def contacts_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(contact_table.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="templat_kontak.csv"'
    return response
