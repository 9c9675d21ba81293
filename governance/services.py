"""Writes for the governance registers. Every function takes keyword-only
arguments including ``by`` (the acting user), runs in one transaction, checks
its rules and writes one audit event. State changes go through the transition
tables in governance.workflow (lock, re-check, set status, audit)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit import audit_record
from jiaotong.params import get_param
from jiaotong.uploads import check_upload
from jiaotong.workflow import WorkflowError, required_text

from .models import (
    ATTACHMENT_OWNERS,
    Attachment,
    Campaign,
    CampaignActivity,
    CampaignIssue,
    DocumentReview,
    DraftingStep,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Petition,
    ReviewResult,
    Suggestion,
    SuggestionContact,
    TrainingAttendance,
    TrainingSession,
)
from .workflow import (
    DOCUMENT_WORKFLOW,
    MEDIATION_WORKFLOW,
    PETITION_WORKFLOW,
    SUGGESTION_WORKFLOW,
)

# DOMAIN.md §7.1: reply within 3 months of assignment, 6 for broad or difficult
# items; re-handle within 1 month of an unsatisfied feedback. RuleParameter rows
# with these keys override the statutory defaults.
REPLY_MONTHS = ("suggestion.reply_months", 3)
DIFFICULT_REPLY_MONTHS = ("suggestion.difficult_reply_months", 6)
REHANDLE_MONTHS = ("suggestion.rehandle_months", 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such
    day (30 Nov + 3 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months(rule: tuple[str, int], on: dt.date) -> int:
    key, default = rule
    return get_param(key, on=on, default=default)


def suggestion_due_date(assigned_on: dt.date, difficult: bool) -> dt.date:
    rule = DIFFICULT_REPLY_MONTHS if difficult else REPLY_MONTHS
    return add_months(assigned_on, _months(rule, assigned_on))


def rehandle_due_date(feedback_on: dt.date) -> dt.date:
    return add_months(feedback_on, _months(REHANDLE_MONTHS, feedback_on))


def _now_or(moment: dt.datetime | None) -> dt.datetime:
    return moment or timezone.now()


def _not_future(moment: dt.datetime, label: str) -> None:
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"": f"{label}不能晚于现在。"})


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _check_unit(unit, by) -> None:
    """A record belongs to the recorder's unit subtree, so that they can still
    see it; leaders may record for any unit."""
    from jiaotong.roles import ROLE_LEADER, has_role

    if has_role(by, ROLE_LEADER):
        return
    if by.unit_id is None or not unit.path.startswith(by.unit.path):
        raise ValidationError({"unit": "只能登记本单位（含下级单位）的事项。"})


def _shown(value):
    """A value as the audit trail keeps it: a moment as local minutes."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "pk"):
        return str(value)
    return value


def _apply(obj, data: dict) -> dict:
    """Set ``data`` on ``obj``; return ``{field: [old, new]}`` of what changed."""
    changes = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [_shown(old), _shown(value)]
            setattr(obj, name, value)
    return changes


def _create(model, *, by, action: str, unit, **data):
    _check_unit(unit, by)
    obj = model(unit=unit, created_by=by, **data)
    obj.full_clean()
    obj.save()
    audit_record(by=by, action=action, obj=obj, to_state=getattr(obj, "status", ""))
    return obj


def _update(obj, *, by, action: str, data: dict):
    if "unit" in data:
        _check_unit(data["unit"], by)
    changes = _apply(obj, data)
    if not changes:
        return obj
    obj.full_clean()
    obj.save()
    audit_record(by=by, action=action, obj=obj, changes=changes)
    return obj


# --- Suggestions and proposals -----------------------------------------------------


@transaction.atomic
def suggestion_create(
    *,
    by,
    unit,
    kind: str,
    number: str,
    title: str,
    proposers: str,
    assigned_on: dt.date,
    difficult: bool = False,
    content: str = "",
    co_units=(),
) -> Suggestion:
    """Register an item assigned (交办) to the bureau; the reply is due 3 months
    after assignment, 6 for a difficult one."""
    if Suggestion.objects.filter(kind=kind, number=number).exists():
        raise ValidationError({"number": "该编号已登记。"})
    suggestion = _create(
        Suggestion,
        by=by,
        action="suggestion_create",
        unit=unit,
        kind=kind,
        number=number,
        title=title,
        proposers=proposers,
        content=content,
        assigned_on=assigned_on,
        difficult=difficult,
        due_date=suggestion_due_date(assigned_on, difficult),
    )
    suggestion.co_units.set([u for u in co_units if u.pk != unit.pk])
    return suggestion


