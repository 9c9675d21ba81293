"""Writes for the service window: receipt, the workflow, evaluations, checks.

Each move of ``workflow.APPLICATION_WORKFLOW`` has its own service
(``application_accept``, ``application_deny``…) with keyword-only typed
arguments: it locks the row and re-checks the table on the locked copy
(``begin``), applies the move's own rules, and sets the status and writes one
AuditEvent (``finish``). ``by=None`` is the system (the daily task).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days, working_days_between
from jiaotong.models import Enterprise
from jiaotong.registry.models import CreditGrade
from jiaotong.validators import validate_id_for_party, validate_phone
from jiaotong.workflow import WorkflowError, required_text

from .models import (
    BAD_EVALUATIONS,
    RUNNING_STATES,
    WINDOW_POWER_TYPES,
    Application,
    ApplicationSequence,
    Channel,
    ClockPause,
    CommitmentCheck,
    Evaluation,
    Rectification,
    Result,
    SupplementNotice,
)
from .rules import (
    COMMITMENT_CHECK_DAYS,
    default_remedies,
    supplement_deadline,
)
from .workflow import APPLICATION_WORKFLOW

NUMBER_PREFIX = "SXJT"
CHANGE = "licensing.change_application"
S = Application.Status
W = APPLICATION_WORKFLOW


# --- Deadlines -------------------------------------------------------------------


def limit_date(received: dt.date, days: int | None, paused: int) -> dt.date | None:
    if days is None:
        return None
    return add_working_days(received, days + paused)


def _set_deadlines(application: Application) -> None:
    """Due dates run in working days from the day of receipt, shifted by the
    working days during which the clock was paused."""
    received = timezone.localdate(application.received_at)
    matter = application.matter
    application.due_date = limit_date(
        received, matter.promised_limit_days, application.paused_days
    )
    application.statutory_due_date = limit_date(
        received, matter.statutory_limit_days, application.paused_days
    )


# --- Receipt (收件) ----------------------------------------------------------------


def _next_number(year: int) -> str:
    # get_or_create then lock: two clerks logging at once get different numbers.
    ApplicationSequence.objects.get_or_create(year=year)
    seq = ApplicationSequence.objects.select_for_update().get(year=year)
    while True:
        seq.last += 1
        number = f"{NUMBER_PREFIX}-{year}-{seq.last:06d}"
        # an imported platform number may already use this pattern
        if not Application.objects.filter(number=number).exists():
            break
    seq.save(update_fields=["last"])
    return number


def _check_commitment_allowed(matter, applicant_id_number: str) -> None:
    """告知承诺 only on matters that use it, and never for applicants with a
    serious bad credit record or an earlier false commitment (DOMAIN.md §3.3)."""
    if not matter.notify_commit:
        raise ValidationError({"notify_commit": "该事项未实行告知承诺制。"})
    false_before = CommitmentCheck.objects.filter(
        application__applicant_id_number=applicant_id_number,
        outcome=CommitmentCheck.Outcome.FAILED,
    ).exists()
    if false_before:
        raise ValidationError(
            {"notify_commit": "申请人曾作出虚假承诺，信用修复前不适用告知承诺制。"}
        )
    if Enterprise.objects.filter(
        credit_code=applicant_id_number, credit_grade=CreditGrade.D
    ).exists():
        raise ValidationError(
            {"notify_commit": "申请人信用等级为D（严重失信），不适用告知承诺制。"}
        )


@transaction.atomic
def application_receive(
    *,
    matter,
    applicant_name: str,
    applicant_type: str,
    applicant_id_number: str,
    by,
    applicant_phone: str = "",
    channel: str = Channel.WINDOW,
    notify_commit: bool = False,
    received_at: dt.datetime | None = None,
    is_test: bool = False,
) -> Application:
    """收件: log a new application under the clerk's unit with a new number and
    its due dates. Raises ValidationError naming the field at fault."""
    if not by.has_perm("licensing.add_application"):
        raise ValidationError("您没有登记办件的权限。")
    if by.unit_id is None:
        raise ValidationError("您的账号未设置所属单位，无法登记办件。")
    received_at = received_at or timezone.now()
    received_day = timezone.localdate(received_at)
    if matter.power_type not in WINDOW_POWER_TYPES:
        raise ValidationError({"matter": "该事项不是窗口办理事项。"})
    if not matter.in_force_on(received_day):
        raise ValidationError({"matter": "该事项在收件日不在有效期内。"})
    name = (applicant_name or "").strip()
    if not name:
        raise ValidationError({"applicant_name": "请填写申请人。"})
    try:
        id_number = validate_id_for_party(applicant_type, applicant_id_number)
    except ValidationError as exc:
        raise ValidationError({"applicant_id_number": exc.messages}) from None
    try:
        phone = validate_phone(applicant_phone)
    except ValidationError as exc:
        raise ValidationError({"applicant_phone": exc.messages}) from None
    if notify_commit:
        _check_commitment_allowed(matter, id_number)

    application = Application(
        number=_next_number(received_day.year),
        matter=matter,
        applicant_name=name,
        applicant_type=applicant_type,
        applicant_id_number=id_number,
        applicant_phone=phone,
        channel=channel,
        notify_commit=notify_commit,
        clerk=by,
        unit_id=by.unit_id,
        received_at=received_at,
        is_test=is_test,
    )
    _set_deadlines(application)
    application.promised_due_date = application.due_date
    application.save()
    audit_record(
        by=by,
        action="application_receive",
        obj=application,
        to_state=application.status,
        changes={"matter": matter.code, "channel": channel},
    )
    return application


# --- The workflow (one service per move of APPLICATION_WORKFLOW) ---------------------


def _close_open_pause(application, today) -> int:
    pause = application.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        return 0
    pause.ended_on = today
    pause.working_days = working_days_between(pause.started_on, today)
    pause.save(update_fields=["ended_on", "working_days"])
    return pause.working_days


@transaction.atomic
def application_supplement(*, application: Application, items: str, by) -> Application:
    """一次性告知补正: list every missing material at once, within 5 working days
    of receipt; the applicant's waiting time does not count against the limit."""
    item_list = [line.strip() for line in (items or "").splitlines() if line.strip()]
    if not item_list:
        raise WorkflowError("请逐项列明需补正的全部材料（每行一项）。")
    locked = W.begin(application, "supplement", by)
    if SupplementNotice.objects.filter(application=locked).exists():
        raise WorkflowError("补正告知只能一次性作出，本件已告知过。")
    SupplementNotice.objects.create(
        application=locked,
        items="\n".join(item_list),
        notified_at=timezone.now(),
        notified_by=by,
    )
    return W.finish(locked, "supplement", by, changes={"items": item_list})


