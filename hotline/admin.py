from django.contrib import admin

from .models import (
    Attachment,
    SupervisionNotice,
    Ticket,
    TicketDeadlineRule,
    TicketExtension,
    TicketReturn,
)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Hotline records change only through services (each writes an audit event)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(_ReadOnlyAdmin):
    list_display = ["ticket_no", "source", "received_at", "category", "area", "status"]
    list_filter = ["source", "category", "area", "status"]
    search_fields = ["ticket_no"]
    list_select_related = ["unit"]


@admin.register(TicketDeadlineRule)
class TicketDeadlineRuleAdmin(_ReadOnlyAdmin):
    """Edited on the portal's rules page (hotline:rule_list), which audits changes."""

    list_display = ["source", "category", "days", "extension_days", "basis"]


admin.site.register(TicketReturn, _ReadOnlyAdmin)
admin.site.register(TicketExtension, _ReadOnlyAdmin)
admin.site.register(SupervisionNotice, _ReadOnlyAdmin)
admin.site.register(Attachment, _ReadOnlyAdmin)
