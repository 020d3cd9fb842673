"""The desk's inbox and upload pages, under /pesan/. The public form is /lapor/."""

from django.urls import path

from deskpemilu.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("unggah/", views.upload_page, name="upload"),
    path("unggah/template.csv", views.upload_template, name="upload-template"),
    path("<int:message_id>/", views.message_detail, name="message-detail"),
    path(
        "<int:message_id>/kejadian/",
        views.message_create_incident,
        name="message-create-incident",
    ),
    path("<int:message_id>/lampirkan/", views.message_attach, name="message-attach"),
    path(
        "<int:message_id>/foto/<int:file_id>/",
        views.message_file,
        name="message-file",
    ),
    path(
        "<int:message_id>/pengirim/",
        views.message_link_sender,
        name="message-link-sender",
    ),
]
