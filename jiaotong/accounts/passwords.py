"""Password rules (QUALITY.md) and the per-IP login limit."""

import re

from axes.helpers import get_cache_timeout
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
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
    """The password must not be the username, nor contain it.

    Containment is checked for usernames of three or more characters: a two-letter
    name such as "li" occurs inside too many ordinary words to be a useful rule.
    """

    min_contained = 3

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if not username:
            return
        lowered = password.lower()
        if lowered == username or (
            len(username) >= self.min_contained
            and (username in lowered or lowered in username)
        ):
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

        from jiaotong.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        user.password_changed_at = timezone.now()
        type(user).objects.filter(pk=user.pk).update(
            password_changed_at=user.password_changed_at
        )
        stale = user.password_history.values_list("pk", flat=True)[self.history :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能与最近 {self.history} 次使用过的密码相同。"


# --- Per-IP login limit ------------------------------------------------------------
# django-axes counts failures per account (AXES_LOCKOUT_PARAMETERS = ["username"],
# AXES_FAILURE_LIMIT = 5). Axes compares every counter with one limit, so the
# higher per-IP limit lives here: a counter in the cache, bumped on every failed
# login from an address and checked by the login view *before* authentication,
# so a locked address never reaches the password hasher. With several server
# processes the cache must be shared (REDIS_CACHE_URL); with the local-memory
# cache each process counts on its own.

_IP_COUNT_KEY = "login-ip-failures:{}"
_IP_LOCK_KEY = "login-ip-locked:{}"


def username_exists(username: str) -> bool:
    """Whether a sign-in name belongs to an account (the lookup ModelBackend makes)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return model._default_manager.filter(
        **{model.USERNAME_FIELD: username or ""}
    ).exists()


def ip_is_locked(ip: str | None) -> bool:
    """True while ``ip`` is locked out after too many failed logins."""
    if not ip:
        return False
    return cache.get(_IP_LOCK_KEY.format(ip)) is not None


def ip_login_failed(ip: str | None) -> bool:
    """Count one failed login from ``ip``; True when this failure locks the address.

    Failures count within a window of AXES_COOLOFF_TIME from the first one; the
    AXES_IP_FAILURE_LIMIT-th locks the address for AXES_COOLOFF_TIME.
    """
    if not ip:
        return False
    key = _IP_COUNT_KEY.format(ip)
    window = get_cache_timeout()  # AXES_COOLOFF_TIME in seconds
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    if count < settings.AXES_IP_FAILURE_LIMIT:
        return False
    cache.delete(key)
    # add() is atomic: of two concurrent failures only one reports the new lock.
    return cache.add(_IP_LOCK_KEY.format(ip), True, timeout=window)
