"""Writes for the service window: receipt, the workflow, evaluations, checks.

Every state change goes through ``application_transition``, which reads the
allowed moves from ``TRANSITIONS`` (the same table the detail page offers
buttons from), locks the row, applies the move and writes one AuditEvent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days, working_days_between
from jiaotong.models import Enterprise
from jiaotong.registry.models import CreditGrade, PowerType
from jiaotong.validators import validate_id_for_party, validate_mobile

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

NUMBER_PREFIX = "SXJT"
SUPPLEMENT_NOTICE_DAYS = 5  # 一次性告知 within 5 working days (ALL art. 32(4))
COMMITMENT_CHECK_DAYS = 20  # working days after approval to verify a commitment
YELLOW_DAYS = 2  # "≤ 2 working days left" marks an application yellow

S = Application.Status
CHANGE = "licensing.change_application"
REVOKE = "licensing.revoke_application"


class TransitionRefused(Exception):
    """A move that the state, the matter or the user's role does not allow."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    permission: str = CHANGE
    needs_reason: bool = False
    # "decision": matters that end in a licensing decision; "service": public
    # services, which are simply completed; "any": both.
    matters: str = "any"


_PRE_DECISION = (S.RECEIVED, S.SUPPLEMENT, S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED)

# (from, to) -> the move. DOMAIN.md §3.2.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.RECEIVED, S.SUPPLEMENT): Move("supplement", "一次性告知补正"),
    (S.RECEIVED, S.ACCEPTED): Move("accept", "受理"),
    (S.SUPPLEMENT, S.ACCEPTED): Move("accept", "材料已补齐，受理"),
    (S.RECEIVED, S.NOT_ACCEPTED): Move("reject", "不予受理", needs_reason=True),
    (S.SUPPLEMENT, S.NOT_ACCEPTED): Move("reject", "不予受理", needs_reason=True),
    (S.ACCEPTED, S.UNDER_REVIEW): Move("review", "开始审查"),
    (S.UNDER_REVIEW, S.SUSPENDED): Move("pause", "暂停计时"),
    (S.SUSPENDED, S.UNDER_REVIEW): Move("resume", "恢复计时"),
    (S.UNDER_REVIEW, S.APPROVED): Move("approve", "准予许可", matters="decision"),
    (S.UNDER_REVIEW, S.DENIED): Move(
        "deny", "不予许可", needs_reason=True, matters="decision"
    ),
    (S.APPROVED, S.CLOSED): Move("complete", "办结（发证/送达）"),
    (S.DENIED, S.CLOSED): Move("complete", "办结（送达决定书）"),
    (S.ACCEPTED, S.CLOSED): Move("complete", "办结", matters="service"),
    (S.UNDER_REVIEW, S.CLOSED): Move("complete", "办结", matters="service"),
    **{
        (state, S.WITHDRAWN): Move("withdraw", "申请人撤回", needs_reason=True)
        for state in _PRE_DECISION
    },
    (S.APPROVED, S.REVOKED): Move(
        "revoke", "撤销许可（承诺不实）", permission=REVOKE, needs_reason=True
    ),
    (S.CLOSED, S.REVOKED): Move(
        "revoke", "撤销许可（承诺不实）", permission=REVOKE, needs_reason=True
    ),
}

FINAL_RESULTS = (Result.APPROVED, Result.DENIED, Result.DONE)


def needs_decision(matter) -> bool:
    """Licensing and the other powers end in a decision; public services do not."""
    return matter.power_type != PowerType.PUBLIC_SERVICE


def _matter_fits(move: Move, matter) -> bool:
    if move.matters == "decision":
        return needs_decision(matter)
    if move.matters == "service":
        return not needs_decision(matter)
    return True


def allowed_moves(application: Application, user) -> list[tuple[str, Move]]:
    """The moves the user may make now: offered by the detail page, checked again
    (with the rules that need the database) by ``application_transition``."""
    moves = []
    for (source, target), move in TRANSITIONS.items():
        if source != application.status or not _matter_fits(move, application.matter):
            continue
        if not user.has_perm(move.permission):
            continue
        if move.action == "revoke" and not application.notify_commit:
            continue
        moves.append((target, move))
    return moves


