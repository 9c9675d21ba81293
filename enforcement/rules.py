"""The statutory rules a penalty case is checked against (DOMAIN.md §4): the
simplified-procedure limits, the officers' qualification, hearing rights, the
legal-review catalogue and the discretion benchmark. Each function answers with
Chinese reasons (empty when the rule holds), so guards, services and screens
say the same thing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jiaotong.calendar.params import get_param

from .models import (
    SIMPLE_PENALTIES,
    LegalReview,
    Officer,
    PartyType,
    PenaltyCase,
    PenaltyType,
    Procedure,
    ReviewRule,
)

MIN_OFFICERS = 2  # APL arts. 42, 55: at least two officers

# Penalties that carry the right to a hearing whatever the amount (APL art. 63).
HEARING_PENALTIES = (
    PenaltyType.CONFISCATE_GAINS,
    PenaltyType.CONFISCATE_PROPERTY,
    PenaltyType.DOWNGRADE,
    PenaltyType.REVOKE_LICENCE,
    PenaltyType.SUSPEND_BUSINESS,
    PenaltyType.CLOSE_DOWN,
    PenaltyType.RESTRICT_PRACTICE,
)


def today() -> dt.date:
    return timezone.localdate()


def simple_procedure_problems(
    *, party_type: str, penalty_types: list[str], fine: Decimal, on: dt.date
) -> list[str]:
    """APL art. 51: warning, or a fine ≤ 200 yuan (person) / 3,000 (organisation)."""
    problems = []
    others = [p for p in penalty_types if p not in SIMPLE_PENALTIES]
    if others:
        problems.append(
            f"简易程序只能给予警告或罚款，不能给予{'、'.join(others)}，请适用普通程序。"
        )
    if party_type == PartyType.PERSON:
        limit = get_param("penalty.simple.max_fine.person", on=on)
        who = "公民"
    else:
        limit = get_param("penalty.simple.max_fine.org", on=on)
        who = "法人或者其他组织"
    if fine > limit:
        problems.append(
            f"简易程序对{who}的罚款不得超过{limit}元（拟罚款{fine:.0f}元），"
            "请适用普通程序。"
        )
    return problems


def officer_problems(case: PenaltyCase, on: dt.date | None = None) -> list[str]:
    """Every officer on the case must hold a valid certificate on the day; the
    general procedure needs at least two such officers (DOMAIN.md §4.9)."""
    on = on or today()
    officers = list(
        case.officers.select_related("user").prefetch_related("certificates")
    )
    problems = []
    qualified = []
    for officer in officers:
        if any(c.is_valid_on(on) for c in officer.certificates.all()):
            qualified.append(officer)
        else:
            problems.append(f"{officer}在{on:%Y-%m-%d}没有有效的执法证，不能办理案件。")
    needed = MIN_OFFICERS if case.procedure == Procedure.GENERAL else 1
    if len(qualified) < needed:
        problems.append(
            f"{case.get_procedure_display()}须由至少{needed}名持有效执法证的执法人员办理"
            f"（当前{len(qualified)}名）。"
        )
    return problems


def qualified_officers(on: dt.date | None = None):
    return Officer.objects.qualified_on(on or today()).select_related("user")


def hearing_right(case: PenaltyCase) -> bool:
    """Whether the notice must tell the party of the right to a hearing (APL art.
    63; 较大数额 per 河南省政府令第204号, configurable)."""
    if any(p in HEARING_PENALTIES for p in case.penalty_type_list):
        return True
    key = (
        "penalty.hearing.threshold.person"
        if case.party_type == PartyType.PERSON
        else "penalty.hearing.threshold.org"
    )
    return case.fine >= get_param(key)


def hearing_request_deadline(case: PenaltyCase) -> dt.date | None:
    from jiaotong.calendar.workdays import add_working_days

    if case.notified_at is None:
        return None
    return add_working_days(
        timezone.localdate(case.notified_at), get_param("penalty.hearing.request_wd")
    )


def benchmark_departure(case: PenaltyCase) -> str:
    """Why the fine lies outside the chosen benchmark range ('' when inside)."""
    item = case.discretion_item
    if item is None or PenaltyType.FINE not in case.penalty_type_list:
        return ""
    if item.fine_min is not None and case.fine < item.fine_min:
        return f"罚款低于裁量基准下限{item.fine_min:.0f}元"
    if item.fine_max is not None and case.fine > item.fine_max:
        return f"罚款高于裁量基准上限{item.fine_max:.0f}元"
    return ""


def review_reasons(case: PenaltyCase) -> list[str]:
    """The entries of the review catalogue this case matches, plus a departure
    from the discretion benchmark (which forces review, DOMAIN.md §4.10)."""
    reasons = []
    held_hearing = case.hearings.filter(status="held").exists()
    for rule in ReviewRule.objects.filter(active=True):
        if rule.kind == ReviewRule.Kind.FINE:
            if (
                not rule.party_type or rule.party_type == case.party_type
            ) and case.fine >= rule.fine_threshold:
                reasons.append(rule.name)
        elif rule.kind == ReviewRule.Kind.PENALTY:
            if rule.penalty_type in case.penalty_type_list:
                reasons.append(rule.name)
        elif rule.kind == ReviewRule.Kind.HEARING:
            if held_hearing:
                reasons.append(rule.name)
        elif rule.kind == ReviewRule.Kind.COMPLEX and case.is_complex:
            reasons.append(rule.name)
    departure = benchmark_departure(case)
    if departure:
        reasons.append(f"{departure}（偏离裁量基准）")
    return reasons


def latest_review(case: PenaltyCase) -> LegalReview | None:
    return case.reviews.order_by("-submitted_at", "-id").first()


def review_passed(case: PenaltyCase) -> bool:
    review = latest_review(case)
    return review is not None and review.result == LegalReview.Result.AGREE


def decision_problems(case: PenaltyCase, on: dt.date | None = None) -> list[str]:
    """Every reason a penalty decision may not be made now (DOMAIN.md §4.3)."""
    on = on or today()
    problems = []
    if case.procedure == Procedure.SIMPLE:
        problems += simple_procedure_problems(
            party_type=case.party_type,
            penalty_types=case.penalty_type_list,
            fine=case.fine,
            on=on,
        )
    else:
        if case.notified_at is None:
            problems.append(
                "未经事先告知（告知拟处罚的事实、理由、依据及陈述申辩、听证权利），"
                "不得作出处罚决定。"
            )
        if case.hearings.filter(status__in=["requested", "scheduled"]).exists():
            problems.append("当事人已申请听证，听证举行或放弃前不得作出处罚决定。")
        if review_reasons(case) and not review_passed(case):
            problems.append(
                "本案属于法制审核目录范围，未经法制审核或审核未通过，不得作出决定。"
            )
        if case.is_complex and case.discussed_at is None:
            problems.append("情节复杂或重大违法案件须经负责人集体讨论决定。")
    if not case.penalty_type_list:
        problems.append("请先确定处罚种类。")
    if PenaltyType.FINE in case.penalty_type_list and case.fine <= 0:
        problems.append("处罚种类含罚款时，罚款金额应大于0。")
    if benchmark_departure(case) and not case.discretion_departure_reason.strip():
        problems.append(f"{benchmark_departure(case)}，须书面说明理由。")
    problems += officer_problems(case, on)
    return problems