@transaction.atomic
def application_accept(
    *, application: Application, by, reason: str = ""
) -> Application:
    """受理. After a supplement the waiting days shift the due dates; without a
    supplement notice within 5 working days the application is deemed accepted
    on the day of receipt (ALL art. 32(4))."""
    locked = W.begin(application, "accept", by)
    now = timezone.now()
    today = timezone.localdate(now)
    if locked.status == S.SUPPLEMENT:
        notice = locked.supplement_notice
        notice.completed_at = now
        notice.save(update_fields=["completed_at"])
        locked.paused_days += working_days_between(
            timezone.localdate(notice.notified_at), today
        )
        _set_deadlines(locked)
        locked.accepted_at = now
    elif today > supplement_deadline(locked):
        locked.accepted_at = locked.received_at
        locked.deemed_accepted = True
    else:
        locked.accepted_at = now
    return W.finish(
        locked,
        "accept",
        by,
        reason=reason.strip(),
        changes={"deemed": locked.deemed_accepted},
    )


@transaction.atomic
def application_reject(*, application: Application, reason: str, by) -> Application:
    """不予受理, with the reason (and where the applicant should apply instead)."""
    reason = required_text(reason, "不予受理理由")
    locked = W.begin(application, "reject", by)
    locked.not_accepted_at = timezone.now()
    locked.not_accepted_reason = reason
    return W.finish(locked, "reject", by, reason=reason)


@transaction.atomic
def application_review(*, application: Application, by) -> Application:
    """开始审查."""
    return W.finish(W.begin(application, "review", by), "review", by)


@transaction.atomic
def application_pause(
    *, application: Application, kind: str, by, reason: str = ""
) -> Application:
    """暂停计时 for one of the excluded periods of ALL art. 45 (hearing, tender,
    auction, test, inspection, quarantine, appraisal, expert review)."""
    if kind not in ClockPause.Kind.values:
        raise WorkflowError(
            "请选择暂停计时事由（听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审）。"
        )
    locked = W.begin(application, "pause", by)
    reason = reason.strip()
    ClockPause.objects.create(
        application=locked, kind=kind, reason=reason, started_on=timezone.localdate()
    )
    return W.finish(locked, "pause", by, reason=reason, changes={"kind": kind})


