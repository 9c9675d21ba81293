"""Read-mostly admin for the window's records: changes go through the services
(the application page), so the admin shows and searches but does not edit."""

from django.contrib import admin

from .models import (
    Application,
    ApplicationSequence,
    ClockPause,
    CommitmentCheck,
    Rectification,
    SupplementNotice,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClockPauseInline(admin.TabularInline):
    model = ClockPause
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "reason", "started_on", "ended_on", "working_days")

    def has_add_permission(self, request, obj=None):
        return False


class CommitmentCheckInline(ClockPauseInline):
    model = CommitmentCheck
    readonly_fields = ("due_date", "outcome", "note", "checked_at", "checked_by")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "matter",
        "status",
        "channel",
        "received_at",
        "completed_at",
        "due_date",
        "is_test",
    )
    list_filter = ("status", "channel", "matter__power_type", "is_test")
    search_fields = ("number", "applicant_name")
    date_hierarchy = "received_at"
    list_select_related = ("matter",)
    exclude = ("applicant_id_number", "applicant_phone")  # PIPL: not in the admin
    inlines = (ClockPauseInline, CommitmentCheckInline)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(SupplementNotice, Rectification, ApplicationSequence)
class SupportAdmin(ReadOnlyAdmin):
    pass
