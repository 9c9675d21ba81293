"""Back office for supervision's reference tables: the 抽查事项清单 and the
declared conflicts of interest (every save audited). Tasks, draws and records
change only through the portal's services."""

from django.contrib import admin

from jiaotong.admin import AuditedAdmin

from .models import InspectionItem, InspectorConflict


@admin.register(InspectionItem)
class InspectionItemAdmin(AuditedAdmin):
    list_display = ("code", "name", "method", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(InspectorConflict)
class InspectorConflictAdmin(AuditedAdmin):
    list_display = ("officer", "enterprise", "reason", "declared_on")
    autocomplete_fields = ()
    raw_id_fields = ("officer", "enterprise")
