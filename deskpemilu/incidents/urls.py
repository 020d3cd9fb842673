"""Incident pages, under /kejadian/. The form for a new incident (/kejadian/baru/,
incidents:create) is intake's; deskpemilu/urls.py adds it to these."""

from django.urls import path

from deskpemilu.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("terlambat/", views.overdue_list, name="overdue"),
    path("tugas/", views.my_tasks, name="tasks"),
    path("siap-ditutup/", views.ready_to_close, name="ready"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/ubah/", views.incident_edit, name="edit"),
    path("<int:incident_id>/status/", views.incident_transition, name="transition"),
    path("<int:incident_id>/tugaskan/", views.incident_assign, name="assign"),
    path("<int:incident_id>/gabung/", views.incident_merge, name="merge"),
    path(
        "<int:incident_id>/penugasan/<int:assignment_id>/terima/",
        views.assignment_acknowledge,
        name="acknowledge",
    ),
    path(
        "<int:incident_id>/penugasan/<int:assignment_id>/tindak-lanjut/",
        views.followup_record,
        name="followup",
    ),
    path(
        "<int:incident_id>/penugasan/<int:assignment_id>/eskalasi/",
        views.incident_escalate,
        name="escalate",
    ),
    path(
        "<int:incident_id>/lampiran/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
