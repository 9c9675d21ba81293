"""Reads for the governance registers. Every list starts from the model's
``visible_to(user)``; children are read through their parent."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiaotong.models import OrgUnit, User
from jiaotong.registry.selectors import audit_timeline

from . import indicators
from .models import (
    Campaign,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Petition,
    Suggestion,
    TrainingSession,
)

DUE_SOON_DAYS = 15  # a reply due within this many days is marked 即将到期


def suggestion_list(user) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.visible_to(user)
        .select_related("unit")
        .annotate(contact_count=Count("contacts", distinct=True))
        .order_by("-assigned_on", "-id")
    )


def suggestions_due(user, *, today: dt.date | None = None) -> QuerySet[Suggestion]:
    """Replies owed within DUE_SOON_DAYS (or already late), soonest first."""
    today = today or timezone.localdate()
    return (
        Suggestion.objects.visible_to(user)
        .due_by(today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("unit")
        .order_by("due_date", "id")
    )


def suggestions_overdue(user, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        Suggestion.objects.visible_to(user)
        .overdue_on(today)
        .select_related("unit")
        .order_by("due_date", "id")
    )


def document_list(user) -> QuerySet[NormativeDocument]:
    return (
        NormativeDocument.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            step_count=Count("steps", distinct=True),
            review_count=Count("reviews", distinct=True),
        )
        .order_by("-published_on", "-id")
    )


def documents_in_force(*, day: dt.date | None = None) -> QuerySet[NormativeDocument]:
    """The public list: documents in force on ``day`` (no personal data)."""
    day = day or timezone.localdate()
    return (
        NormativeDocument.objects.filter(
            status=NormativeDocument.Status.IN_FORCE, effective_from__lte=day
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
        .select_related("unit")
        .order_by("-published_on", "-id")
    )


def mediation_list(user) -> QuerySet[Mediation]:
    return Mediation.objects.visible_to(user).select_related("unit")


def petition_list(user) -> QuerySet[Petition]:
    return Petition.objects.visible_to(user).select_related("unit")


def education_list(user) -> QuerySet[EducationEvent]:
    return EducationEvent.objects.visible_to(user).select_related("unit")


def campaign_list(user) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            issue_count=Count("issues", distinct=True),
            fixed_count=Count(
                "issues", filter=Q(issues__rectified_at__isnull=False), distinct=True
            ),
            activity_count=Count("activities", distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def training_list(user) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.visible_to(user)
        .select_related("unit")
        .annotate(attendance_count=Count("attendances"))
        .order_by("-held_at", "-id")
    )


def staff_for_training(user) -> QuerySet[User]:
    """The staff list attendance is taken from: active accounts of the
    enforcement brigade and its squads, then everyone else, by unit."""
    return (
        User.objects.filter(is_active=True, unit__isnull=False)
        .exclude(unit__kind=OrgUnit.Kind.TOWN)
        .select_related("unit")
        .order_by("unit__path", "full_name", "username")
    )


def recording_units(user) -> QuerySet[OrgUnit]:
    """Units a user may record for: their own subtree (every unit for leaders)."""
    from jiaotong.roles import ROLE_LEADER, has_role

    units = OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN)
    if has_role(user, ROLE_LEADER):
        return units
    if user.unit_id is None:
        return units.none()
    return units.filter(path__startswith=user.unit.path)


# Audit change keys that are not fields of the row itself.
_CHANGE_LABELS = {
    "attendance": "参训人次",
    "attachment": "附件",
    "size": "大小（字节）",
    "result": "清理结果",
}


def timeline(obj):
    """The row's audit events, newest first, each with a Chinese ``label`` and
    the states shown by their labels rather than their codes."""
    from .workflow import AUDIT_LABELS

    events = audit_timeline(obj)
    states = dict(getattr(type(obj), "Status", models.TextChoices).choices)
    for event in events:
        event.label = AUDIT_LABELS.get(event.action, event.action)
        event.change_rows = [
            (_CHANGE_LABELS.get(label, label), old, new)
            for label, old, new in event.change_rows
        ]
        event.from_state = states.get(event.from_state, event.from_state)
        event.to_state = states.get(event.to_state, event.to_state)
    return events


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def report_sheets(year: int, org=None):
    """Worksheets for the year-end workbook: the rows behind each figure,
    streamed (``.iterator()``) as the workbook writes them."""
    replied = indicators.replied_in(year, org).select_related("unit")
    reviews = indicators.reviews_concluded(year, org).select_related("document")
    accepted = indicators.mediations_accepted(year, org)
    resolved = indicators.petitions_resolved(year, org)
    return [
        (
            "建议提案",
            ["类别", "编号", "标题", "提出人", "主办单位", "交办日期", "答复时间"],
            (
                (
                    s.get_kind_display(),
                    s.number,
                    s.title,
                    s.proposers,
                    s.unit.name,
                    s.assigned_on,
                    _local(s.replied_at),
                )
                for s in replied.order_by("kind", "replied_at").iterator(
                    chunk_size=2000
                )
            ),
        ),
        (
            "规范性文件清理",
            ["文件名称", "文号", "清理结果", "理由", "结论时间"],
            (
                (
                    r.document.title,
                    r.document.doc_no,
                    r.get_result_display(),
                    r.reason,
                    _local(r.concluded_at),
                )
                for r in reviews.order_by("concluded_at").iterator(chunk_size=2000)
            ),
        ),
        (
            "行政调解",
            ["案号", "申请人", "被申请人", "行业", "受理时间", "状态"],
            (
                (
                    m.number,
                    m.applicant,
                    m.respondent,
                    m.industry,
                    _local(m.accepted_at),
                    m.get_status_display(),
                )
                for m in accepted.order_by("accepted_at").iterator(chunk_size=2000)
            ),
        ),
        (
            "信访",
            ["信访编号", "事由", "行业", "接访日期", "解决时间"],
            (
                (p.number, p.subject, p.industry, p.received_on, _local(p.resolved_at))
                for p in resolved.order_by("resolved_at").iterator(chunk_size=2000)
            ),
        ),
        (
            "普法活动",
            ["活动名称", "主题", "时间", "横幅", "宣传单", "参与人次", "文章"],
            (
                (
                    e.title,
                    e.theme,
                    _local(e.held_at),
                    e.banners,
                    e.leaflets,
                    e.participants,
                    e.articles,
                )
                for e in indicators.education_events(year, org)
                .order_by("held_at")
                .iterator(chunk_size=2000)
            ),
        ),
        (
            "专项整治问题清单",
            ["专项整治", "问题", "责任人", "整改期限", "整改完成时间"],
            (
                (
                    i.campaign.title,
                    i.description,
                    i.owner,
                    i.deadline,
                    _local(i.rectified_at),
                )
                for i in indicators.campaign_issues(year, org)
                .select_related("campaign")
                .order_by("listed_at")
                .iterator(chunk_size=2000)
            ),
        ),
        (
            "执法人员培训",
            ["培训主题", "时间", "学时", "参训人次"],
            (
                (t.topic, _local(t.held_at), t.hours, t.attendance_count)
                for t in indicators.training_sessions(year, org)
                .annotate(attendance_count=Count("attendances"))
                .order_by("held_at")
                .iterator(chunk_size=2000)
            ),
        ),
    ]
