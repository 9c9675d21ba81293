"""Password rules (QUALITY.md) and the login-lockout limits."""

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

_CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "符号"),
]


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        held = sum(1 for pattern, _ in _CLASSES if pattern.search(password))
        if held < self.min_classes:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。",
                code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self):
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class NotUsernameValidator:
    """The password must not contain the username (either way round)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if username and (username in password.lower() or password.lower() in username):
            raise ValidationError("密码不能包含用户名。", code="password_has_username")

    def get_help_text(self):
        return "不能包含用户名。"


class PasswordHistoryValidator:
    """The new password must differ from the current one and the last ``history``."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(
            user.password_history.values_list("password", flat=True)[: self.history]
        )
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                "新密码不能与最近 %(n)d 次使用过的密码相同。",
                code="password_reused",
                params={"n": self.history},
            )

    def password_changed(self, password, user=None):
        """Keep the new hash so later changes can be compared with it."""
        if user is None or user.pk is None or not user.password:
            return
        from django.utils import timezone

        from jiaotong.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        stale = user.password_history.values_list("pk", flat=True)[self.history :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能与最近 {self.history} 次使用过的密码相同。"


def axes_failure_limit(request, credentials) -> int:
    """django-axes calls this for each lockout parameter set.

    The account limit (5) applies to the username; failures counted by IP alone
    use the higher per-IP limit so one office behind one address is not locked
    out by a single colleague, while a password spray from one host is.
    """
    # Axes asks with the credentials of the attempt; the IP counter is compared
    # against the larger figure, the username counter against the account limit.
    return settings.AXES_ACCOUNT_FAILURE_LIMIT