@transaction.atomic
def suggestion_update(*, suggestion: Suggestion, by, co_units=None, **data):
    """Correct the register entry; the reply deadline follows the assignment date
    and the difficulty."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == Suggestion.Status.CLOSED:
        raise WorkflowError("已办结的建议提案不能修改。")
    assigned_on = data.get("assigned_on", suggestion.assigned_on)
    difficult = data.get("difficult", suggestion.difficult)
    data["due_date"] = suggestion_due_date(assigned_on, difficult)
    suggestion = _update(suggestion, by=by, action="suggestion_update", data=data)
    if co_units is not None:
        suggestion.co_units.set([u for u in co_units if u.pk != suggestion.unit_id])
    return suggestion


@transaction.atomic
def suggestion_add_contact(
    *, suggestion: Suggestion, by, way: str, contacted_on: dt.date, note: str
) -> SuggestionContact:
    """Record a contact or meeting with the proposer while handling."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == Suggestion.Status.CLOSED:
        raise WorkflowError("已办结的建议提案不能再登记联系记录。")
    if contacted_on < suggestion.assigned_on:
        raise ValidationError({"contacted_on": "联系日期不能早于交办日期。"})
    contact = SuggestionContact.objects.create(
        suggestion=suggestion,
        way=way,
        contacted_on=contacted_on,
        note=required_text(note, "情况记录"),
        recorded_by=by,
    )
    audit_record(
        by=by,
        action="suggestion_contact",
        obj=suggestion,
        reason=f"{contact.get_way_display()}：{contact.note}",
    )
    return contact


@transaction.atomic
def suggestion_start(*, suggestion: Suggestion, by) -> Suggestion:
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "start", by)
    return SUGGESTION_WORKFLOW.finish(suggestion, "start", by)


@transaction.atomic
def suggestion_reply(
    *,
    suggestion: Suggestion,
    by,
    reply_doc_no: str,
    reply_summary: str,
    outcome: str,
    replied_at: dt.datetime | None = None,
) -> Suggestion:
    """The reply letter (答复) with its outcome class. The first reply is the
    one the year's count goes by (oversight.*); a reply after re-handling is
    recorded as ``rereplied_at``."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "reply", by)
    moment = _now_or(replied_at)
    _not_future(moment, "答复时间")
    if _local(moment) < suggestion.assigned_on:
        raise ValidationError({"replied_at": "答复时间不能早于交办日期。"})
    data = {
        "reply_doc_no": required_text(reply_doc_no, "答复文号"),
        "reply_summary": reply_summary.strip(),
        "outcome": outcome,
    }
    if suggestion.replied_at is None:
        data["replied_at"] = moment
    else:
        data["rereplied_at"] = moment
        data["feedback"] = ""  # the proposer is asked again
        data["feedback_on"] = None
    changes = _apply(suggestion, data)
    return SUGGESTION_WORKFLOW.finish(suggestion, "reply", by, changes=changes)


@transaction.atomic
def suggestion_record_feedback(
    *, suggestion: Suggestion, by, feedback: str, feedback_on: dt.date
) -> Suggestion:
    """The proposer's opinion of the reply; 不满意 opens one month of re-handling."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "feedback", by)
    replied = suggestion.rereplied_at or suggestion.replied_at
    if feedback_on < _local(replied):
        raise ValidationError({"feedback_on": "反馈日期不能早于答复日期。"})
    if feedback_on > timezone.localdate():
        raise ValidationError({"feedback_on": "反馈日期不能晚于今天。"})
    changes = _apply(suggestion, {"feedback": feedback, "feedback_on": feedback_on})
    return SUGGESTION_WORKFLOW.finish(suggestion, "feedback", by, changes=changes)


@transaction.atomic
def suggestion_rehandle(*, suggestion: Suggestion, by, note: str = "") -> Suggestion:
    """Re-handle an item whose proposer was not satisfied: due one month after
    the feedback (河南 办法 art. 22)."""
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "rehandle", by)
    due = rehandle_due_date(suggestion.feedback_on)
    changes = _apply(suggestion, {"rehandle_due": due})
    return SUGGESTION_WORKFLOW.finish(
        suggestion, "rehandle", by, reason=note.strip(), changes=changes
    )


