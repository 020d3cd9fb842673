"""Situation reports, under /laporan/."""

from django.urls import path

from deskpemilu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("baru/", views.report_create, name="create"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/ubah/", views.report_edit, name="edit"),
    path("<int:report_id>/ralat/", views.report_correct, name="correct"),
    path("<int:report_id>/<str:step>/", views.report_step, name="step"),
    path("<int:report_id>/unduh.<str:fmt>", views.report_download, name="download"),
]
