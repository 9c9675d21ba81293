"""Security events written to the audit trail: logins, failures, logouts, lockouts,
role changes."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    audit_record(by=user, action="login", obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(by=user, action="logout", obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="login_failed", actor_name=username or "（未知）", request=request
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        action="account_locked",
        actor_name=str(username or "")[:150] or "（未知）",
        reason="连续登录失败，账户或IP被临时锁定",
        ip=ip_address,
    )
