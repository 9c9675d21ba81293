"""Records the licensing tests share: window matters and a quick intake helper."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from licensing.services import application_receive
from tests.factories import make_matter
from tests.factories import resident_id as make_resident_id

_ids = itertools.count(1)


def resident_id(birth: str = "19900101") -> str:
    """A valid resident ID of 睢县 (411422) with a fresh sequence number."""
    return make_resident_id(f"411422{birth}{next(_ids) % 1000:03d}")


def local(year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(
        year, month, day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def licensing_matter(db):
    return make_matter(
        "XK-TEST-1",
        name="道路运输经营许可",
        power_type="行政许可",
        promised_limit_days=5,
        statutory_limit_days=20,
    )


@pytest.fixture
def commit_matter(db):
    return make_matter(
        "XK-TEST-2",
        name="道路货物运输经营许可",
        power_type="行政许可",
        promised_limit_days=3,
        statutory_limit_days=20,
        notify_commit=True,
    )


@pytest.fixture
def service_matter(db):
    return make_matter(
        "GG-TEST-1",
        name="道路运输证配发",
        power_type="公共服务",
        promised_limit_days=1,
    )


@pytest.fixture
def receive(clerk):
    """receive(matter, **overrides) -> a new application logged by the clerk."""

    def _receive(matter, *, by=None, **extra):
        extra.setdefault("applicant_name", "张三")
        extra.setdefault("applicant_type", "自然人")
        extra.setdefault("applicant_id_number", resident_id())
        extra.setdefault("applicant_phone", "13812345678")
        return application_receive(matter=matter, by=by or clerk, **extra)

    return _receive
