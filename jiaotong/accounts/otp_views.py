"""Second-factor pages: enrol (QR code, recovery codes), verify, and the
安全管理员's reset on a user's page (rules in jiaotong.accounts.otp)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiaotong.accounts import otp
from jiaotong.accounts.models import User


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=16,
        help_text="身份验证器上的 6 位数字；手机丢失时可输入一个恢复码。",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


def _locked_out(request):
    if getattr(request, "axes_locked_out", False):
        logout(request)
        messages.error(request, "验证码连续输入错误，账户已被临时锁定，请稍后再登录。")
        return redirect("login")
    return None


def otp_setup(request):
    """绑定身份验证器: scan the QR code, type the first code, keep the recovery codes."""
    user = request.user
    if otp.confirmed_totp(user) is not None and user.is_verified():
        messages.info(request, "您已绑定身份验证器。如需更换，请联系安全管理员重置。")
        return redirect("home")
    if otp.confirmed_totp(user) is not None:
        return redirect("otp_verify")
    device = otp.pending_totp(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.otp_enrol_confirm(
            user=user, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            return render(
                request, "registration/otp_recovery_codes.html", {"codes": codes}
            )
        if (response := _locked_out(request)) is not None:
            return response
        form.add_error("token", "验证码不正确，请核对手机时间后重新输入。")
    context = {
        "form": form,
        "qr_svg": otp.qr_svg(device),
        "secret": _grouped(device),
        "required": otp.requires_second_factor(user),
    }
    return render(request, "registration/otp_setup.html", context)


def _grouped(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def otp_verify(request):
    """两步验证: the code from the authenticator (or a recovery code)."""
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    if request.user.is_verified():
        return redirect(target)
    if otp.confirmed_totp(request.user) is None:
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.otp_verify(
            user=request.user, token=form.cleaned_data["token"], request=request
        ):
            return redirect(target)
        if (response := _locked_out(request)) is not None:
            return response
        form.add_error("token", "验证码不正确。")
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": target}
    )


@require_POST
def user_otp_reset(request, pk):
    user = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    try:
        otp.user_otp_reset(
            user=user, by=request.user, reason=request.POST.get("reason", "")[:200]
        )
    except PermissionDenied:
        raise
    messages.success(
        request, f"已重置“{user.display_name}”的两步验证，其下次登录时需重新绑定。"
    )
    return redirect(user)
