"""Pages of the incident desk: the list, one incident with its history and actions,
the edit form and the overdue assignments. (The form for a new incident is intake's,
`intake.views.desk_incident_create`: every submission is kept as a message first.)

Views only read the request, call access/selectors/services and render. A refusal
of a service (IncidentError) re-renders the page with the message next to the form,
status 422; someone else saving first (Conflict) answers 409; scope is 404 and a role
that may not write is 403, both raised by access and the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ChoiceField, Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core import panels
from deskpemilu.core.deskmode import as_of
from deskpemilu.core.errors import show_error
from deskpemilu.core.files import serve_checked
from deskpemilu.incidents import selectors, services
from deskpemilu.incidents.deadlines import warn_window
from deskpemilu.incidents.forms import (
    AssignForm,
    EscalateForm,
    FilterForm,
    FollowUpForm,
    IncidentEditForm,
    MergeForm,
    TransitionForm,
)
from deskpemilu.incidents.models import Incident
from deskpemilu.incidents.services import Conflict, IncidentError
from deskpemilu.incidents.taxonomy import Category, Severity, Status
from deskpemilu.incidents.workflow import OPEN, allowed_targets

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PER_PAGE = 50
INVALID = 422


def _conflict(request: HttpRequest, incident_id: int, error: Conflict) -> HttpResponse:
    context = {"message": error.message, "incident_id": incident_id}
    return render(request, "incidents/conflict.html", context, status=409)


def _writable(request: AuthedRequest, incident_id: int) -> Incident:
    """The incident for a write: out of scope is 404 first, a read-only role 403."""
    incident = access.incident_for_user_or_404(request.user, incident_id)
    if not access.can_write(request.user):
        raise PermissionDenied("read-only role")
    return incident


def _counted(
    counts: dict[str, int], choices: Iterable[tuple[str, StrOrPromise]]
) -> list[tuple[str, StrOrPromise, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices]


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    incidents = selectors.incident_list(request.user, form.filters())
    counts = selectors.incident_counts(incidents)
    page = Paginator(incidents, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "counts": counts,
        "by_status": _counted(counts["status"], Status.choices),
        "by_severity": _counted(counts["severity"], Severity.choices),
        "by_category": _counted(counts["category"], Category.choices),
        "can_write": access.can_write(request.user),
    }
    return render(request, "incidents/list.html", context)


def _detail(
    request: AuthedRequest,
    incident_id: int,
    *,
    status: int = 200,
    **forms: Form,
) -> HttpResponse:
    """The incident page; `forms` carries the bound form that was refused, also as
    `failed` so the page can say why at the top."""
    user = request.user
    incident = selectors.incident_detail(user, incident_id)
    assignments = list(incident.assignments.all())
    roles = access.incident_roles(user, incident)
    now = as_of(request)
    context = {
        "incident": incident,
        "assignments": assignments,
        "targets": allowed_targets(incident.status, roles),
        "can_edit": access.can_edit_incident(user, incident),
        "can_assign": access.can_assign(user, incident),
        "acting_for": {
            a.agency_id
            for a in assignments
            if access.can_act_for_agency(user, a.agency_id)
        },
        "show_personal": access.can_see_personal_data(user),
        "duplicates": selectors.duplicate_candidates(user, incident),
        "closing": selectors.closing_state(user, incident, assignments),
        "now": now,
        "soon": now + warn_window(),
        "closed": incident.status not in OPEN,
        "assign_form": AssignForm(incident=incident),
        "reject_reasons": cast(
            ChoiceField, TransitionForm.base_fields["reason"]
        ).choices,
    }
    context |= panels.extras("incident_detail", user=user, incident=incident)
    return render(request, "incidents/detail.html", context | forms, status=status)


@login_required
def incident_detail(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _detail(request, incident_id)


@login_required
def incident_edit(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = access.incident_for_user_or_404(request.user, incident_id)
    if not access.can_edit_incident(request.user, incident):
        raise PermissionDenied("may not edit")
    form = IncidentEditForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(
                actor=request.user,
                incident_id=incident.pk,
                version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except Conflict as error:
            return _conflict(request, incident.pk, error)
        except IncidentError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Incident %(ref)s saved.") % {"ref": incident.ref}
            )
            return redirect("incidents:detail", incident.pk)
    context = {"form": form, "incident": incident}
    return render(
        request,
        "incidents/form.html",
        context,
        status=INVALID if form.is_bound else 200,
    )


def _act(
    request: AuthedRequest,
    incident_id: int,
    form: Form,
    name: str,
    call: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """Run one action from the incident page; errors come back on that page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except Conflict as error:
            return _conflict(request, incident_id, error)
        except IncidentError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back(request, incident_id)
    return _detail(request, incident_id, status=INVALID, failed=form, **{name: form})


