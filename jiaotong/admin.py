"""Django admin for the shared reference data.

The admin is a back office for inspection and for the few tables that have no
page of their own (organisation units, power-list adjustments, discretion
benchmarks). Every save here writes an audit event in the admin's transaction.
Matters and enterprises change through the portal's pages and imports (the
registry services), so the admin shows them read-only; credit-grade history is
written only by the services.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction

from .audit.services import audit_record
from .models import (
    CalendarDay,
    CreditGradeChange,
    DiscretionItem,
    Enterprise,
    Matter,
    MatterChange,
    OrgUnit,
    RuleParameter,
    User,
)

admin.site.site_header = "交通运输局行政业务平台 · 后台管理"
admin.site.site_title = "后台管理"
admin.site.index_title = "基础数据"


def _changes(form) -> dict:
    """Changed fields as text; many-to-many fields (roles) are audited on their own."""
    return {
        name: str(form.cleaned_data.get(name, ""))
        for name in form.changed_data
        if not isinstance(form.fields.get(name), forms.ModelMultipleChoiceField)
    }


class AuditedAdmin(admin.ModelAdmin):
    """Saves are audited; deletion is off (reference data is PROTECTed anyway)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            by=request.user,
            action="admin_update" if change else "admin_create",
            obj=obj,
            changes=_changes(form),
            request=request,
        )

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "established_posts", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """Accounts in the back office: the system administrator keeps names, units and
    activity. Roles are read-only here — only the 安全管理员 grants them, through
    jiaotong.accounts.services.user_assign_roles on /users/<pk>/ — and passwords are reset
    through the audited page, never here."""

    list_display = ["username", "full_name", "unit", "role_list", "is_active"]
    list_filter = ["is_active", "groups", "unit"]
    search_fields = ["username", "full_name"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        ("个人信息", {"fields": ["full_name", "unit", "phone", "email"]}),
        ("角色", {"fields": ["role_list", "is_active"]}),
        ("时间", {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    readonly_fields = ["role_list", "last_login", "date_joined", "password_changed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_add_permission(self, request):
        return False  # accounts are created on /users/new/ (jiaotong.accounts.services)

    def get_urls(self):
        # Drop the admin's own password form: resets go through the audited page.
        return [u for u in super().get_urls() if "password" not in str(u.pattern)]

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all()) or "—"


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "power_type",
        "source",
        "notify_commit",
        "effective_from",
        "repealed_on",
    ]
    list_filter = ["power_type", "source", "notify_commit"]
    search_fields = ["code", "name", "pinyin_initials"]
    list_select_related = ["unit"]


@admin.register(MatterChange)
class MatterChangeAdmin(AuditedAdmin):
    list_display = ["matter", "kind", "effective_on", "document"]
    list_filter = ["kind"]
    search_fields = ["matter__code", "matter__name", "document"]
    list_select_related = ["matter"]
    autocomplete_fields = ["matter"]
    date_hierarchy = "effective_on"


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "industry", "town", "credit_grade"]
    list_filter = ["industry", "credit_grade"]
    search_fields = ["name", "credit_code"]
    exclude = ["phone"]  # personal data: shown masked on the portal only


@admin.register(CreditGradeChange)
class CreditGradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "from_grade", "to_grade", "changed_on", "cause"]
    list_filter = ["cause", "to_grade"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    date_hierarchy = "changed_on"


@admin.register(DiscretionItem)
class DiscretionItemAdmin(AuditedAdmin):
    list_display = ["code", "violation", "matter", "fine_min", "fine_max"]
    search_fields = ["code", "violation", "matter__code", "matter__name"]
    list_select_related = ["matter"]
    autocomplete_fields = ["matter"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Holidays and make-up working days: corrections to the official calendar and
    the State Council's schedule for years the library does not know yet."""

    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        from django.contrib import messages

        from .calendar.workdays import calendar_warnings

        for warning in calendar_warnings():
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        # A wrong entry is removed, not kept: the official calendar applies again.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        audit_record(
            by=request.user,
            action="admin_delete",
            obj=obj,
            changes={"date": str(obj.date), "is_workday": obj.is_workday},
            request=request,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action is not atomic by itself.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class RuleParameterForm(forms.ModelForm):
    class Meta:
        model = RuleParameter
        fields = [
            "key",
            "value",
            "unit",
            "basis",
            "effective_from",
            "effective_to",
            "source_url",
        ]

    def clean(self):
        from .calendar.params import clean_param_value

        cleaned = super().clean()
        key, value = cleaned.get("key"), cleaned.get("value")
        if key and value is not None:
            try:
                cleaned["value"] = clean_param_value(key, value)
            except ValidationError as error:
                self.add_error("value", error)
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "失效日期不能早于生效日期。")
        return cleaned


@admin.register(RuleParameter)
class RuleParameterAdmin(AuditedAdmin):
    """Configurable time limits and thresholds (DOMAIN.md §10)."""

    form = RuleParameterForm
    list_display = ["key", "value", "unit", "effective_from", "effective_to"]
    search_fields = ["key", "basis"]
    list_filter = ["unit"]


# Second-factor devices are not reference data: the back office must not let the
# 系统管理员 add an authenticator to someone else's account (only the
# 安全管理员 resets, on the user's page; enrolment is the holder's own).
def _unregister_otp_devices() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()
