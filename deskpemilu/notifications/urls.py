"""Notification pages, under /notifikasi/."""

from django.urls import path

from deskpemilu.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("baca/", views.notification_read, name="read"),
    path("saya/", views.my_preferences, name="preferences"),
]
