"""The transition tables of the governance registers (jiaotong.workflow).

Suggestions (DOMAIN.md §7.1): 已交办 → 办理中 → 已答复 → 已反馈 → (不满意: 重新办理
→ 已答复 → 已反馈) → 已办结. Normative documents (§7.2): 起草中 → 已公布 (only
with every mandatory drafting step recorded) → 施行中 → 已废止 / 已失效, a
保留/修改 review keeping it in force. Mediation (§7.3): 已申请 → 调解中 | 不予受理
→ 达成协议 | 终止调解 → 已回访结案. Petitions: 办理中 → 已解决.
"""

from __future__ import annotations

from jiaotong.workflow import Transition, Workflow

from .models import (
    DraftingStepKind,
    Feedback,
    Mediation,
    NormativeDocument,
    Petition,
    Suggestion,
)

SS = Suggestion.Status
DS = NormativeDocument.Status
MS = Mediation.Status
PS = Petition.Status

_FORMS = "governance.forms"
_SERVICES = "governance.services"


def _rehandle_guard(suggestion, user) -> str | None:
    if suggestion.feedback != Feedback.DISSATISFIED:
        return "只有代表（委员）反馈「不满意」的才需重新办理。"
    if suggestion.rereplied_at is not None:
        return "已重新办理并再次答复，不能再次重新办理。"
    return None


def _close_guard(suggestion, user) -> str | None:
    if suggestion.feedback == Feedback.DISSATISFIED and suggestion.rereplied_at is None:
        return "代表（委员）不满意，须在一个月内重新办理并再次答复后方可办结。"
    return None


SUGGESTION_WORKFLOW = Workflow(
    object_name="suggestion",
    audit_prefix="suggestion",
    transitions={
        "start": Transition(
            label="开始办理",
            sources=(SS.ASSIGNED,),
            target=SS.HANDLING,
            permission="governance.change_suggestion",
            service=f"{_SERVICES}.suggestion_start",
            done="已开始办理。",
        ),
        "reply": Transition(
            label="答复",
            sources=(SS.HANDLING, SS.REHANDLING),
            target=SS.REPLIED,
            permission="governance.change_suggestion",
            service=f"{_SERVICES}.suggestion_reply",
            form=f"{_FORMS}.SuggestionReplyForm",
            done="已登记答复。",
        ),
        "feedback": Transition(
            label="登记反馈意见",
            sources=(SS.REPLIED,),
            target=SS.FEEDBACK,
            permission="governance.change_suggestion",
            service=f"{_SERVICES}.suggestion_record_feedback",
            form=f"{_FORMS}.SuggestionFeedbackForm",
            done="已登记代表（委员）意见。",
        ),
        "rehandle": Transition(
            label="重新办理",
            sources=(SS.FEEDBACK,),
            target=SS.REHANDLING,
            permission="governance.change_suggestion",
            service=f"{_SERVICES}.suggestion_rehandle",
            form=f"{_FORMS}.NoteForm",
            done="已转入重新办理，须在一个月内再次答复。",
            guard=_rehandle_guard,
            style="warning",
        ),
        "close": Transition(
            label="办结",
            sources=(SS.FEEDBACK,),
            target=SS.CLOSED,
            permission="governance.change_suggestion",
            service=f"{_SERVICES}.suggestion_close",
            done="已办结。",
            guard=_close_guard,
            confirm="办结后不能再修改，确定办结？",
            style="success",
        ),
    },
)


# --- Normative documents -------------------------------------------------------------

# 调查研究、公众参与、合法性审查、集体讨论 are required of every document;
# 公平竞争审查 of those that concern businesses' economic activities; 专家论证 and
# 风险评估 are done where the subject calls for them (DOMAIN.md §7.2).
ALWAYS_REQUIRED = (
    DraftingStepKind.RESEARCH,
    DraftingStepKind.PUBLIC,
    DraftingStepKind.LEGALITY,
    DraftingStepKind.COLLECTIVE,
)


def required_steps(document) -> list[str]:
    """The mandatory drafting steps of ``document``, in the drafting order."""
    wanted = set(ALWAYS_REQUIRED)
    if document.concerns_business:
        wanted.add(DraftingStepKind.FAIR_COMPETITION)
    return [kind for kind in DraftingStepKind.values if kind in wanted]


def missing_steps(document) -> list[str]:
    done = set(document.steps.values_list("kind", flat=True))
    return [kind for kind in required_steps(document) if kind not in done]


def _publish_guard(document, user) -> str | None:
    missing = missing_steps(document)
    if missing:
        return "以下必经环节尚未登记，不能公布：" + "、".join(missing) + "。"
    return None


