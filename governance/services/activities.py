"""Legal-education events, special campaigns and training attendance."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from jiaotong.audit.services import audit_record
from jiaotong.workflow import WorkflowError, required_text

from ..models import (
    Campaign,
    CampaignActivity,
    CampaignIssue,
    EducationEvent,
    TrainingAttendance,
    TrainingSession,
)
from .common import (
    create_record,
    local_day,
    not_future,
    now_or,
    update_record,
)

# --- Legal education, campaigns, training ------------------------------------------------


@transaction.atomic
def education_create(*, by, unit, **data) -> EducationEvent:
    """Record a legal-education activity with its figures."""
    return create_record(
        EducationEvent, by=by, action="education_create", unit=unit, **data
    )


@transaction.atomic
def education_update(*, event: EducationEvent, by, **data) -> EducationEvent:
    event = EducationEvent.objects.select_for_update().get(pk=event.pk)
    return update_record(event, by=by, action="education_update", data=data)


@transaction.atomic
def campaign_create(*, by, unit, **data) -> Campaign:
    return create_record(Campaign, by=by, action="campaign_create", unit=unit, **data)


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, **data) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    return update_record(campaign, by=by, action="campaign_update", data=data)


@transaction.atomic
def campaign_activity_add(
    *, campaign: Campaign, by, held_at: dt.datetime, **data
) -> CampaignActivity:
    """A meeting, publicity or visits of the campaign, with what it produced."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    not_future(held_at, "活动时间")
    activity = CampaignActivity(
        campaign=campaign, held_at=held_at, recorded_by=by, **data
    )
    activity.full_clean()
    activity.save()
    audit_record(
        by=by,
        action="campaign_activity",
        obj=campaign,
        reason=f"{activity.get_kind_display()}：{activity.description}"
        f"（横幅 {activity.banners} 条、文章 {activity.articles} 篇、"
        f"走访企业 {activity.enterprise_visits} 家）",
    )
    return activity


@transaction.atomic
def campaign_issue_add(
    *,
    campaign: Campaign,
    by,
    description: str,
    owner: str,
    deadline: dt.date,
    measures: str = "",
    listed_at: dt.datetime | None = None,
) -> CampaignIssue:
    """Put a problem on the campaign's list with its owner and deadline."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    moment = now_or(listed_at)
    if deadline < local_day(moment):
        raise ValidationError({"deadline": "整改期限不能早于列入清单的日期。"})
    issue = CampaignIssue.objects.create(
        campaign=campaign,
        description=required_text(description, "问题"),
        owner=required_text(owner, "责任人"),
        deadline=deadline,
        measures=measures.strip(),
        listed_at=moment,
    )
    audit_record(
        by=by,
        action="campaign_issue",
        obj=campaign,
        reason=f"{issue.description}（责任：{issue.owner}，期限 {deadline}）",
    )
    return issue


@transaction.atomic
def campaign_issue_rectify(
    *,
    issue: CampaignIssue,
    by,
    rectification: str,
    rectified_at: dt.datetime | None = None,
) -> CampaignIssue:
    """Mark a listed problem rectified (整改完成), once, with what was done."""
    issue = CampaignIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.rectified_at is not None:
        raise WorkflowError("该问题已整改完成。")
    if not by.has_perm("governance.change_campaign"):
        raise WorkflowError("您没有登记整改的权限。")
    moment = now_or(rectified_at)
    not_future(moment, "整改完成时间")
    if moment < issue.listed_at:
        raise ValidationError({"rectified_at": "整改完成时间不能早于列入清单时间。"})
    issue.rectified_at = moment
    issue.rectification = required_text(rectification, "整改情况")
    issue.save(update_fields=["rectified_at", "rectification"])
    audit_record(
        by=by,
        action="campaign_issue_rectify",
        obj=issue.campaign,
        from_state="整改中",
        to_state="已整改",
        reason=f"{issue.description}：{issue.rectification}",
    )
    return issue


@transaction.atomic
def training_create(*, by, unit, **data) -> TrainingSession:
    return create_record(
        TrainingSession, by=by, action="training_create", unit=unit, **data
    )


@transaction.atomic
def training_update(*, session: TrainingSession, by, **data) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    return update_record(session, by=by, action="training_update", data=data)


def _clean_names(names) -> list[str]:
    seen: list[str] = []
    for name in names:
        name = name.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def training_set_attendance(*, session: TrainingSession, by, users=(), names=()) -> int:
    """Replace the session's attendance: staff picked from the staff list and,
    by name, people without an account. Returns the 人次 of the session."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not by.has_perm("governance.change_trainingsession"):
        raise WorkflowError("您没有登记参训人员的权限。")
    users = list(dict.fromkeys(users))
    names = [n for n in _clean_names(names) if n not in {u.display_name for u in users}]
    before = session.attendances.count()
    session.attendances.all().delete()
    TrainingAttendance.objects.bulk_create(
        [
            TrainingAttendance(
                session=session,
                user=user,
                name=user.display_name,
                unit_name=user.unit.name if user.unit_id else "",
            )
            for user in users
        ]
        + [TrainingAttendance(session=session, name=name) for name in names]
    )
    total = len(users) + len(names)
    audit_record(
        by=by,
        action="training_attendance",
        obj=session,
        changes={"attendance": [before, total]},
        reason="、".join([u.display_name for u in users] + names)[:500],
    )
    return total