@transaction.atomic
def application_resume(*, application: Application, by) -> Application:
    """恢复计时: the paused working days extend both due dates."""
    locked = W.begin(application, "resume", by)
    today = timezone.localdate()
    days = _close_open_pause(locked, today)
    locked.paused_days += days
    _set_deadlines(locked)
    if locked.due_date is None or locked.due_date >= today:
        locked.overdue_flagged_at = None
    return W.finish(locked, "resume", by, changes={"paused_working_days": days})


@transaction.atomic
def application_approve(
    *, application: Application, by, reason: str = ""
) -> Application:
    """准予许可. An approval on a 告知承诺 opens its post-check (核查)."""
    locked = W.begin(application, "approve", by)
    now = timezone.now()
    locked.result = Result.APPROVED
    locked.decided_at = now
    locked.decision_reason = reason.strip()
    changes = None
    if locked.notify_commit:
        check = CommitmentCheck.objects.create(
            application=locked,
            due_date=add_working_days(timezone.localdate(now), COMMITMENT_CHECK_DAYS),
        )
        changes = {"commitment_check_due": check.due_date}
    return W.finish(
        locked, "approve", by, reason=locked.decision_reason, changes=changes
    )


@transaction.atomic
def application_deny(
    *, application: Application, reason: str, by, remedies: str = ""
) -> Application:
    """不予许可, with reasons and the applicant's remedies (the county's
    standard wording unless the clerk gives another)."""
    reason = required_text(reason, "不予许可理由")
    locked = W.begin(application, "deny", by)
    locked.result = Result.DENIED
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.remedies = remedies.strip() or default_remedies()
    return W.finish(locked, "deny", by, reason=reason)


@transaction.atomic
def application_complete(*, application: Application, by) -> Application:
    """办结: a decision delivered, or a public service done."""
    locked = W.begin(application, "complete", by)
    locked.completed_at = timezone.now()
    if not locked.result:
        locked.result = Result.DONE
    return W.finish(locked, "complete", by)


@transaction.atomic
def application_withdraw(*, application: Application, reason: str, by) -> Application:
    """申请人撤回 before the decision; an open clock pause ends today."""
    reason = required_text(reason, "撤回理由")
    locked = W.begin(application, "withdraw", by)
    now = timezone.now()
    locked.withdrawn_at = now
    _close_open_pause(locked, timezone.localdate(now))
    return W.finish(locked, "withdraw", by, reason=reason)


@transaction.atomic
def application_revoke(*, application: Application, reason: str, by) -> Application:
    """撤销许可: only a 告知承诺 approval whose post-check found the commitment
    false (the table's guard)."""
    reason = required_text(reason, "撤销理由")
    locked = W.begin(application, "revoke", by)
    locked.revoked_at = timezone.now()
    return W.finish(locked, "revoke", by, reason=reason)


# --- After completion ---------------------------------------------------------------


@transaction.atomic
def application_evaluate(
    *,
    application: Application,
    evaluation: str,
    by,
    problem: str = "",
    measures: str = "",
    rectified_on: dt.date | None = None,
) -> Application:
    """好差评, 一次一评: record the applicant's rating of a completed application;
    a bad rating (不满意 / 非常不满意) needs its rectification record."""
    if not by.has_perm(CHANGE):
        raise WorkflowError("您没有录入评价的权限。")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.completed_at is None:
        raise WorkflowError("办件办结后才能评价。")
    if locked.evaluation:
        raise WorkflowError("一次一评：该办件已有评价。")
    if evaluation not in Evaluation.values:
        raise ValidationError({"evaluation": "请选择评价等级。"})
    rectification = None
    if evaluation in BAD_EVALUATIONS:
        errors = {}
        if not (problem or "").strip():
            errors["problem"] = "差评须记录反映的问题。"
        if not (measures or "").strip():
            errors["measures"] = "差评须记录整改措施。"
        if errors:
            raise ValidationError(errors)
        rectification = Rectification.objects.create(
            application=locked,
            problem=problem.strip(),
            measures=measures.strip(),
            rectified_on=rectified_on or timezone.localdate(),
            recorded_by=by,
        )
    locked.evaluation = evaluation
    locked.evaluated_at = timezone.now()
    locked.save(update_fields=["evaluation", "evaluated_at", "updated_at"])
    audit_record(
        by=by,
        action="application_evaluate",
        obj=locked,
        changes={"evaluation": evaluation, "rectified": rectification is not None},
    )
    return locked


