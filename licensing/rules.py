"""The window's fixed rules that reads and writes both need (DOMAIN.md §3):
time limits in working days, which results count as decided, and which matters
end in a decision. Selectors, indicators, the workflow table and the services
read them from here, so no read imports a write."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from jiaotong.calendar.workdays import add_working_days
from jiaotong.registry.models import PowerType

from .models import Application, Result

SUPPLEMENT_NOTICE_DAYS = 5  # 一次性告知 within 5 working days (ALL art. 32(4))
COMMITMENT_CHECK_DAYS = 20  # working days after approval to verify a commitment
YELLOW_DAYS = 2  # "≤ 2 working days left" marks an application yellow
FINAL_RESULTS = (Result.APPROVED, Result.DENIED, Result.DONE)


def needs_decision(matter) -> bool:
    """Licensing and the other powers end in a decision; public services do not."""
    return matter.power_type != PowerType.PUBLIC_SERVICE


def supplement_deadline(application: Application) -> dt.date:
    """Last day on which the applicant may be told to supplement (5 working days)."""
    received = timezone.localdate(application.received_at)
    return add_working_days(received, SUPPLEMENT_NOTICE_DAYS)


def default_remedies() -> str:
    """The remedies a decision against the applicant states (行政复议, 行政诉讼)."""
    county = settings.JIAOTONG_COUNTY_NAME
    return (
        f"如不服本决定，可以自收到本决定书之日起六十日内向{county}人民政府申请"
        "行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )
