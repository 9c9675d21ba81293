"""Security events written to the audit trail (logins, failures, lockouts,
logouts) and the last line of 三员分立 on the role table itself.

Business history is written by services, never by signals (DESIGN.md); these
receivers exist because Django and django-axes announce sign-in events only
through signals.
"""

from axes.signals import user_locked_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from jiaotong import roles
from jiaotong.audit.services import audit_record, client_ip

from . import passwords
from .models import User

PASSWORD_CHECK = "password_change"  # noqa: S105  (a purpose tag, not a secret)


def _attempted_username(credentials) -> str:
    return str((credentials or {}).get("username", "") or "")[:150] or "（未知）"


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    """A sign-in with a password an administrator set is flagged: it is the one
    moment someone other than the holder could know the password."""
    temporary = getattr(user, "must_change_password", False)
    audit_record(
        by=user,
        action="login",
        obj=user,
        request=request,
        reason="使用管理员设置的临时密码登录" if temporary else "",
        changes={"temporary_password": True} if temporary else None,
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    # SessionLifetimeMiddleware sets the reason when it ends an expired session.
    reason = getattr(request, "logout_reason", "")
    audit_record(
        by=user,
        action="session_expired" if reason else "logout",
        obj=user,
        reason=reason,
        request=request,
    )


def _refused_while_locked(request) -> bool:
    # Axes marks a request it refused because the account was already locked
    # before counting the failure; a failure that has just caused the lockout
    # has been counted (axes_failures_since_start is set).
    return (
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    """Audit every failed login; count it against the client address only when
    the username does not exist.

    A known account is protected by its own lockout; counting its failures per
    address would let anyone lock a whole office (one NAT or proxy address) out
    by mistyping colleagues' names. ``request`` is None when code calls
    ``authenticate()`` without one.
    """
    reason = "账户已锁定，拒绝登录" if _refused_while_locked(request) else ""
    ip = client_ip(request)
    username = _attempted_username(credentials)
    # The current-password check on the password page counts like a failed login
    # of that account (jiaotong.accounts.views.PasswordChangeView).
    purpose = (credentials or {}).get("purpose")
    action = {PASSWORD_CHECK: "password_check_failed", "second_factor": "otp_failed"}
    audit_record(
        action=action.get(purpose, "login_failed"),
        actor_name=username,
        reason=reason,
        ip=ip,
        request=request,
    )
    if passwords.username_exists(username):
        return
    if passwords.ip_login_failed(ip):
        request.ip_locked_out = True
        audit_record(
            action="ip_locked",
            actor_name=username,
            reason="同一地址以不存在的用户名登录失败次数过多，该地址被临时锁定",
            ip=ip,
            request=request,
        )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    if _refused_while_locked(request):
        return  # already recorded when the lockout began
    audit_record(
        action="account_locked",
        actor_name=str(username or "")[:150] or "（未知）",
        reason="连续登录失败，账户被临时锁定",
        ip=ip_address,
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="admin_separation")
def _on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Refuse, whatever the code path, a role set holding two administrator roles.

    Services check first and explain; this keeps the table itself consistent.
    """
    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # user.groups.add(...)
        added = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
        held = instance.groups.values_list("name", flat=True)
        roles.check_admin_separation({*held, *added})
        return
    # group.user_set.add(...): every user named gains this one group.
    if instance.name not in roles.ADMIN_ROLES:
        return
    for user in User.objects.filter(pk__in=pk_set).prefetch_related("groups"):
        roles.check_admin_separation(
            {instance.name, *(g.name for g in user.groups.all())}
        )