# --- Deadlines -------------------------------------------------------------------


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def supplement_deadline(application: Application) -> dt.date:
    """Last day on which the applicant may be told to supplement (5 working days)."""
    return add_working_days(local_day(application.received_at), SUPPLEMENT_NOTICE_DAYS)


def limit_date(received: dt.date, days: int | None, paused: int) -> dt.date | None:
    if days is None:
        return None
    return add_working_days(received, days + paused)


def _set_deadlines(application: Application) -> None:
    """Due dates run in working days from the day of receipt, shifted by the
    working days during which the clock was paused."""
    received = local_day(application.received_at)
    matter = application.matter
    application.due_date = limit_date(
        received, matter.promised_limit_days, application.paused_days
    )
    application.statutory_due_date = limit_date(
        received, matter.statutory_limit_days, application.paused_days
    )


# --- Receipt (收件) ----------------------------------------------------------------

_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if _LANDLINE.match(value):
        return value
    try:
        return validate_mobile(value)
    except ValidationError:
        raise ValidationError(
            "联系电话应为11位手机号码或带区号的固定电话（如 0370-8123456）。"
        ) from None


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
    received_day = local_day(received_at)
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
        phone = clean_phone(applicant_phone)
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


# --- The workflow --------------------------------------------------------------------


def _refuse_unless_allowed(application, to, by) -> Move:
    if to not in S.values:
        raise TransitionRefused("未知的办件状态。")
    move = TRANSITIONS.get((application.status, to))
    if move is None:
        raise TransitionRefused(
            f"办件当前状态为“{application.get_status_display()}”，"
            f"不能变更为“{S(to).label}”。"
        )
    if by is not None and not by.has_perm(move.permission):
        raise TransitionRefused(f"您没有执行“{move.label}”的权限。")
    if not _matter_fits(move, application.matter):
        if move.matters == "decision":
            raise TransitionRefused("公共服务事项无需作出许可决定，请直接办结。")
        raise TransitionRefused("该事项须先作出准予或不予许可的决定，再办结。")
    return move


def _close_open_pause(application, today) -> int:
    pause = application.pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        return 0
    pause.ended_on = today
    pause.working_days = working_days_between(pause.started_on, today)
    pause.save(update_fields=["ended_on", "working_days"])
    return pause.working_days


def _supplement(application, by, now, reason, data):
    today = local_day(now)
    if SupplementNotice.objects.filter(application=application).exists():
        raise TransitionRefused("补正告知只能一次性作出，本件已告知过。")
    if today > supplement_deadline(application):
        raise TransitionRefused(
            "收件已超过5个工作日，不能再告知补正；依法自收件之日起视为受理。"
        )
    items = [line.strip() for line in (data.get("items") or "").splitlines()]
    items = [line for line in items if line]
    if not items:
        raise TransitionRefused("请逐项列明需补正的全部材料（每行一项）。")
    SupplementNotice.objects.create(
        application=application,
        items="\n".join(items),
        notified_at=now,
        notified_by=by,
    )
    return {"items": items}


def _accept(application, by, now, reason, data):
    today = local_day(now)
    if application.status == S.SUPPLEMENT:
        notice = application.supplement_notice
        notice.completed_at = now
        notice.save(update_fields=["completed_at"])
        # The applicant's time to supplement does not count against the window.
        application.paused_days += working_days_between(
            local_day(notice.notified_at), today
        )
        _set_deadlines(application)
        application.accepted_at = now
    elif today > supplement_deadline(application):
        # Not told to supplement within 5 working days: deemed accepted on the
        # day the materials were received (ALL art. 32(4)).
        application.accepted_at = application.received_at
        application.deemed_accepted = True
    else:
        application.accepted_at = now
    return {"deemed": application.deemed_accepted}


def _reject(application, by, now, reason, data):
    application.not_accepted_at = now
    application.not_accepted_reason = reason


def _pause(application, by, now, reason, data):
    kind = data.get("kind") or ""
    if kind not in ClockPause.Kind.values:
        raise TransitionRefused(
            "请选择暂停计时事由（听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审）。"
        )
    ClockPause.objects.create(
        application=application, kind=kind, reason=reason, started_on=local_day(now)
    )
    return {"kind": kind}


