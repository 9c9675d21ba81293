"""Login, logout, password change and the user/role pages."""

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from jiaotong import roles
from jiaotong.accounts import passwords
from jiaotong.accounts import services as accounts
from jiaotong.accounts.forms import (
    LoginForm,
    PasswordResetForm,
    ReasonForm,
    RolesForm,
    UserCreateForm,
    UserFilter,
)
from jiaotong.accounts.models import User
from jiaotong.accounts.signals import PASSWORD_CHECK
from jiaotong.audit.services import audit_record, client_ip
from jiaotong.middleware import EXPIRED
from jiaotong.web import add_service_errors, permission_required

PAGE_SIZE = 25


def _locked_response(request, *, ip_locked: bool):
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {"ip_locked": ip_locked, "cooloff_minutes": minutes}
    return render(request, "registration/locked.html", context, status=429)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked account (AXES_LOCKOUT_CALLABLE).

    It names no account: an unknown username is locked the same way, so the
    page cannot be used to find out which accounts exist.
    """
    return _locked_response(request, ip_locked=False)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login (it issues a new session key) behind the per-IP limit.

    The per-IP limit counts failures for usernames that do not exist. While an
    address is locked, an unknown username is refused before the form
    authenticates (it never reaches the password hasher); a known one is still
    tried, so the correct password of an unlocked account always signs in,
    while a wrong one gets the same 429 page (no oracle of which names exist).
    The per-account lockout is django-axes' backend, first in
    AUTHENTICATION_BACKENDS, so a known name costs at most five hashes.
    """

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if passwords.ip_is_locked(client_ip(request)):
            if not passwords.username_exists(request.POST.get("username", "")):
                return _locked_response(request, ip_locked=True)
            response = super().post(request, *args, **kwargs)
            if request.user.is_authenticated:
                return response
            if getattr(request, "axes_locked_out", False):
                return _locked_response(request, ip_locked=False)
            return _locked_response(request, ip_locked=True)
        response = super().post(request, *args, **kwargs)
        if getattr(request, "ip_locked_out", False):  # this failure locked it
            return _locked_response(request, ip_locked=True)
        return response

    def get_default_redirect_url(self):
        """A 局领导 lands on the annual dashboard; everyone else on 工作台."""
        user = self.request.user
        if roles.has_role(user, roles.ROLE_LEADER) and user.has_perm(
            "jiaotong.view_dashboard"
        ):
            return reverse("dashboard")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED, False)
        return context


@login_not_required
def admin_login_redirect(request):
    """``/admin/login/`` (GET or POST) sends people to the main login, so the
    back office has exactly one way in: the same lockout, per-IP limit, audit
    and second factor. A POSTed password is never looked at here. Someone signed
    in who is sent here lacks back-office rights: that is a 403, not a loop
    between the two login pages."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = request.GET.get("next", "") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


@require_POST
def logout_view(request):
    logout(request)  # deletes the session row on the server
    messages.info(request, "您已安全退出。")
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password: every rule applies, and the change is audited.

    Django keeps this session signed in and, because the session hash follows
    the password, every other session of the account ends.
    """

    template_name = "registration/password_change_form.html"

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        was_temporary = user.must_change_password
        if was_temporary:
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            user.must_change_password = False
        audit_record(
            by=user,
            action="password_change",
            obj=user,
            request=self.request,
            reason="替换管理员设置的临时密码" if was_temporary else "",
        )
        return response

    def form_invalid(self, form):
        """A wrong current password counts as a failed login of this account
        (audited, and the fifth within the cool-off locks the account like the
        login page does), so a borrowed session cannot guess the password."""
        if form.has_error("old_password"):
            user = self.request.user
            user_login_failed.send(
                sender=__name__,
                credentials={
                    "username": user.get_username(),
                    "purpose": PASSWORD_CHECK,
                },
                request=self.request,
            )
            if getattr(self.request, "axes_locked_out", False):
                logout(self.request)
                messages.error(
                    self.request,
                    "当前密码连续输入错误，账户已被临时锁定，请稍后再登录。",
                )
                return redirect("login")
        return super().form_invalid(form)


# --- Account pages ---------------------------------------------------------------


@permission_required("jiaotong.view_user")
def user_list(request):
    """Accounts for the 系统管理员 and 安全管理员 (the roles holding view_user)."""
    users = (
        User.objects.visible_to(request.user)
        .select_related("unit")
        .prefetch_related("groups")
        .order_by("username")
    )
    user_filter = UserFilter(request.GET, queryset=users, request=request)
    page = Paginator(user_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "filter": user_filter,
            "page_obj": page,
            "can_create": request.user.has_perm("jiaotong.add_user"),
        },
    )


def _detail_context(request, user, **forms):
    me = request.user
    not_self = me.pk != user.pk
    held = set(user.groups.values_list("name", flat=True))
    # 三员分立: another administrator's account is changed only on the command line.
    other_admin = bool(held & set(roles.ADMIN_ROLES))
    can_assign = me.has_perm("jiaotong.assign_roles") and not_self and not other_admin
    can_change = me.has_perm("jiaotong.change_user") and not_self and not other_admin
    return {
        "account": user,
        "account_roles": [r for r in roles.ALL_ROLES if r in held],
        "can_assign": can_assign,
        "can_change": can_change,
        "can_reset_password": can_change
        and not held & set(roles.ADMIN_ROLES)
        and user.is_active,
        # Lost phone: only the 安全管理员 resets someone's second factor.
        "can_reset_otp": not_self and roles.has_role(me, roles.ROLE_SECURITY_ADMIN),
        "roles_form": forms.get("roles_form")
        or (RolesForm(initial={"roles": sorted(held)}) if can_assign else None),
        "password_form": forms.get("password_form")
        or (PasswordResetForm() if can_change else None),
        "reason_form": ReasonForm(),
    }


def _visible_user(request, pk):
    return get_object_or_404(
        User.objects.visible_to(request.user).select_related("unit"), pk=pk
    )


@permission_required("jiaotong.view_user")
def user_detail(request, pk):
    user = _visible_user(request, pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, user))


@require_POST
@permission_required("jiaotong.assign_roles")
def user_roles(request, pk):
    user = _visible_user(request, pk)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            accounts.user_assign_roles(
                user=user, roles=form.cleaned_data["roles"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("roles", exc.messages)
        else:
            messages.success(request, f"已更新“{user.display_name}”的角色。")
            return redirect(user)
    context = _detail_context(request, user, roles_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@permission_required("jiaotong.add_user")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.user_create(
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                unit=data["unit"],
                phone=data["phone"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(
                request, f"已创建账户“{user.username}”，请联系安全管理员分配角色。"
            )
            return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form})


@require_POST
@permission_required("jiaotong.change_user")
def user_deactivate(request, pk):
    return _toggle_active(request, pk, accounts.user_deactivate, "已停用")


@require_POST
@permission_required("jiaotong.change_user")
def user_activate(request, pk):
    return _toggle_active(request, pk, accounts.user_activate, "已启用")


def _toggle_active(request, pk, service, done: str):
    user = _visible_user(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(user=user, by=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{done}账户“{user.display_name}”。")
    return redirect(user)


@require_POST
@permission_required("jiaotong.change_user")
def user_password_reset(request, pk):
    user = _visible_user(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            accounts.user_set_password(
                user=user, password=form.cleaned_data["password1"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(
                request, f"已重置“{user.display_name}”的密码，其登录会话已全部结束。"
            )
            return redirect(user)
    context = _detail_context(request, user, password_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)
