"""Media monitoring, under /berita/ (news)."""

from django.urls import path

from deskpemilu.media import views

app_name = "media"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tambah/", views.article_add, name="add"),
    path("sumber/", views.source_list, name="sources"),
    path("artikel/<int:article_id>/", views.article_detail, name="article"),
    path(
        "artikel/<int:article_id>/lampirkan/",
        views.article_attach,
        name="article-attach",
    ),
    path("cerita/<int:story_id>/", views.story_detail, name="story"),
    path("wilayah/<str:code>/", views.region_statements, name="region-statements"),
]
