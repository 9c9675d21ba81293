"""Second factor (MLPS level 3 asks for two): TOTP via django-otp.

- Required for every account holding an administrator role or 局领导
  (``requires_second_factor``); optional for everyone else, who may enrol on the
  same page.
- Enrolment shows a QR code rendered on the server (SVG, no third-party
  service sees the secret) and, once the first code checks out, ten one-time
  recovery codes (django-otp's static tokens), shown once.
- A wrong code counts like a failed login of the account (django-axes), so the
  sixth guess meets the account lockout; every verification and failure is
  audited.
- Only the 安全管理员 resets someone's second factor (lost phone), never their
  own; the reset ends the holder's sessions and is audited.

``SecondFactorMiddleware`` holds signed-in users on the enrolment or code page
until their session is verified; there is no switch to turn it off.
"""

from __future__ import annotations

import io
import re

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaotong import roles
from jiaotong.audit.services import audit_record

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"
PURPOSE = "second_factor"
# Pages a signed-in but unverified user may still open.
OPEN_URL_NAMES = {"otp_setup", "otp_verify", "logout", "login", "admin_login_redirect"}


def requires_second_factor(user) -> bool:
    return roles.has_role(user, *roles.ADMIN_ROLES, roles.ROLE_LEADER)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled (created unconfirmed on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name=TOTP_NAME, confirmed=False
    )


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (server-generated markup from
    our own secret, never user input)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]
    # Millimetre sizes print well but render tiny: let the page size it.
    svg = re.sub(
        r'width="[^"]*" height="[^"]*"', 'width="200" height="200"', svg, count=1
    )
    return mark_safe(svg)  # noqa: S308  (our own SVG from our own secret, no input)


@transaction.atomic
def otp_enrol_confirm(*, user, token: str, request) -> list[str] | None:
    """Confirm the pending device with its first code; on success verify this
    session, issue fresh recovery codes and return them (None: wrong code)."""
    device = TOTPDevice.objects.select_for_update().get(pk=pending_totp(user).pk)
    if not device.verify_token(_digits(token)):
        _failed(user, request, "绑定身份验证器时验证码错误")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        recovery.token_set.create(token=code)
    otp_login(request, device)
    audit_record(
        by=user,
        action="otp_enrol",
        obj=user,
        request=request,
        reason=f"绑定身份验证器，发放 {RECOVERY_CODES} 个恢复码",
    )
    return codes


def otp_verify(*, user, token: str, request) -> bool:
    """Check a code from the authenticator, or a one-time recovery code."""
    token = (token or "").strip().replace(" ", "")
    device = confirmed_totp(user)
    if device is not None and device.verify_token(_digits(token)):
        otp_login(request, device)
        audit_record(by=user, action="otp_verify", obj=user, request=request)
        return True
    for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery.verify_token(token.lower()):  # consumes the code
            otp_login(request, recovery)
            left = recovery.token_set.count()
            audit_record(
                by=user,
                action="otp_verify",
                obj=user,
                request=request,
                reason=f"使用恢复码（剩余 {left} 个）",
            )
            return True
    _failed(user, request, "两步验证码错误")
    return False


def _digits(token: str) -> str:
    token = (token or "").strip().replace(" ", "")
    return token if token.isascii() and token.isdigit() and len(token) <= 8 else ""


def _failed(user, request, reason: str) -> None:
    # Counted by django-axes like a failed login (the account lockout) and
    # audited by jiaotong.accounts.signals.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "purpose": PURPOSE},
        request=request,
    )


@transaction.atomic
def user_otp_reset(*, user, by, reason: str = "") -> int:
    """Remove someone's authenticator and recovery codes (lost phone): they
    enrol again at their next sign-in. Only the 安全管理员, never for themself."""
    from jiaotong.accounts.services import user_end_sessions

    if by is not None:
        if not roles.has_role(by, roles.ROLE_SECURITY_ADMIN):
            raise PermissionDenied("只有安全管理员可以重置两步验证。")
        if by.pk == user.pk:
            raise PermissionDenied("安全管理员不能重置自己的两步验证。")
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    ended = user_end_sessions(user=user)
    audit_record(
        by=by,
        action="otp_reset",
        obj=user,
        reason=reason or "重置两步验证",
        changes={"devices_removed": removed, "sessions_ended": ended},
    )
    return removed


class SecondFactorMiddleware:
    """Signed-in users whose role requires a second factor, or who enrolled one,
    reach nothing but the enrolment/verification pages until this session is
    verified. Placed after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not self._open(request)
        ):
            if confirmed_totp(user) is not None:
                target = reverse("otp_verify")
                return redirect(
                    f"{target}?{urlencode({'next': request.get_full_path()})}"
                )
            if requires_second_factor(user):
                return redirect("otp_setup")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        try:
            return resolve(request.path_info).url_name in OPEN_URL_NAMES
        except Resolver404:
            return False
