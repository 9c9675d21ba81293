"""The application workflow as data (DOMAIN.md §3.2).

``APPLICATION_WORKFLOW`` lists every move of a window application by action:
from which statuses, to which status, the permission it needs, the guard that
states why it is refused right now (public services are completed without a
decision; a licence is revoked only for a false commitment), and the form,
service and message of the generic action view. Each move has its own typed
service in ``licensing.services`` (``application_accept``, ``application_deny``…).

Adding a move: a row here, its service in ``licensing/services.py``, and its
form when it needs input.
"""

from __future__ import annotations

from django.utils import timezone

from jiaotong.workflow import Transition, Workflow

from .models import Application, CommitmentCheck
from .rules import needs_decision, supplement_deadline

S = Application.Status
CHANGE = "licensing.change_application"
REVOKE = "licensing.revoke_application"
REASON_FORM = "jiaotong.actions.ReasonForm"
DONE = "办件 {obj.number} 的状态已更新为“{status}”。"
PRE_DECISION = (S.RECEIVED, S.SUPPLEMENT, S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED)


def _in_notice_period(application: Application, user) -> str | None:
    if timezone.localdate() > supplement_deadline(application):
        return "收件已超过5个工作日，不能再告知补正；依法自收件之日起视为受理。"
    return None


def _decision_matter(application: Application, user) -> str | None:
    if not needs_decision(application.matter):
        return "公共服务事项无需作出许可决定，请直接办结。"
    return None


def _decided_or_service(application: Application, user) -> str | None:
    undecided = application.status in (S.ACCEPTED, S.UNDER_REVIEW)
    if undecided and needs_decision(application.matter):
        return "该事项须先作出准予或不予许可的决定，再办结。"
    return None


def _false_commitment(application: Application, user) -> str | None:
    failed = application.notify_commit and (
        application.commitment_checks.filter(
            outcome=CommitmentCheck.Outcome.FAILED
        ).exists()
    )
    if not failed:
        return "只有以告知承诺方式准予、且核查发现承诺不实的许可才能撤销。"
    return None


def _reason(label: str, required: bool = True) -> dict:
    return {"label": label, "required": required}


APPLICATION_WORKFLOW = Workflow(
    object_name="application",
    audit_prefix="application",
    lock_queryset=lambda: Application.objects.select_related("matter"),
    transitions={
        "supplement": Transition(
            "一次性告知补正",
            (S.RECEIVED,),
            S.SUPPLEMENT,
            CHANGE,
            guard=_in_notice_period,
            service="licensing.services.application_supplement",
            form="licensing.forms.SupplementForm",
            done=DONE,
        ),
        "accept": Transition(
            "受理",
            (S.RECEIVED, S.SUPPLEMENT),
            S.ACCEPTED,
            CHANGE,
            system=True,  # the daily task deems late applications accepted
            service="licensing.services.application_accept",
            done=DONE,
            confirm="确认受理该申请？受理后开始计算承诺时限，并应向申请人出具受理通知书。",
            then="?next=print",
        ),
        "reject": Transition(
            "不予受理",
            (S.RECEIVED, S.SUPPLEMENT),
            S.NOT_ACCEPTED,
            CHANGE,
            service="licensing.services.application_reject",
            form=REASON_FORM,
            form_kwargs=_reason("不予受理理由（并告知向有关行政机关申请）"),
            done=DONE,
            style="danger",
        ),
        "review": Transition(
            "开始审查",
            (S.ACCEPTED,),
            S.UNDER_REVIEW,
            CHANGE,
            service="licensing.services.application_review",
            done=DONE,
        ),
        "pause": Transition(
            "暂停计时",
            (S.UNDER_REVIEW,),
            S.SUSPENDED,
            CHANGE,
            service="licensing.services.application_pause",
            form="licensing.forms.PauseForm",
            done=DONE,
        ),
        "resume": Transition(
            "恢复计时",
            (S.SUSPENDED,),
            S.UNDER_REVIEW,
            CHANGE,
            service="licensing.services.application_resume",
            done=DONE,
        ),
        "approve": Transition(
            "准予许可",
            (S.UNDER_REVIEW,),
            S.APPROVED,
            CHANGE,
            guard=_decision_matter,
            service="licensing.services.application_approve",
            form=REASON_FORM,
            form_kwargs=_reason("准予说明（可不填）", required=False),
            done=DONE,
        ),
        "deny": Transition(
            "不予许可",
            (S.UNDER_REVIEW,),
            S.DENIED,
            CHANGE,
            guard=_decision_matter,
            service="licensing.services.application_deny",
            form="licensing.forms.DenyForm",
            done=DONE,
            style="danger",
        ),
        "complete": Transition(
            "办结",
            (S.APPROVED, S.DENIED, S.ACCEPTED, S.UNDER_REVIEW),
            S.CLOSED,
            CHANGE,
            guard=_decided_or_service,
            service="licensing.services.application_complete",
            done=DONE,
        ),
        "withdraw": Transition(
            "申请人撤回",
            PRE_DECISION,
            S.WITHDRAWN,
            CHANGE,
            service="licensing.services.application_withdraw",
            form=REASON_FORM,
            form_kwargs=_reason("撤回理由"),
            done=DONE,
            confirm="确定申请人撤回吗？",
            style="danger",
        ),
        "revoke": Transition(
            "撤销许可（承诺不实）",
            (S.APPROVED, S.CLOSED),
            S.REVOKED,
            REVOKE,
            guard=_false_commitment,
            service="licensing.services.application_revoke",
            form=REASON_FORM,
            form_kwargs=_reason("撤销理由"),
            done=DONE,
            confirm="确定撤销许可吗？",
            style="danger",
        ),
    },
)
