"""The penalty case's life as data (DOMAIN.md §4.1–4.3): one ``Workflow`` table
keyed by action. The case page offers exactly ``CASE_WORKFLOW.allowed_actions``;
the services in ``enforcement.services`` perform the moves through ``begin`` /
``finish`` and re-check the guards on the locked row."""

from __future__ import annotations

from jiaotong.workflow import Transition, Workflow

from . import rules
from .models import PenaltyCase, Procedure

S = PenaltyCase.Status
CHANGE = "enforcement.change_penaltycase"
REVIEW = "enforcement.review_penaltycase"
DECIDE = "enforcement.decide_penaltycase"
SVC = "enforcement.services."
FORMS = "enforcement.forms."


def _first(problems: list[str]) -> str | None:
    return problems[0] if problems else None


def _general_only(case, user) -> str | None:
    if case.procedure != Procedure.GENERAL:
        return "简易程序案件当场作出决定，无此环节。"
    return None


def _investigation_guard(case, user) -> str | None:
    """Investigation steps are taken by ≥ 2 officers with valid certificates on
    the day (APL arts. 42, 55)."""
    return _general_only(case, user) or _first(rules.officer_problems(case))


def _file_guard(case, user) -> str | None:
    problems = rules.officer_problems(case)
    if case.procedure == Procedure.SIMPLE:
        problems = (
            rules.simple_procedure_problems(
                party_type=case.party_type,
                penalty_types=case.penalty_type_list,
                fine=case.fine,
                on=rules.today(),
            )
            + problems
        )
    return _first(problems)


def _notify_guard(case, user) -> str | None:
    if not case.penalty_type_list:
        return "请先在调查终结时确定拟处罚种类。"
    return _general_only(case, user)


def _hearing_request_guard(case, user) -> str | None:
    if not rules.hearing_right(case):
        return "本案拟处罚未达到听证标准，当事人无听证权利。"
    if case.hearings.exists():
        return "本案已有听证申请。"
    deadline = rules.hearing_request_deadline(case)
    if deadline and rules.today() > deadline:
        return f"听证申请期限（{deadline:%Y-%m-%d}）已过。"
    return None


def _hearing_record_guard(case, user) -> str | None:
    if not case.hearings.filter(status__in=["requested", "scheduled"]).exists():
        return "没有待举行的听证。"
    return None


def _conclude_initial(case) -> dict:
    """Concluding starts from what the case already proposes."""
    return {
        "penalty_types": case.penalty_type_list,
        "fine": case.fine,
        "legal_basis": case.legal_basis,
        "discretion_item": case.discretion_item,
        "discretion_departure_reason": case.discretion_departure_reason,
        "is_complex": case.is_complex,
    }


def _execute_initial(case) -> dict:
    return {"paid_amount": case.fine}


def _submit_review_guard(case, user) -> str | None:
    if case.hearings.filter(status__in=["requested", "scheduled"]).exists():
        return "听证尚未举行或放弃，不能送法制审核。"
    if case.reviews.filter(result="").exists():
        return "本案已在法制审核中。"
    return None


def _discuss_guard(case, user) -> str | None:
    return _general_only(case, user)


def _decide_guard(case, user) -> str | None:
    return _first(rules.decision_problems(case))


def _no_penalty_guard(case, user) -> str | None:
    return _general_only(case, user)


def _close_guard(case, user) -> str | None:
    if (
        case.procedure == Procedure.SIMPLE
        and case.outcome == "处罚"
        and case.copy_filed_at is None
    ):
        return "简易程序案件须先将当场处罚决定书报所属行政机关备案，才能结案。"
    return None