@transaction.atomic
def suggestion_close(*, suggestion: Suggestion, by) -> Suggestion:
    suggestion = SUGGESTION_WORKFLOW.begin(suggestion, "close", by)
    suggestion.closed_at = timezone.now()
    return SUGGESTION_WORKFLOW.finish(suggestion, "close", by)


# --- Normative documents -------------------------------------------------------------


@transaction.atomic
def document_create(
    *, by, unit, title: str, summary: str = "", concerns_business: bool = True
) -> NormativeDocument:
    """Start drafting a document (起草)."""
    return _create(
        NormativeDocument,
        by=by,
        action="document_create",
        unit=unit,
        title=title,
        summary=summary,
        concerns_business=concerns_business,
    )


@transaction.atomic
def document_register_existing(
    *,
    by,
    unit,
    title: str,
    doc_no: str,
    published_on: dt.date,
    effective_from: dt.date | None = None,
    expires_on: dt.date | None = None,
    filed_on: dt.date | None = None,
    filed_with: str = "",
    summary: str = "",
    concerns_business: bool = True,
) -> NormativeDocument:
    """Register a document issued before this register existed (存量文件), in
    force, so that clean-up reviews can be recorded against it. Its drafting
    steps are not known here; it is marked ``legacy``."""
    return _create(
        NormativeDocument,
        by=by,
        action="document_register",
        unit=unit,
        title=title,
        doc_no=required_text(doc_no, "文号"),
        summary=summary,
        concerns_business=concerns_business,
        legacy=True,
        status=NormativeDocument.Status.IN_FORCE,
        published_on=published_on,
        effective_from=effective_from or published_on,
        expires_on=expires_on,
        filed_on=filed_on,
        filed_with=filed_with,
    )


@transaction.atomic
def document_update(*, document: NormativeDocument, by, **data):
    document = NormativeDocument.objects.select_for_update().get(pk=document.pk)
    if document.status != NormativeDocument.Status.DRAFTING:
        raise WorkflowError("文件已公布，内容不能再修改；如需修改请通过清理程序。")
    return _update(document, by=by, action="document_update", data=data)


@transaction.atomic
def drafting_step_record(
    *, document: NormativeDocument, by, kind: str, done_on: dt.date, conclusion: str
) -> DraftingStep:
    """Record one drafting step (or correct its record) while drafting."""
    document = NormativeDocument.objects.select_for_update().get(pk=document.pk)
    if document.status != NormativeDocument.Status.DRAFTING:
        raise WorkflowError("文件已公布，不能再登记起草环节。")
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    step, _ = DraftingStep.objects.update_or_create(
        document=document,
        kind=kind,
        defaults={
            "done_on": done_on,
            "conclusion": required_text(conclusion, "结论与情况"),
            "recorded_by": by,
        },
    )
    audit_record(
        by=by,
        action="document_step",
        obj=document,
        reason=f"{step.get_kind_display()}（{done_on}）：{step.conclusion}",
    )
    return step