def _resume(application, by, now, reason, data):
    today = local_day(now)
    days = _close_open_pause(application, today)
    application.paused_days += days
    _set_deadlines(application)
    if application.due_date is None or application.due_date >= today:
        application.overdue_flagged_at = None
    return {"paused_working_days": days}


def _approve(application, by, now, reason, data):
    application.result = Result.APPROVED
    application.decided_at = now
    application.decision_reason = reason
    if application.notify_commit:
        check = CommitmentCheck.objects.create(
            application=application,
            due_date=add_working_days(local_day(now), COMMITMENT_CHECK_DAYS),
        )
        return {"commitment_check_due": check.due_date}
    return None


def default_remedies() -> str:
    county = settings.JIAOTONG_COUNTY_NAME
    return (
        f"如不服本决定，可以自收到本决定书之日起六十日内向{county}人民政府申请"
        "行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )


def _deny(application, by, now, reason, data):
    application.result = Result.DENIED
    application.decided_at = now
    application.decision_reason = reason
    application.remedies = (data.get("remedies") or "").strip() or default_remedies()


def _complete(application, by, now, reason, data):
    application.completed_at = now
    if not application.result:
        application.result = Result.DONE


def _withdraw(application, by, now, reason, data):
    application.withdrawn_at = now
    _close_open_pause(application, local_day(now))


def _revoke(application, by, now, reason, data):
    failed = application.commitment_checks.filter(
        outcome=CommitmentCheck.Outcome.FAILED
    ).exists()
    if not application.notify_commit or not failed:
        raise TransitionRefused(
            "只有以告知承诺方式准予、且核查发现承诺不实的许可才能撤销。"
        )
    application.revoked_at = now


_EFFECTS = {
    "supplement": _supplement,
    "accept": _accept,
    "reject": _reject,
    "review": lambda *args: None,
    "pause": _pause,
    "resume": _resume,
    "approve": _approve,
    "deny": _deny,
    "complete": _complete,
    "withdraw": _withdraw,
    "revoke": _revoke,
}


@transaction.atomic
def application_transition(
    *, application: Application, to: str, by, reason: str = "", **data
) -> Application:
    """Move an application to state ``to``.

    Re-reads the row under a lock, refuses (``TransitionRefused``) a move that
    is not in ``TRANSITIONS`` for its current state, that the user's
    permissions or the matter's kind do not allow, or that breaks a rule of
    DOMAIN.md §3.2; sets the move's timestamps and writes one AuditEvent.
    ``by=None`` is the system (the daily task).
    """
    # Lock first: of two concurrent moves on one application exactly one wins.
    locked = (
        Application.objects.select_for_update()
        .select_related("matter")
        .get(pk=application.pk)
    )
    move = _refuse_unless_allowed(locked, to, by)
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise TransitionRefused(f"“{move.label}”须填写理由。")
    now = timezone.now()
    from_state = locked.status
    changes = _EFFECTS[move.action](locked, by, now, reason, data) or {}
    locked.status = to
    locked.save()
    audit_record(
        by=by,
        action=f"application_{move.action}",
        obj=locked,
        from_state=from_state,
        to_state=to,
        reason=reason,
        changes=changes,
    )
    return locked


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
        raise TransitionRefused("您没有录入评价的权限。")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.completed_at is None:
        raise TransitionRefused("办件办结后才能评价。")
    if locked.evaluation:
        raise TransitionRefused("一次一评：该办件已有评价。")
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
        raise TransitionRefused("您没有录入回访的权限。")
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
    opens the way to revoking the approval (``application_transition`` to 撤销)."""
    if not by.has_perm(CHANGE):
        raise TransitionRefused("您没有录入核查结果的权限。")
    locked = CommitmentCheck.objects.select_for_update().get(pk=check.pk)
    if locked.outcome != CommitmentCheck.Outcome.PENDING:
        raise TransitionRefused("该核查已有结果。")
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
            application_transition(
                application=application,
                to=S.ACCEPTED,
                by=None,
                reason="收件后5个工作日内未告知补正，视为自收件之日起受理",
            )
        except TransitionRefused:  # moved on meanwhile: nothing to do
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
        raise TransitionRefused("您没有查看完整证件号码的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "查看完整证件号码须说明原因。"})
    audit_record(by=by, action="application_reveal_id", obj=application, reason=reason)
    return application.applicant_id_number
