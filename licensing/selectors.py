"""Reads for the service window: lists, the queue, the timeline, the catalog."""

from __future__ import annotations

import datetime as dt
import functools

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from jiaotong.calendar.workdays import cached_working_days_after
from jiaotong.filters import every_word
from jiaotong.models import AuditEvent, Enterprise, Matter, MatterChange
from jiaotong.registry.models import MatterSource, PowerType

from .models import (
    OPEN_STATES,
    RUNNING_STATES,
    WINDOW_POWER_TYPES,
    ApplicantType,
    Application,
)
from .rules import YELLOW_DAYS

RED, YELLOW = "red", "yellow"


def with_deadline_state(queryset, today: dt.date | None = None):
    """Annotate ``deadline_state``: "red" when a running application is past its
    promised due date, "yellow" when 2 working days or fewer are left, else "".
    The yellow threshold is computed once, so the list stays one query."""
    today = today or timezone.localdate()
    warn_until = (cached_working_days_after(today, YELLOW_DAYS) or [today])[-1]
    running = Q(status__in=RUNNING_STATES, due_date__isnull=False)
    return queryset.annotate(
        deadline_state=Case(
            When(running & Q(due_date__lt=today), then=Value(RED)),
            When(running & Q(due_date__lte=warn_until), then=Value(YELLOW)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def overdue_filter(today: dt.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status__in=RUNNING_STATES, due_date__lt=today)


def application_list(user):
    """The window list: the user's visible applications with what rows show."""
    return with_deadline_state(
        Application.objects.visible_to(user).select_related("matter", "clerk", "unit")
    )


def matter_filter_search(query: str, limit: int = 30) -> list[Matter]:
    """The list's 事项 filter: window matters, repealed ones included (older
    applications name them), whose code or name holds every word typed."""
    matters = Matter.objects.filter(
        every_word(query, "code", "name"), power_type__in=WINDOW_POWER_TYPES
    )
    return list(matters.only("id", "code", "name").order_by("code")[:limit])


def application_queue(user):
    """我的待办: the clerk's own open applications, the most urgent first."""
    return with_deadline_state(
        Application.objects.visible_to(user)
        .filter(clerk=user, status__in=OPEN_STATES)
        .select_related("matter", "clerk", "unit")
        .order_by("due_date", "received_at", "id")
    )


def applicant_known(user, number: str) -> dict | None:
    """What the registries know of the applicant behind an ID number or credit
    code: ``{"name", "type", "phone", "enterprise"}`` from 企业名录 (a credit
    code on file) or else from the applicant's latest visible application; None
    when neither knows it. The phone is for the server (pages show it masked)."""
    number = (number or "").strip().upper()
    if len(number) != 18:
        return None
    enterprise = Enterprise.objects.visible_to(user).filter(credit_code=number).first()
    earlier = applicant_last_details(user, number)
    if enterprise is not None:
        return {
            "name": enterprise.name,
            "type": ApplicantType.ORGANISATION,
            "phone": enterprise.phone
            or (earlier["applicant_phone"] if earlier else ""),
            "enterprise": enterprise,
        }
    if earlier is not None:
        return {
            "name": earlier["applicant_name"],
            "type": earlier["applicant_type"],
            "phone": earlier["applicant_phone"],
            "enterprise": None,
        }
    return None


def applicant_last_details(user, id_number: str) -> dict | None:
    """The applicant's details from their latest visible application (intake
    form pre-fill), or None. Full values, for the server only: the intake page
    shows the phone masked (the look-up is not an audited reveal) and the
    intake view reuses the number on file when the clerk leaves it empty."""
    row = (
        Application.objects.visible_to(user)
        .filter(applicant_id_number=id_number)
        .order_by("-received_at", "-id")
        .values("applicant_name", "applicant_type", "applicant_phone")
        .first()
    )
    return row


ACTION_LABELS = {
    "application_receive": "收件登记",
    "application_import": "数据导入",
    "application_supplement": "一次性告知补正",
    "application_accept": "受理",
    "application_reject": "不予受理",
    "application_review": "开始审查",
    "application_pause": "暂停计时",
    "application_resume": "恢复计时",
    "application_approve": "准予许可",
    "application_deny": "不予许可",
    "application_complete": "办结",
    "application_withdraw": "申请人撤回",
    "application_revoke": "撤销许可",
    "application_overdue": "超期标记",
    "application_evaluate": "录入评价",
    "application_commitment_check": "告知承诺核查",
    "application_rectification_visit": "差评回访",
    "application_reveal_id": "查看完整证件号码",
}


def application_timeline(application: Application) -> list[AuditEvent]:
    """The application's audit events, oldest first, with Chinese labels."""
    status_labels = dict(Application.Status.choices)
    events = list(AuditEvent.objects.for_object(application).order_by("id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = status_labels.get(event.from_state, "")
        event.to_label = status_labels.get(event.to_state, "")
    return events


def latest_year_with_applications(user) -> int | None:
    """The local year of the latest application the user may see, or None."""
    latest = (
        Application.objects.visible_to(user)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    return timezone.localtime(latest).year if latest else None


def window_matters(day: dt.date | None = None):
    """Matters an application may be filed under on ``day``."""
    day = day or timezone.localdate()
    return (
        Matter.objects.filter(power_type__in=WINDOW_POWER_TYPES)
        .in_force_on(day)
        .order_by("code")
    )


# Short forms clerks type for words of the matter names (简称 → the name's words).
# A query equal to a key, or to the key's pinyin (full or initials), also
# searches for its expansions: "货运", "huoyun" and "hy" all find 货物运输.
MATTER_SYNONYMS = {
    "货运": ("货物运输",),
    "客运": ("旅客运输", "客运"),
    "出租": ("出租汽车",),
    "出租车": ("出租汽车",),
    "网约车": ("网络预约出租汽车",),
    "驾培": ("驾驶员培训",),
    "危货": ("危险货物",),
    "危运": ("危险货物运输",),
    "公交": ("公共汽车", "公交"),
    "从业证": ("从业资格证",),
    "运输证": ("道路运输证", "运输证"),
}

# Points a term scores by where it matched; ties go to the busier matter. A
# short form counts as the words it stands for: "客运" finds 客运班车… and
# 道路旅客运输… alike, and the window's usage decides between them.
_EXACT_CODE, _CODE, _NAME, _INITIALS, _FULL_PINYIN = 1000, 400, 100, 60, 50


@functools.lru_cache(maxsize=4096)
def _pinyin(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of ``text``, lower case, without separators."""
    return (
        "".join(lazy_pinyin(text)).lower(),
        "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower(),
    )


def _expansions(term: str) -> tuple[str, ...]:
    """The name words a short form stands for (by characters or by pinyin)."""
    found: list[str] = []
    for short, words in MATTER_SYNONYMS.items():
        full, initials = _pinyin(short)
        if term in (short, full, initials):
            found.extend(words)
    return tuple(found)


def _term_score(term: str, matter: Matter) -> int:
    code = matter.code.lower()
    if term == code:
        return _EXACT_CODE
    if term in code:
        return _CODE
    name = matter.name.lower()
    if term in name or any(word in name for word in _expansions(term)):
        return _NAME
    if term.isascii() and term.isalnum():
        full, initials = _pinyin(matter.name)
        if term in initials or term in (matter.pinyin_initials or "").lower():
            return _INITIALS
        if term in full:
            return _FULL_PINYIN
    return 0


def matter_usage(matter_ids) -> dict[int, int]:
    """How many applications the window has logged under each matter."""
    return dict(
        Application.objects.filter(matter_id__in=matter_ids)
        .values_list("matter_id")
        .annotate(n=Count("pk"))
        .values_list("matter_id", "n")
    )


def matter_search(query: str, day: dt.date | None = None, limit: int = 20):
    """Search-as-you-type for the intake form: exact or partial code, words of
    the name, pinyin (full or initials) and the window's short forms (货运,
    客运, 出租, 驾培). Every word typed must match; the best kind of match comes
    first, then the matter the window uses most. Without a query: the matters
    the window uses most. The window list is ~150 matters, so they are scored
    here rather than by a dozen OR-ed LIKEs."""
    terms = (query or "").strip().lower().split()
    matters = list(window_matters(day))
    scored = []
    for matter in matters:
        scores = [_term_score(term, matter) for term in terms]
        if all(scores):
            scored.append((sum(scores), matter))
    usage = matter_usage([m.pk for _, m in scored])
    scored.sort(key=lambda sm: (-sm[0], -usage.get(sm[1].pk, 0), sm[1].code))
    return [matter for _, matter in scored[:limit]]


def power_catalog(day: dt.date | None = None) -> dict:
    """The power list in force on ``day`` by power type, and its dated adjustments."""
    day = day or timezone.localdate()
    counts = dict(
        Matter.objects.in_force_on(day)
        .values_list("power_type")
        .annotate(n=Count("pk"))
        .values_list("power_type", "n")
    )
    groups = [
        {"power_type": value, "label": label, "count": counts.get(value, 0)}
        for value, label in PowerType.choices
    ]
    powers_total = sum(
        g["count"] for g in groups if g["power_type"] != PowerType.PUBLIC_SERVICE
    )
    delegated = (
        Matter.objects.in_force_on(day)
        .filter(
            power_type=PowerType.LICENSING,
            source__in=[MatterSource.PROVINCE, MatterSource.CITY],
        )
        .count()
    )
    kinds = dict(MatterChange.Kind.choices)
    summary = [
        {"year": year, "kind": kinds.get(kind, kind), "count": n}
        for year, kind, n in MatterChange.objects.annotate(
            year=ExtractYear("effective_on")
        )
        .values_list("year", "kind")
        .annotate(n=Count("matter", distinct=True))
        .order_by("-year", "kind")
    ]
    changes = MatterChange.objects.select_related("matter").order_by(
        "-effective_on", "-id"
    )
    return {
        "day": day,
        "groups": groups,
        "powers_total": powers_total,
        "delegated": delegated,
        "summary": summary,
        "changes": changes,
    }


# --- Dashboard ---------------------------------------------------------------------

COMPOSITION_SLICES = 8


def monthly_trend(year: int, org=None) -> list[dict]:
    """Applications received and completed (window.completed) per month of
    ``year``: ``[{"month": 1, "received": n, "completed": m}, ...]``, 12 rows
    (from the window's rollups when they are current)."""
    from .indicators import COMPLETED, RECEIVED

    got = RECEIVED.by_month(year, org)
    done = COMPLETED.by_month(year, org)
    return [
        {
            "month": m,
            "received": got.get(m, {}).get("received", 0),
            "completed": done.get(m, {}).get("completed", 0),
        }
        for m in range(1, 13)
    ]


def completed_composition(year: int, org=None) -> list[dict]:
    """window.completed of ``year`` by matter, the largest first, the tail
    folded into 其他事项: ``[{"label", "count"}, ...]``."""
    from .indicators import COMPLETED_BY_MATTER

    rows = sorted(
        (
            (counts["n"], name)
            for name, counts in COMPLETED_BY_MATTER.by_part(year, org).items()
            if counts["n"]
        ),
        key=lambda row: (-row[0], row[1]),
    )
    head = [{"label": name, "count": n} for n, name in rows[:COMPOSITION_SLICES]]
    rest = sum(n for n, _ in rows[COMPOSITION_SLICES:])
    if rest:
        head.append({"label": "其他事项", "count": rest})
    return head


def overdue_applications(user):
    """Running applications past their promised due date that ``user`` may see
    (the window list's 超期 = 是 filter, so the count matches that list)."""
    return (
        Application.objects.visible_to(user)
        .filter(overdue_filter())
        .select_related("matter")
        .order_by("due_date", "received_at", "id")
    )
