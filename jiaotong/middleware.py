"""Session lifetime and cache headers."""

import time

from django.conf import settings
from django.contrib.auth import logout

_TOUCH_EVERY = 60  # seconds: write the session at most once a minute (QUALITY.md)

# Session keys: when the signed-in session began, when it was last seen, and the
# flag that makes the login page say why the user was signed out.
STARTED_AT = "_started_at"
SEEN_AT = "_seen_at"
EXPIRED = "_expired"


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_SECONDS idle or SESSION_ABSOLUTE_SECONDS in all.

    The clocks live in the session. The idle clock is refreshed at most once a
    minute, so requests do not all write the session table. An expired session
    is ended on the server (``logout`` deletes the row) and the fresh anonymous
    session carries a flag for the login page's "会话已超时" notice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A login in this very request starts both clocks.
            now = int(time.time())
            request.session.setdefault(STARTED_AT, now)
            request.session.setdefault(SEEN_AT, now)
        return response

    def _check(self, request) -> None:
        now = int(time.time())
        session = request.session
        started = session.setdefault(STARTED_AT, now)
        seen = session.get(SEEN_AT, now)
        idle = now - seen > settings.SESSION_IDLE_SECONDS
        too_old = now - started > settings.SESSION_ABSOLUTE_SECONDS
        if idle or too_old:
            # Read by the logout audit receiver (jiaotong.accounts.signals).
            request.logout_reason = "空闲超时" if idle else "会话超过最长时限"
            logout(request)
            request.session[EXPIRED] = True
        elif now - seen >= _TOUCH_EVERY or SEEN_AT not in session:
            session[SEEN_AT] = now


class PasswordChangeRequiredMiddleware:
    """Someone signed in with a temporary password (set by an administrator) may
    only change it or sign out; every other page redirects to the password page."""

    allowed = (
        "password_change",
        "password_change_done",
        "logout",
        "login",
        "otp_setup",
        "otp_verify",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._allowed(request)
        ):
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.warning(request, "您正在使用管理员设置的临时密码，请先修改密码。")
            return redirect("password_change")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in self.allowed


class NoStoreMiddleware:
    """Pages for signed-in users carry personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "Cache-Control" not in response
        ):
            response["Cache-Control"] = "no-store"
        return response
