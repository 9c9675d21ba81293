"""Back office for enforcement's reference tables: the 法制审核目录 (editable by
the 系统管理员, every save audited), officers and their certificates. Cases,
reviews and publicity change only through the portal's services."""

from django.contrib import admin

from jiaotong.admin import AuditedAdmin

from .models import Certificate, Officer, ReviewRule


@admin.register(ReviewRule)
class ReviewRuleAdmin(AuditedAdmin):
    list_display = (
        "name",
        "kind",
        "party_type",
        "fine_threshold",
        "penalty_type",
        "active",
        "sort_order",
    )
    list_filter = ("kind", "active")
    list_editable = ("active", "sort_order")


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("kind", "number", "issuer", "scope", "issued_on", "valid_to", "status")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ("user", "employment", "pending_cancellation")
    list_filter = ("pending_cancellation",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ()
    raw_id_fields = ("user",)
    inlines = [CertificateInline]


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = ("number", "officer", "issuer", "valid_to", "status")
    list_filter = ("status", "issuer")
    search_fields = ("number", "officer__user__full_name")
    date_hierarchy = "valid_to"