@transaction.atomic
def rectification_record_visit(*, rectification: Rectification, visit_note: str, by):
    """回访: the follow-up call after a bad rating was rectified."""
    if not by.has_perm(CHANGE):
        raise WorkflowError("您没有录入回访的权限。")
    if not (visit_note or "").strip():
        raise ValidationError({"visit_note": "请填写回访情况。"})
    rectification.visited = True
    rectification.visit_note = visit_note.strip()
    rectification.save(update_fields=["visited", "visit_note"])
    audit_record(
        by=by,
        action="application_rectification_visit",
        obj=rectification.application,
        reason=rectification.visit_note,
    )
    return rectification


@transaction.atomic
def commitment_check_record(
    *, check: CommitmentCheck, outcome: str, note: str, by
) -> CommitmentCheck:
    """核查: record whether the applicant's commitment was true. A false one
    opens the way to revoking the approval (``application_revoke``)."""
    if not by.has_perm(CHANGE):
        raise WorkflowError("您没有录入核查结果的权限。")
    locked = CommitmentCheck.objects.select_for_update().get(pk=check.pk)
    if locked.outcome != CommitmentCheck.Outcome.PENDING:
        raise WorkflowError("该核查已有结果。")
    if outcome not in (CommitmentCheck.Outcome.PASSED, CommitmentCheck.Outcome.FAILED):
        raise ValidationError({"outcome": "请选择核查结果。"})
    if outcome == CommitmentCheck.Outcome.FAILED and not (note or "").strip():
        raise ValidationError({"note": "承诺不实须写明核查情况。"})
    locked.outcome = outcome
    locked.note = (note or "").strip()
    locked.checked_at = timezone.now()
    locked.checked_by = by
    locked.save()
    audit_record(
        by=by,
        action="application_commitment_check",
        obj=locked.application,
        reason=locked.note,
        changes={"outcome": outcome},
    )
    return locked


# --- Daily duties (called by licensing.tasks) ------------------------------------------


def applications_deem_accepted(*, today: dt.date | None = None) -> int:
    """Applications still only received when the 5-working-day notice period has
    passed are deemed accepted on the day of receipt. Returns how many."""
    today = today or timezone.localdate()
    # 5 working days are at least 5 calendar days: a cheap pre-filter.
    candidates = Application.objects.filter(
        status=S.RECEIVED, received_at__date__lt=today - dt.timedelta(days=5)
    ).only("pk", "received_at")
    count = 0
    for application in candidates:
        if supplement_deadline(application) >= today:
            continue
        try:
            application_accept(
                application=application,
                by=None,
                reason="收件后5个工作日内未告知补正，视为自收件之日起受理",
            )
        except WorkflowError:  # moved on meanwhile: nothing to do
            continue
        count += 1
    return count


def applications_flag_overdue(*, today: dt.date | None = None) -> int:
    """Mark each running application past its promised due date once, with an
    audit event. Claimed by a conditional update, so running twice is harmless."""
    today = today or timezone.localdate()
    ids = list(
        Application.objects.filter(
            status__in=RUNNING_STATES,
            due_date__lt=today,
            overdue_flagged_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    flagged = 0
    for pk in ids:
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=pk, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=timezone.now())
            if not claimed:
                continue
            application = Application.objects.get(pk=pk)
            audit_record(
                action="application_overdue",
                obj=application,
                reason=f"已超过承诺时限（截止 {application.due_date:%Y-%m-%d}）",
            )
            flagged += 1
    return flagged


def application_reveal_id(*, application: Application, reason: str, by) -> str:
    """查看完整: the full ID number for staff who handle the application, with
    the reason recorded in the audit trail (PIPL)."""
    if not by.has_perm(CHANGE):
        raise WorkflowError("您没有查看完整证件号码的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "查看完整证件号码须说明原因。"})
    audit_record(by=by, action="application_reveal_id", obj=application, reason=reason)
    return application.applicant_id_number
