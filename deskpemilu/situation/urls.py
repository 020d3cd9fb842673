"""Situation pages, under /situasi/ (the dashboard itself is the home page, /)."""

from django.urls import path

from deskpemilu.situation import views

app_name = "situation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("wilayah/<str:code>/", views.region_situation, name="region"),
    path("wilayah/<str:code>/status/", views.override_create, name="override-create"),
    path("pengerahan/<str:code>/", views.deployment_page, name="deployment"),
    path("pantau/<str:code>/", views.watchlist, name="watchlist"),
    path(
        "tps-rawan/template.csv",
        views.tps_rawan_template,
        name="tps-rawan-template",
    ),
    path("tps-rawan/<str:code>/", views.tps_rawan_page, name="tps-rawan"),
    path(
        "penetapan/<int:override_id>/akhiri/",
        views.override_end,
        name="override-end",
    ),
]
