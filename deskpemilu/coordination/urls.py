"""The desk's own work, under /koordinasi/: meetings, the roster, the contacts."""

from django.urls import path

from deskpemilu.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("rapat/baru/", views.meeting_create, name="meeting-create"),
    path("rapat/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("rapat/<int:meeting_id>/ubah/", views.meeting_edit, name="meeting-edit"),
    path("rapat/<int:meeting_id>/cetak/", views.meeting_print, name="meeting-print"),
    path(
        "rapat/<int:meeting_id>/tindakan/",
        views.action_item_add,
        name="action-item-add",
    ),
    path(
        "tindakan/<int:item_id>/status/",
        views.action_item_status,
        name="action-item-status",
    ),
    path("piket/<str:code>/", views.roster, name="roster"),
    path("piket/<str:code>/giliran/", views.shift_create, name="shift-create"),
    path(
        "giliran/<int:shift_id>/serah-terima/",
        views.handover_write,
        name="handover-write",
    ),
    path(
        "serah-terima/<int:handover_id>/terima/",
        views.handover_acknowledge,
        name="handover-acknowledge",
    ),
    path("kontak/", views.contacts, name="contacts"),
    path("kontak/impor/", views.contacts_import, name="contacts-import"),
    path("kontak/templat.csv", views.contacts_template, name="contacts-template"),
]