def _back(request: HttpRequest, incident_id: int) -> HttpResponse:
    """After an action: back to Tugas saya when it was done there, else the
    incident's page. A fixed choice, never a URL from the request."""
    back = request.POST.get("back")
    if back == "tasks":
        return redirect("incidents:tasks")
    if back == "ready":
        return redirect("incidents:ready")
    return redirect("incidents:detail", incident_id)


@login_required
@require_POST
def incident_transition(request: AuthedRequest, incident_id: int) -> HttpResponse:
    _writable(request, incident_id)
    form = TransitionForm(request.POST)
    return _act(
        request,
        incident_id,
        form,
        "transition_form",
        lambda data: services.incident_transition(
            actor=request.user, incident_id=incident_id, **form.service_args()
        ),
    )


@login_required
@require_POST
def incident_assign(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = _writable(request, incident_id)
    if not access.can_assign(request.user, incident):
        raise PermissionDenied("may not assign")
    form = AssignForm(request.POST, incident=incident)
    return _act(
        request,
        incident_id,
        form,
        "assign_form",
        lambda data: services.incident_assign(
            actor=request.user,
            incident_id=incident_id,
            agency_ids=[agency.pk for agency in data["agencies"]],
            deadline=data["deadline"],
            note=data["note"],
            version=data["version"],
        ),
    )


@login_required
@require_POST
def assignment_acknowledge(
    request: AuthedRequest, incident_id: int, assignment_id: int
) -> HttpResponse:
    _writable(request, incident_id)
    services.assignment_acknowledge(actor=request.user, assignment_id=assignment_id)
    messages.success(request, _("Saved."))
    return _back(request, incident_id)


@login_required
@require_POST
def followup_record(
    request: AuthedRequest, incident_id: int, assignment_id: int
) -> HttpResponse:
    _writable(request, incident_id)
    form = FollowUpForm(request.POST, request.FILES)
    return _act(
        request,
        incident_id,
        form,
        "followup_form",
        lambda data: services.followup_record(
            actor=request.user,
            assignment_id=assignment_id,
            action=data["action"],
            done=data["done"],
            case_number=data["case_number"],
            attachment=data["attachment"],
        ),
    )


@login_required
@require_POST
def incident_escalate(
    request: AuthedRequest, incident_id: int, assignment_id: int
) -> HttpResponse:
    _writable(request, incident_id)
    form = EscalateForm(request.POST)
    return _act(
        request,
        incident_id,
        form,
        "escalate_form",
        lambda data: services.incident_escalate(
            actor=request.user, assignment_id=assignment_id, note=data["note"]
        ),
    )


@login_required
@require_POST
def incident_merge(request: AuthedRequest, incident_id: int) -> HttpResponse:
    _writable(request, incident_id)
    form = MergeForm(request.POST)
    return _act(
        request,
        incident_id,
        form,
        "merge_form",
        lambda data: services.incident_merge(
            actor=request.user, primary_id=incident_id, duplicate_id=data["duplicate"]
        ),
    )


@login_required
def overdue_list(request: AuthedRequest) -> HttpResponse:
    now = as_of(request)
    assignments = selectors.overdue_assignments(request.user, now=now)
    page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "now": now}
    return render(request, "incidents/overdue.html", context)


@login_required
def my_tasks(request: AuthedRequest) -> HttpResponse:
    """Tugas saya: the open assignments of the user's agencies, with acknowledge,
    follow-up and done on the page. Also the home page of a liaison (desk/views.py).
    "Overdue" and "due soon" are counted from the desk's "as of" moment."""
    tasks = selectors.my_tasks(request.user, now=as_of(request))
    warn = warn_window()
    context = {
        "tasks": tasks,
        "groups": [
            ("overdue", _("Overdue"), tasks.overdue),
            ("due-soon", _("Due soon"), tasks.due_soon),
            ("new", _("New"), tasks.new),
            ("working", _("In progress"), tasks.working),
        ],
        "now": tasks.now,
        "soon": tasks.now + warn,
        "warn_hours": warn.total_seconds() / 3600,
    }
    context |= panels.extras("my_tasks", user=request.user, now=tasks.now)
    return render(request, "incidents/tasks.html", context)


@login_required
def ready_to_close(request: AuthedRequest) -> HttpResponse:
    """Siap ditutup: incidents every assigned agency has finished, for those who
    close them."""
    if not access.can_see_ready_to_close(request.user):
        raise PermissionDenied("may not close incidents")
    incidents = selectors.ready_to_close(request.user)
    page = Paginator(incidents, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/ready.html", {"page_obj": page})


@login_required
def attachment_download(
    request: AuthedRequest, incident_id: int, attachment_id: int
) -> FileResponse:
    """A follow-up's photo or PDF, to those who may see the incident. Sent with the
    kind its bytes were checked as, never sniffed, in a sandbox: nothing in it runs
    as part of the desk's pages. A PDF is a download, a photo may show inline."""
    item = selectors.attachment_for_user_or_404(
        request.user, incident_id, attachment_id
    )
    return serve_checked(
        item.file, item.content_type, item.token, as_attachment=not item.is_image
    )