@transaction.atomic
def document_publish(
    *,
    document: NormativeDocument,
    by,
    doc_no: str,
    published_on: dt.date,
    effective_from: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> NormativeDocument:
    """统一登记、编号、公布. Refused while a mandatory drafting step is missing
    (the workflow's guard, checked again on the locked row)."""
    document = DOCUMENT_WORKFLOW.begin(document, "publish", by)
    last_step = max(document.steps.values_list("done_on", flat=True))
    if published_on < last_step:
        raise ValidationError({"published_on": "公布日期不能早于起草环节的完成日期。"})
    effective_from = effective_from or published_on
    if effective_from < published_on:
        raise ValidationError({"effective_from": "施行日期不能早于公布日期。"})
    if expires_on is not None and expires_on <= effective_from:
        raise ValidationError({"expires_on": "有效期须晚于施行日期。"})
    changes = _apply(
        document,
        {
            "doc_no": required_text(doc_no, "文号"),
            "published_on": published_on,
            "effective_from": effective_from,
            "expires_on": expires_on,
        },
    )
    return DOCUMENT_WORKFLOW.finish(document, "publish", by, changes=changes)


@transaction.atomic
def document_enforce(*, document: NormativeDocument, by) -> NormativeDocument:
    document = DOCUMENT_WORKFLOW.begin(document, "enforce", by)
    return DOCUMENT_WORKFLOW.finish(document, "enforce", by)


@transaction.atomic
def document_file(
    *, document: NormativeDocument, by, filed_on: dt.date, filed_with: str
) -> NormativeDocument:
    """备案: record where and when the published document was filed."""
    document = NormativeDocument.objects.select_for_update().get(pk=document.pk)
    if document.status == NormativeDocument.Status.DRAFTING:
        raise WorkflowError("文件公布后方可备案。")
    if not by.has_perm("governance.change_normativedocument"):
        raise WorkflowError("您没有登记备案的权限。")
    if document.published_on and filed_on < document.published_on:
        raise ValidationError({"filed_on": "备案日期不能早于公布日期。"})
    changes = _apply(
        document,
        {"filed_on": filed_on, "filed_with": required_text(filed_with, "备案机关")},
    )
    document.save()
    audit_record(by=by, action="document_file", obj=document, changes=changes)
    return document


REVIEW_ACTIONS = {
    ReviewResult.RETAIN: "review",
    ReviewResult.AMEND: "review",
    ReviewResult.REPEAL: "repeal",
    ReviewResult.EXPIRE: "expire",
}


@transaction.atomic
def document_review(
    *,
    document: NormativeDocument,
    by,
    result: str,
    reason: str,
    concluded_at: dt.datetime | None = None,
) -> DocumentReview:
    """A clean-up review (清理) of a document in force: 保留 or 修改 keep it in
    force; 废止 and 失效 end it (and take it off the public list)."""
    action = REVIEW_ACTIONS[ReviewResult(result)]
    document = DOCUMENT_WORKFLOW.begin(document, action, by)
    moment = _now_or(concluded_at)
    _not_future(moment, "清理结论时间")
    review = DocumentReview.objects.create(
        document=document,
        concluded_at=moment,
        result=result,
        reason=required_text(reason, "理由"),
        recorded_by=by,
    )
    if action != "review":
        document.ended_on = _local(moment)
    DOCUMENT_WORKFLOW.finish(
        document,
        action,
        by,
        reason=f"{review.get_result_display()}：{review.reason}",
        changes={"result": result},
    )
    return review


# --- Mediation and petitions -----------------------------------------------------------


@transaction.atomic
def mediation_create(*, by, unit, **data) -> Mediation:
    """Register an application for mediation (调解申请)."""
    if Mediation.objects.filter(number=data.get("number")).exists():
        raise ValidationError({"number": "该案号已登记。"})
    return _create(Mediation, by=by, action="mediation_create", unit=unit, **data)


@transaction.atomic
def mediation_update(*, mediation: Mediation, by, **data) -> Mediation:
    mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
    if mediation.status == Mediation.Status.CLOSED:
        raise WorkflowError("已结案的调解案件不能修改。")
    return _update(mediation, by=by, action="mediation_update", data=data)


@transaction.atomic
def mediation_accept(
    *, mediation: Mediation, by, moment: dt.datetime | None = None
) -> Mediation:
    mediation = MEDIATION_WORKFLOW.begin(mediation, "accept", by)
    accepted_at = _now_or(moment)
    _not_future(accepted_at, "受理时间")
    if _local(accepted_at) < mediation.applied_on:
        raise ValidationError({"moment": "受理时间不能早于申请日期。"})
    changes = _apply(mediation, {"accepted_at": accepted_at})
    return MEDIATION_WORKFLOW.finish(mediation, "accept", by, changes=changes)


@transaction.atomic
def mediation_not_accept(*, mediation: Mediation, by, note: str) -> Mediation:
    mediation = MEDIATION_WORKFLOW.begin(mediation, "not_accept", by)
    mediation.not_accepted_reason = required_text(note, "不予受理理由")
    return MEDIATION_WORKFLOW.finish(
        mediation, "not_accept", by, reason=mediation.not_accepted_reason
    )


def _conclusion_time(mediation: Mediation, moment: dt.datetime | None):
    concluded_at = _now_or(moment)
    _not_future(concluded_at, "时间")
    if concluded_at < mediation.accepted_at:
        raise ValidationError({"concluded_at": "调解结束时间不能早于受理时间。"})
    return concluded_at


@transaction.atomic
def mediation_agree(
    *,
    mediation: Mediation,
    by,
    agreement: str,
    notes: str = "",
    concluded_at: dt.datetime | None = None,
) -> Mediation:
    """The parties signed an agreement (调解协议书)."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "agree", by)
    changes = _apply(
        mediation,
        {
            "agreement": required_text(agreement, "调解协议内容"),
            "notes": notes.strip() or mediation.notes,
            "concluded_at": _conclusion_time(mediation, concluded_at),
        },
    )
    return MEDIATION_WORKFLOW.finish(mediation, "agree", by, changes=changes)


@transaction.atomic
def mediation_terminate(*, mediation: Mediation, by, note: str) -> Mediation:
    """No agreement (or a party withdrew): the parties are pointed to
    arbitration or the courts."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "terminate", by)
    mediation.termination_reason = required_text(note, "终止原因")
    mediation.concluded_at = _conclusion_time(mediation, None)
    return MEDIATION_WORKFLOW.finish(
        mediation, "terminate", by, reason=mediation.termination_reason
    )


@transaction.atomic
def mediation_close(*, mediation: Mediation, by, note: str) -> Mediation:
    """履行回访 and close the file."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "close", by)
    mediation.follow_up = required_text(note, "回访情况")
    mediation.closed_at = timezone.now()
    return MEDIATION_WORKFLOW.finish(mediation, "close", by, reason=mediation.follow_up)


@transaction.atomic
def petition_create(*, by, unit, **data) -> Petition:
    if Petition.objects.filter(number=data.get("number")).exists():
        raise ValidationError({"number": "该信访编号已登记。"})
    return _create(Petition, by=by, action="petition_create", unit=unit, **data)


@transaction.atomic
def petition_update(*, petition: Petition, by, **data) -> Petition:
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    return _update(petition, by=by, action="petition_update", data=data)


@transaction.atomic
def petition_resolve(
    *, petition: Petition, by, resolution: str, resolved_at: dt.datetime | None = None
) -> Petition:
    petition = PETITION_WORKFLOW.begin(petition, "resolve", by)
    moment = _now_or(resolved_at)
    _not_future(moment, "解决时间")
    if _local(moment) < petition.received_on:
        raise ValidationError({"resolved_at": "解决时间不能早于接访日期。"})
    changes = _apply(
        petition,
        {"resolution": required_text(resolution, "解决情况"), "resolved_at": moment},
    )
    return PETITION_WORKFLOW.finish(petition, "resolve", by, changes=changes)


# --- Legal education, campaigns, training ------------------------------------------------


@transaction.atomic
def education_create(*, by, unit, **data) -> EducationEvent:
    """Record a legal-education activity with its figures."""
    return _create(EducationEvent, by=by, action="education_create", unit=unit, **data)


@transaction.atomic
def education_update(*, event: EducationEvent, by, **data) -> EducationEvent:
    event = EducationEvent.objects.select_for_update().get(pk=event.pk)
    return _update(event, by=by, action="education_update", data=data)


@transaction.atomic
def campaign_create(*, by, unit, **data) -> Campaign:
    return _create(Campaign, by=by, action="campaign_create", unit=unit, **data)


@transaction.atomic
def campaign_update(*, campaign: Campaign, by, **data) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    return _update(campaign, by=by, action="campaign_update", data=data)


@transaction.atomic
def campaign_activity_add(
    *, campaign: Campaign, by, held_at: dt.datetime, **data
) -> CampaignActivity:
    """A meeting, publicity or visits of the campaign, with what it produced."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _not_future(held_at, "活动时间")
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
    moment = _now_or(listed_at)
    if deadline < _local(moment):
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
    moment = _now_or(rectified_at)
    _not_future(moment, "整改完成时间")
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
    return _create(TrainingSession, by=by, action="training_create", unit=unit, **data)


@transaction.atomic
def training_update(*, session: TrainingSession, by, **data) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    return _update(session, by=by, action="training_update", data=data)


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


# --- Attachments ---------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, owner, by, upload, title: str = "") -> Attachment:
    """Attach a file to a register row (reply letter, document text, agreement,
    photos) after the shared type, content and size checks."""
    field = {
        Suggestion: "suggestion",
        NormativeDocument: "document",
        Mediation: "mediation",
        EducationEvent: "education",
        Campaign: "campaign",
    }[type(owner)]
    assert field in ATTACHMENT_OWNERS
    meta = owner._meta
    if not by.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        raise WorkflowError("您没有上传附件的权限。")
    _, content_type = check_upload(upload, label="附件")
    attachment = Attachment(
        **{field: owner},
        title=(title or "").strip() or (upload.name or "附件")[:100],
        original_name=(upload.name or "附件")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # The file is written before the row; if the transaction then fails the row
    # is gone and an orphan file remains, never a row without its file.
    attachment.file.save(upload.name or "upload", upload, save=False)
    attachment.save()
    audit_record(
        by=by,
        action="governance_attachment_add",
        obj=owner,
        changes={"attachment": attachment.original_name, "size": attachment.size},
    )
    return attachment
