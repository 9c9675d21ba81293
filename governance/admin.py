"""Read-only admin for the governance registers: changes go through the services
(the register pages), so the admin shows and searches but does not edit."""

from django.contrib import admin

from .models import (
    Campaign,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Petition,
    Suggestion,
    TrainingSession,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ("unit",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "title", "unit", "assigned_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("number", "title", "proposers")


@admin.register(NormativeDocument)
class NormativeDocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "doc_no", "unit", "published_on", "status")
    list_filter = ("status",)
    search_fields = ("title", "doc_no")


@admin.register(Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = ("number", "applicant", "respondent", "industry", "status")
    list_filter = ("industry", "status")
    search_fields = ("number", "applicant", "respondent")


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "received_on", "status")
    search_fields = ("number", "subject", "petitioner")


@admin.register(EducationEvent)
class EducationEventAdmin(ReadOnlyAdmin):
    list_display = ("title", "theme", "held_at", "banners", "leaflets")
    list_filter = ("theme",)


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("title", "plan_issued_on", "unit")


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ("topic", "held_at", "hours", "for_enforcement")
    list_filter = ("for_enforcement",)
