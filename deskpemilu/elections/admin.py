from django.contrib import admin

from deskpemilu.elections.models import Candidate, Contest, Election, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ("seq", "kind", "name", "start_date", "end_date")


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "vote_date", "region")
    inlines = [StageInline]
    raw_id_fields = ("region",)


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "election")
    list_filter = ("election", "kind")
    inlines = [CandidateInline]