DOCUMENT_WORKFLOW = Workflow(
    object_name="document",
    audit_prefix="document",
    transitions={
        "publish": Transition(
            label="统一登记并公布",
            sources=(DS.DRAFTING,),
            target=DS.PUBLISHED,
            permission="governance.change_normativedocument",
            service=f"{_SERVICES}.document_publish",
            form=f"{_FORMS}.DocumentPublishForm",
            done="文件已公布。",
            guard=_publish_guard,
        ),
        "enforce": Transition(
            label="开始施行",
            sources=(DS.PUBLISHED,),
            target=DS.IN_FORCE,
            permission="governance.change_normativedocument",
            service=f"{_SERVICES}.document_enforce",
            done="文件已施行，列入现行有效文件公示。",
        ),
        # A clean-up review ends in one of these three (services.document_review).
        "review": Transition(
            label="清理：保留或修改",
            sources=(DS.IN_FORCE,),
            target=DS.IN_FORCE,
            permission="governance.change_normativedocument",
        ),
        "repeal": Transition(
            label="清理：废止",
            sources=(DS.IN_FORCE,),
            target=DS.REPEALED,
            permission="governance.change_normativedocument",
        ),
        "expire": Transition(
            label="清理：宣布失效",
            sources=(DS.IN_FORCE,),
            target=DS.EXPIRED,
            permission="governance.change_normativedocument",
        ),
    },
)


# --- Mediation and petitions -----------------------------------------------------------

_MED = "governance.change_mediation"

MEDIATION_WORKFLOW = Workflow(
    object_name="mediation",
    audit_prefix="mediation",
    transitions={
        "accept": Transition(
            label="受理",
            sources=(MS.APPLIED,),
            target=MS.ACCEPTED,
            permission=_MED,
            service=f"{_SERVICES}.mediation_accept",
            form=f"{_FORMS}.MomentForm",
            done="已受理，进入调解。",
        ),
        "not_accept": Transition(
            label="不予受理",
            sources=(MS.APPLIED,),
            target=MS.NOT_ACCEPTED,
            permission=_MED,
            service=f"{_SERVICES}.mediation_not_accept",
            form=f"{_FORMS}.NoteForm",
            done="已决定不予受理。",
            style="outline-danger",
        ),
        "agree": Transition(
            label="达成协议",
            sources=(MS.ACCEPTED,),
            target=MS.AGREED,
            permission=_MED,
            service=f"{_SERVICES}.mediation_agree",
            form=f"{_FORMS}.MediationAgreeForm",
            done="已登记调解协议。",
            style="success",
        ),
        "terminate": Transition(
            label="终止调解",
            sources=(MS.ACCEPTED,),
            target=MS.TERMINATED,
            permission=_MED,
            service=f"{_SERVICES}.mediation_terminate",
            form=f"{_FORMS}.NoteForm",
            done="已终止调解，并告知当事人可申请仲裁或提起诉讼。",
            style="outline-danger",
        ),
        "close": Transition(
            label="回访结案",
            sources=(MS.AGREED, MS.TERMINATED),
            target=MS.CLOSED,
            permission=_MED,
            service=f"{_SERVICES}.mediation_close",
            form=f"{_FORMS}.NoteForm",
            done="已回访并结案。",
        ),
    },
)

PETITION_WORKFLOW = Workflow(
    object_name="petition",
    audit_prefix="petition",
    transitions={
        "resolve": Transition(
            label="登记解决",
            sources=(PS.RECEIVED,),
            target=PS.RESOLVED,
            permission="governance.change_petition",
            service=f"{_SERVICES}.petition_resolve",
            form=f"{_FORMS}.PetitionResolveForm",
            done="已登记解决情况。",
            style="success",
        ),
    },
)

AUDIT_LABELS = {
    **{
        f"{wf.audit_prefix}_{action}": move.label
        for wf in (
            SUGGESTION_WORKFLOW,
            DOCUMENT_WORKFLOW,
            MEDIATION_WORKFLOW,
            PETITION_WORKFLOW,
        )
        for action, move in wf.transitions.items()
    },
    "suggestion_create": "登记建议提案",
    "suggestion_update": "修改建议提案",
    "suggestion_contact": "登记联系沟通",
    "document_create": "登记起草文件",
    "document_register": "登记存量文件",
    "document_update": "修改规范性文件",
    "document_step": "登记起草环节",
    "document_file": "登记备案",
    "mediation_create": "登记调解申请",
    "mediation_update": "修改调解案件",
    "petition_create": "登记信访",
    "petition_update": "修改信访",
    "education_create": "登记普法活动",
    "education_update": "修改普法活动",
    "campaign_create": "登记专项整治",
    "campaign_update": "修改专项整治",
    "campaign_activity": "登记专项整治活动",
    "campaign_issue": "列入问题清单",
    "campaign_issue_rectify": "问题整改完成",
    "training_create": "登记培训",
    "training_update": "修改培训",
    "training_attendance": "登记参训人员",
    "governance_attachment_add": "上传附件",
}
