"""Fuzz targets of the shared core: accounts, registries, calendar, reports, audit."""

from django.urls import reverse

from jiaotong.accounts.forms import (
    PasswordResetForm,
    RolesForm,
    UserCreateForm,
    UserFilter,
)
from jiaotong.audit.views import AuditEventFilter
from jiaotong.calendar.views import CalendarDayForm
from jiaotong.registry.filters import EnterpriseFilter, MatterFilter
from jiaotong.registry.forms import EnterpriseForm, GradeChangeForm, MatterForm
from jiaotong.reports.views import YearReportForm

from .registry import filter_url, form

form(
    "user_create",
    user="sysadmin",
    url=lambda w: reverse("user_create"),
    form=lambda w: UserCreateForm(),
    writes=["jiaotong.User"],
)
form(
    "user_password_reset",
    user="sysadmin",
    url=lambda w: reverse("user_password_reset", args=[w["user"].pk]),
    form=lambda w: PasswordResetForm(),
)
form(
    "user_roles",
    user="secadmin",
    url=lambda w: reverse("user_roles", args=[w["user"].pk]),
    form=lambda w: RolesForm(),
)
form(
    "matter_create",
    user="sysadmin",
    url=lambda w: reverse("matter_create"),
    form=lambda w: MatterForm(),
    writes=["jiaotong.Matter", "jiaotong.MatterChange"],
)
form(
    "matter_edit",
    user="sysadmin",
    url=lambda w: reverse("matter_edit", args=[w["matter"].pk]),
    form=lambda w: MatterForm(instance=w["matter"]),
    writes=["jiaotong.Matter", "jiaotong.MatterChange"],
)
form(
    "enterprise_create",
    user="sysadmin",
    url=lambda w: reverse("enterprise_create"),
    form=lambda w: EnterpriseForm(),
    writes=["jiaotong.Enterprise"],
)
form(
    "enterprise_change_grade",
    user="sysadmin",
    url=lambda w: reverse("enterprise_change_grade", args=[w["enterprise"].pk]),
    form=lambda w: GradeChangeForm(enterprise=w["enterprise"]),
    writes=["jiaotong.CreditGradeChange"],
)
form(
    "calendarday_save",
    user="sysadmin",
    url=lambda w: reverse("calendarday_save"),
    form=lambda w: CalendarDayForm(),
    writes=["jiaotong.CalendarDay"],
)
form(
    "year_report_request",
    user="leader",
    url=lambda w: reverse("year_report_request"),
    form=lambda w: YearReportForm(),
    writes=["jiaotong.ExportJob"],
)

filter_url(
    "matter_list",
    user="sysadmin",
    url=lambda w: reverse("matter_list"),
    form=lambda w: MatterFilter().form,
)
filter_url(
    "enterprise_list",
    user="sysadmin",
    url=lambda w: reverse("enterprise_list"),
    form=lambda w: EnterpriseFilter(towns=["城关镇"]).form,
)
filter_url(
    "user_list",
    user="secadmin",
    url=lambda w: reverse("user_list"),
    form=lambda w: UserFilter().form,
)
filter_url(
    "audit_list",
    user="auditor",
    url=lambda w: reverse("audit_list"),
    form=lambda w: AuditEventFilter().form,
)