CASE_WORKFLOW = Workflow(
    object_name="case",
    audit_prefix="case",
    transitions={
        "file": Transition(
            "立案",
            (S.DRAFT,),
            S.FILED,
            CHANGE,
            service=SVC + "case_file",
            done="已立案，案件编号 {obj.number}。",
            guard=_file_guard,
        ),
        "investigate": Transition(
            "开始调查取证",
            (S.FILED,),
            S.INVESTIGATING,
            CHANGE,
            service=SVC + "case_investigate",
            done="已开始调查取证。",
            guard=_investigation_guard,
        ),
        "conclude_investigation": Transition(
            "调查终结",
            (S.INVESTIGATING,),
            S.INVESTIGATED,
            CHANGE,
            service=SVC + "case_conclude_investigation",
            form=FORMS + "ConcludeInvestigationForm",
            done="调查终结，已确定拟处罚意见。",
            guard=_investigation_guard,
            initial=_conclude_initial,
        ),
        "notify": Transition(
            "事先告知",
            (S.INVESTIGATED,),
            S.NOTIFIED,
            CHANGE,
            service=SVC + "case_notify",
            form=FORMS + "NotifyForm",
            done="已送达事先告知书。",
            guard=_notify_guard,
        ),
        "request_hearing": Transition(
            "登记听证申请",
            (S.NOTIFIED,),
            S.NOTIFIED,
            CHANGE,
            service=SVC + "case_request_hearing",
            form=FORMS + "HearingRequestForm",
            done="已登记听证申请。",
            guard=_hearing_request_guard,
            style="secondary",
        ),
        "record_hearing": Transition(
            "录入听证结果",
            (S.NOTIFIED,),
            S.NOTIFIED,
            CHANGE,
            service=SVC + "case_record_hearing",
            form=FORMS + "HearingRecordForm",
            done="已录入听证结果。",
            guard=_hearing_record_guard,
            style="secondary",
        ),
        "submit_review": Transition(
            "送法制审核",
            (S.NOTIFIED,),
            S.UNDER_REVIEW,
            CHANGE,
            service=SVC + "case_submit_review",
            done="已送法制审核。",
            guard=_submit_review_guard,
        ),
        "review_agree": Transition(
            "审核同意",
            (S.UNDER_REVIEW,),
            S.REVIEWED,
            REVIEW,
            service=SVC + "case_review_agree",
            form=FORMS + "ReviewForm",
            done="法制审核：同意。",
            style="success",
        ),
        "review_return": Transition(
            "退回补充调查",
            (S.UNDER_REVIEW,),
            S.INVESTIGATING,
            REVIEW,
            service=SVC + "case_review_return",
            form=FORMS + "ReviewForm",
            done="法制审核：退回补充调查。",
            style="warning",
        ),
        "review_disagree": Transition(
            "审核不同意",
            (S.UNDER_REVIEW,),
            S.INVESTIGATED,
            REVIEW,
            service=SVC + "case_review_disagree",
            form=FORMS + "ReviewForm",
            done="法制审核：不同意。",
            style="danger",
        ),
        "discuss": Transition(
            "集体讨论",
            (S.NOTIFIED, S.REVIEWED),
            S.DISCUSSED,
            DECIDE,
            service=SVC + "case_discuss",
            form=FORMS + "DiscussionForm",
            done="已录入集体讨论记录。",
            guard=_discuss_guard,
            style="secondary",
        ),
        "decide": Transition(
            "作出处罚决定",
            (S.FILED, S.NOTIFIED, S.REVIEWED, S.DISCUSSED),
            S.DECIDED,
            DECIDE,
            service=SVC + "case_decide",
            form=FORMS + "DecideForm",
            done="已作出处罚决定。",
            guard=_decide_guard,
            confirm="作出处罚决定后不能撤回，确定吗？",
        ),
        "decide_no_penalty": Transition(
            "不予处罚",
            (S.INVESTIGATED, S.NOTIFIED, S.REVIEWED, S.DISCUSSED),
            S.NO_PENALTY,
            DECIDE,
            service=SVC + "case_decide_no_penalty",
            form=FORMS + "ReasonForm",
            done="已决定不予处罚。",
            guard=_no_penalty_guard,
            style="secondary",
        ),
        "transfer": Transition(
            "移送司法机关",
            (S.INVESTIGATED,),
            S.TRANSFERRED,
            DECIDE,
            service=SVC + "case_transfer",
            form=FORMS + "ReasonForm",
            done="已移送司法机关。",
            guard=_general_only,
            style="secondary",
        ),
        "serve": Transition(
            "送达决定书",
            (S.DECIDED,),
            S.SERVED,
            CHANGE,
            service=SVC + "case_serve",
            form=FORMS + "ServeForm",
            done="已送达处罚决定书。",
        ),
        "execute": Transition(
            "录入执行情况",
            (S.SERVED,),
            S.EXECUTED,
            CHANGE,
            service=SVC + "case_execute",
            form=FORMS + "ExecuteForm",
            done="已录入执行情况。",
            initial=_execute_initial,
        ),
        "close": Transition(
            "结案",
            (S.EXECUTED, S.NO_PENALTY, S.TRANSFERRED),
            S.CLOSED,
            CHANGE,
            service=SVC + "case_close",
            done="已结案。",
            guard=_close_guard,
        ),
        "cancel": Transition(
            "撤销立案",
            (S.DRAFT, S.FILED, S.INVESTIGATING, S.INVESTIGATED),
            S.CANCELLED,
            CHANGE,
            service=SVC + "case_cancel",
            form=FORMS + "ReasonForm",
            done="已撤销立案。",
            confirm="确定撤销立案吗？",
            style="danger",
        ),
    },
)

# Audit action -> label, for timelines and the audit page.
AUDIT_LABELS = {
    f"case_{name}": move.label for name, move in CASE_WORKFLOW.transitions.items()
} | {
    "case_create": "登记案件",
    "case_update": "修改案件",
    "case_extend": "批准延期",
    "case_copy_filed": "当场处罚决定书备案",
    "case_evidence": "上传证据",
    "case_overdue": "标记超期",
    "publicity_publish": "公示",
    "publicity_withdraw": "撤回公示",
    "certificate_expire": "执法证到期",
    "officer_flag": "标记待注销",
}
