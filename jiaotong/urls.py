"""URL map. Every page is private (LoginRequiredMiddleware) unless its view is
marked ``@login_not_required``: the login page and the public power list."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jiaotong.accounts import otp_views as otp
from jiaotong.accounts import views as accounts
from jiaotong.audit import views as audit
from jiaotong.calendar import views as calendar
from jiaotong.imports import views as imports
from jiaotong.registry import views as registry
from jiaotong.reports import views as jobs
from jiaotong.views import home

urlpatterns = [
    path("", home.home, name="home"),
    # Accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path(
        "accounts/password/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/2fa/setup/", otp.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", otp.otp_verify, name="otp_verify"),
    path("users/<int:pk>/2fa/reset/", otp.user_otp_reset, name="user_otp_reset"),
    path("users/", accounts.user_list, name="user_list"),
    path("users/new/", accounts.user_create, name="user_create"),
    path("users/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", accounts.user_roles, name="user_roles"),
    path(
        "users/<int:pk>/deactivate/", accounts.user_deactivate, name="user_deactivate"
    ),
    path("users/<int:pk>/activate/", accounts.user_activate, name="user_activate"),
    path(
        "users/<int:pk>/password/",
        accounts.user_password_reset,
        name="user_password_reset",
    ),
    # Registries
    path("matters/", registry.matter_list, name="matter_list"),
    path("matters/new/", registry.matter_create, name="matter_create"),
    path("matters/<int:pk>/", registry.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/edit/", registry.matter_edit, name="matter_edit"),
    path("public/powers/", registry.matter_public_list, name="matter_public_list"),
    path("enterprises/", registry.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", registry.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", registry.enterprise_detail, name="enterprise_detail"),
    path(
        "enterprises/<int:pk>/edit/", registry.enterprise_edit, name="enterprise_edit"
    ),
    path(
        "enterprises/<int:pk>/grade/",
        registry.enterprise_change_grade,
        name="enterprise_change_grade",
    ),
    # Imports, audit, background jobs
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path(
        "imports/jobs/<int:pk>/progress/",
        imports.import_job_progress,
        name="import_job_progress",
    ),
    path(
        "imports/template/<slug:kind>/",
        imports.import_template,
        name="import_template",
    ),
    path("audit/", audit.audit_list, name="audit_list"),
    path("calendar/", calendar.calendarday_list, name="calendarday_list"),
    path("calendar/save/", calendar.calendarday_save, name="calendarday_save"),
    path(
        "calendar/<int:pk>/delete/",
        calendar.calendarday_delete,
        name="calendarday_delete",
    ),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job_download"),
    path("reports/year/", jobs.year_report_request, name="year_report_request"),
    path("dashboard/", include("jiaotong.dashboard.urls")),
    # Back office for reference data (staff accounts only; see jiaotong/admin.py).
    # Its own login page is replaced by the main one (throttling, audit, 2FA).
    path("admin/login/", accounts.admin_login_redirect, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    # Domain apps
    path("licensing/", include("licensing.urls")),
    path("hotline/", include("hotline.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("supervision/", include("supervision.urls")),
    path("governance/", include("governance.urls")),
]

handler403 = "jiaotong.views.errors.permission_denied"
handler404 = "jiaotong.views.errors.page_not_found"
handler500 = "jiaotong.views.errors.server_error"
