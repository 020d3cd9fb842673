"""The desk's URLs: each app's pages under its own prefix, put together here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from deskpemilu.api import api
from deskpemilu.core.views import as_of_choose, health
from deskpemilu.desk import views as desk_views
from deskpemilu.incidents import urls as incident_urls
from deskpemilu.intake import views as intake_views
from deskpemilu.intake import webhooks
from deskpemilu.regions import views as region_views
from deskpemilu.situation import views as situation_views

# /kejadian/: the incident pages, and the desk's form for a new incident, which intake
# serves (it keeps every submission as an inbound message first): one namespace.
incident_pages = [
    path("baru/", intake_views.desk_incident_create, name="create"),
    *incident_urls.urlpatterns,
]

urlpatterns = [
    path("", desk_views.home, name="home"),
    path("waktu/", as_of_choose, name="as-of"),
    path("wilayah/cari/", region_views.place_search, name="place-search"),
    path("wilayah/<str:code>/", region_views.region_detail, name="region-detail"),
    path("kejadian/", include((incident_pages, incident_urls.app_name))),
    path("pesan/", include("deskpemilu.intake.urls")),
    path("situasi/", include("deskpemilu.situation.urls")),
    path("hasil/", include("deskpemilu.results.urls")),
    path("koordinasi/", include("deskpemilu.coordination.urls")),
    path("berita/", include("deskpemilu.media.urls")),
    path("laporan/", include("deskpemilu.reports.urls")),
    path("notifikasi/", include("deskpemilu.notifications.urls")),
    path("publik/", situation_views.public_status, name="public-status"),
    path("lapor/", intake_views.public_report, name="public-report"),
    path(
        "lapor/status/", intake_views.public_report_status, name="public-status-lookup"
    ),
    path(
        "lapor/terima-kasih/",
        intake_views.public_report_done,
        name="public-report-done",
    ),
    path(
        "masuk/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health, name="health"),
    path("webhooks/twilio", webhooks.twilio_sms, name="webhook-twilio"),
    path("webhooks/sms", webhooks.sms_gateway, name="webhook-sms"),
    path("webhooks/whatsapp", webhooks.whatsapp, name="webhook-whatsapp"),
    path("webhooks/telegram", webhooks.telegram, name="webhook-telegram"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
