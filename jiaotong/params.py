"""Configurable time limits and thresholds (RuleParameter, DOMAIN.md §10).

``get_param("hotline.reply_wd")`` gives the value in force today: the
administrators' ``RuleParameter`` row when there is one, else the statutory seed
value in ``DEFAULTS``. A rule that changes on a date gets a new row with
``effective_from``; deadlines computed for an earlier date keep the old value
when callers pass ``on=``.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)


class Seed(NamedTuple):
    value: Any
    unit: str
    basis: str


# DOMAIN.md §10 — the keys the domains read. `_wd` = working days.
SEEDS: dict[str, Seed] = {
    "license.notify_supplement_wd": Seed(5, "工作日", "《行政许可法》第三十二条"),
    "license.decide_wd": Seed(20, "工作日", "《行政许可法》第四十二条"),
    "license.extend_wd": Seed(10, "工作日", "《行政许可法》第四十二条"),
    "license.issue_cert_wd": Seed(10, "工作日", "《行政许可法》第四十四条"),
    "hotline.reply_wd": Seed(5, "工作日", "安阳市12345热线工作规范"),
    "hotline.extend_wd": Seed(5, "工作日", "安阳市12345热线工作规范"),
    "hotline.return_hours": Seed(24, "小时", "安阳市12345热线工作规范"),
    "publicity.license_penalty_wd": Seed(7, "工作日", "国办发〔2018〕118号；双公示"),
    "publicity.other_enforcement_wd": Seed(20, "工作日", "国办发〔2018〕118号"),
    "publicity.withdraw_wd": Seed(3, "工作日", "《行政处罚法》第四十八条"),
    "random.publish_wd": Seed(20, "工作日", "国发〔2019〕5号"),
    "random.min_inspectors": Seed(2, "人", "《行政处罚法》第四十二条"),
    "penalty.simple.max_fine.person": Seed(200, "元", "《行政处罚法》第五十一条"),
    "penalty.simple.max_fine.org": Seed(3000, "元", "《行政处罚法》第五十一条"),
    "penalty.onspot_collect.max": Seed(100, "元", "《行政处罚法》第六十八条"),
    "penalty.decision.days_from_filing": Seed(90, "日", "《行政处罚法》第六十条"),
    "penalty.hearing.request_wd": Seed(5, "工作日", "《行政处罚法》第六十四条"),
    "penalty.hearing.notice_wd": Seed(7, "工作日", "《行政处罚法》第六十四条"),
    "penalty.hearing.threshold.person": Seed(5000, "元", "河南省政府令第204号"),
    "penalty.hearing.threshold.org": Seed(50000, "元", "河南省政府令第204号"),
    "penalty.service_absent_wd": Seed(7, "工作日", "《行政处罚法》第六十一条"),
    "penalty.pay_days": Seed(15, "日", "《行政处罚法》第六十七条"),
    "penalty.surcharge_rate_per_day": Seed(
        Decimal("0.03"), "比例", "《行政处罚法》第七十二条（加处罚款不超过罚款数额）"
    ),
    "penalty.evidence_preserve_wd": Seed(7, "工作日", "《行政处罚法》第五十六条"),
    "penalty.limitation_years": Seed(2, "年", "《行政处罚法》第三十六条"),
}

DEFAULTS: dict[str, Any] = {key: seed.value for key, seed in SEEDS.items()}

_MISSING = object()


def _row_value(key: str, on: dt.date) -> str | None:
    from jiaotong.models import RuleParameter

    return (
        RuleParameter.objects.filter(key=key)
        .in_force_on(on)
        # The most recent rule in force wins; an undated row is the oldest.
        .order_by(F("effective_from").desc(nulls_last=True), "-id")
        .values_list("value", flat=True)
        .first()
    )


def get_param(key: str, *, on: dt.date | None = None, default=None, cast=int):
    """The value of ``key`` in force on ``on`` (today by default), cast by ``cast``.

    Falls back to ``default`` when given, else to ``DEFAULTS[key]``; an unknown
    key without a default is a programming error (``KeyError``). A stored value
    that ``cast`` cannot read is logged and the fallback used, so a typing slip
    in the admin never breaks a page; the admin form refuses such values anyway.
    """
    if isinstance(on, dt.datetime):
        on = timezone.localdate(on) if timezone.is_aware(on) else on.date()
    on = on or timezone.localdate()
    fallback = default if default is not None else DEFAULTS.get(key, _MISSING)
    stored = _row_value(key, on)
    if stored is not None:
        try:
            return cast(stored.strip()) if cast else stored
        except (TypeError, ValueError, ArithmeticError):
            logger.warning("RuleParameter %s=%r is not a valid value", key, stored)
    if fallback is _MISSING:
        raise KeyError(f"unknown rule parameter {key!r} and no default given")
    return cast(fallback) if cast else fallback


def clean_param_value(key: str, value: str) -> str:
    """Refuse a stored value that the key's seed type cannot read (admin form)."""
    from django.core.exceptions import ValidationError

    seed = SEEDS.get(key)
    if seed is None:
        return value
    kind = type(seed.value)
    try:
        kind(value.strip())
    except (TypeError, ValueError, ArithmeticError):
        expected = "整数" if kind is int else "数值"
        raise ValidationError(
            "参数“%(key)s”的取值应为%(expected)s。",
            params={"key": key, "expected": expected},
        ) from None
    return value.strip()


@transaction.atomic
def rule_parameters_seed(*, by=None) -> int:
    """Create an undated row for every seeded key that has none yet, so that the
    administrators see and can adjust each parameter. Returns how many were made."""
    from jiaotong.audit.services import audit_record
    from jiaotong.models import RuleParameter

    existing = set(RuleParameter.objects.values_list("key", flat=True))
    created = 0
    for key, seed in SEEDS.items():
        if key in existing:
            continue
        row = RuleParameter.objects.create(
            key=key, value=str(seed.value), unit=seed.unit, basis=seed.basis
        )
        audit_record(by=by, action="rule_parameter_seed", obj=row, to_state=row.value)
        created += 1
    return created
