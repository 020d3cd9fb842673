"""Results pages, under /hasil/."""

from django.urls import path, re_path

from deskpemilu.results import views

app_name = "results"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("layar/jalankan/", views.screens_run, name="screens-run"),
    path("flags/", views.flag_queue, name="flags"),
    path("flags/<int:flag_id>/tutup/", views.flag_close, name="flag-close"),
    path("tps/<str:code>/", views.tps_detail, name="tps"),
    path("tps/<str:code>/keputusan/", views.decision_create, name="decide"),
    path("tps/<str:code>/foto/<int:sheet_id>/", views.photo, name="photo"),
    path("rekap/", views.recap_home, name="recap-home"),
    path("rekap/<str:code>/", views.recap_page, name="recap"),
    path("entri/", views.entry, name="entry"),
    path("entri/periksa/", views.entry_check, name="entry-check"),
    path("resmi/entri/", views.official_entry, name="official-entry"),
    path("resmi/entri/periksa/", views.official_entry_check, name="official-check"),
    re_path(
        r"^ekspor/(?P<what>desk|flags)\.(?P<fmt>csv|json)$",
        views.export,
        name="export",
    ),
]
