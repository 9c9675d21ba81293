"""Session lifetime and cache headers."""

import time

from django.conf import settings
from django.contrib.auth import logout

_TOUCH_EVERY = 60  # seconds: write the session at most once a minute (QUALITY.md)


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_SECONDS idle or SESSION_ABSOLUTE_SECONDS in all.

    The idle clock is stored in the session and refreshed at most once a minute,
    so requests do not all write the session table.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get("_started_at")
            seen = session.get("_seen_at")
            if started is None:
                session["_started_at"] = started = now
            if seen is None:
                seen = now
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                from jiaotong.audit import audit_record

                audit_record(
                    by=user,
                    action="session_expired",
                    reason="空闲超时" if idle else "会话超过最长时限",
                    request=request,
                )
                logout(request)
                request.session["_expired"] = True
            elif now - seen >= _TOUCH_EVERY or "_seen_at" not in session:
                session["_seen_at"] = now
        return self.get_response(request)


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
