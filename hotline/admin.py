from django.contrib import admin

from jiaotong.audit.services import audit_record

from .models import (
    AreaRoutingRule,
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


@admin.register(AreaRoutingRule)
class AreaRoutingRuleAdmin(admin.ModelAdmin):
    """The 业务类别 → unit table the intake form suggests from; every change is
    a configuration change and is audited."""

    list_display = ["area", "unit", "note", "updated_at"]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            by=request.user,
            action="area_routing_rule_save",
            obj=obj,
            changes={
                name: str(form.cleaned_data.get(name)) for name in form.changed_data
            },
        )

    def delete_model(self, request, obj):
        audit_record(
            by=request.user, action="area_routing_rule_delete", obj=obj, reason=str(obj)
        )
        super().delete_model(request, obj)


admin.site.register(TicketReturn, _ReadOnlyAdmin)
admin.site.register(TicketExtension, _ReadOnlyAdmin)
admin.site.register(SupervisionNotice, _ReadOnlyAdmin)
admin.site.register(Attachment, _ReadOnlyAdmin)
