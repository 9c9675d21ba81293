"""Factories for test records: small functions with sensible defaults."""

import functools
import itertools

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from jiaotong.models import Enterprise, Matter, OrgUnit, User

TEST_PASSWORD = "Jiaotong#Test2023"
_seq = itertools.count(1)


@functools.cache
def _test_password_hash() -> str:
    # Argon2 costs ~100 ms: hash the shared test password once per run.
    return make_password(TEST_PASSWORD)


def make_unit(code, name=None, kind=OrgUnit.Kind.OFFICE, parent=None, **extra):
    return OrgUnit.objects.create(
        code=code, name=name or code, kind=kind, parent=parent, **extra
    )


def make_user(username=None, *, roles=(), unit=None, **extra) -> User:
    username = username or f"user{next(_seq)}"
    user = User.objects.create(
        username=username,
        full_name=extra.pop("full_name", username),
        unit=unit,
        password=_test_password_hash(),
        **extra,
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    if roles:
        enrol_second_factor(user)
    return user


def enrol_second_factor(user):
    """The cast's way through the second factor: a member whose role requires
    it has an authenticator enrolled, as after the real enrolment page
    (jiaotong.accounts.otp); the test client then verifies it at sign-in
    (tests/conftest.py) and browser tests type its current code
    (``current_code``). Returns the device, or None when not required."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiaotong.accounts.otp import TOTP_NAME, requires_second_factor

    user.__dict__.pop("_role_names", None)
    if not requires_second_factor(user):
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name=TOTP_NAME, confirmed=True
    )


def current_code(user) -> str:
    """What the user's authenticator shows right now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def make_matter(code=None, **extra) -> Matter:
    code = code or f"M{next(_seq):05d}"
    extra.setdefault("name", f"事项{code}")
    extra.setdefault("power_type", "行政许可")
    return Matter.objects.create(code=code, **extra)


def credit_code(body: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


def resident_id(body: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    from jiaotong.validators import resident_id_check_char

    return body + resident_id_check_char(body)


def make_enterprise(name=None, **extra) -> Enterprise:
    n = next(_seq)
    extra.setdefault("credit_code", credit_code(f"91411422MA{n:07d}"))
    extra.setdefault("industry", "出租汽车")
    return Enterprise.objects.create(name=name or f"企业{n}", **extra)
