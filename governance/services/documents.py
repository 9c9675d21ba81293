"""Normative documents: drafting steps, publication (guarded), filing and
clean-up reviews (DOMAIN.md §7.2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.workflow import WorkflowError, required_text

from ..models import (
    DocumentReview,
    DraftingStep,
    NormativeDocument,
    ReviewResult,
)
from ..workflow import (
    DOCUMENT_WORKFLOW,
)
from .common import (
    apply_changes,
    create_record,
    local_day,
    not_future,
    now_or,
    update_record,
)

# --- Normative documents -------------------------------------------------------------


@transaction.atomic
def document_create(
    *, by, unit, title: str, summary: str = "", concerns_business: bool = True
) -> NormativeDocument:
    """Start drafting a document (起草)."""
    return create_record(
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
    return create_record(
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
    return update_record(document, by=by, action="document_update", data=data)


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
    changes = apply_changes(
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
    changes = apply_changes(
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
    moment = now_or(concluded_at)
    not_future(moment, "清理结论时间")
    review = DocumentReview.objects.create(
        document=document,
        concluded_at=moment,
        result=result,
        reason=required_text(reason, "理由"),
        recorded_by=by,
    )
    if action != "review":
        document.ended_on = local_day(moment)
    DOCUMENT_WORKFLOW.finish(
        document,
        action,
        by,
        reason=f"{review.get_result_display()}：{review.reason}",
        changes={"result": result},
    )
    return review
