"""规范性文件: list, drafting with its steps, publication, filing, clean-up
reviews, and the public list of documents in force."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from jiaotong.actions import post_service
from jiaotong.web import permission_required, require_permission

from .. import forms, selectors, services
from ..filters import DocumentFilter
from ..models import DraftingStepKind, NormativeDocument
from ..workflow import required_steps
from .common import (
    detail_context,
    edit_page,
    form_page,
    list_page,
    visible,
)

VIEW = "governance.view_normativedocument"
ADD = "governance.add_normativedocument"
CHANGE = "governance.change_normativedocument"
S = NormativeDocument.Status


@require_GET
@permission_required(VIEW)
def document_list(request):
    rows = selectors.document_list(request.user)
    return list_page(
        request,
        "governance/document_list.html",
        DocumentFilter(request.GET, queryset=rows),
    )


@require_GET
def document_detail(request, pk):
    document = visible(request, NormativeDocument, pk)
    done = {step.kind: step for step in document.steps.select_related("recorded_by")}
    required = set(required_steps(document))
    steps = [
        {"kind": kind, "required": kind in required, "step": done.get(kind)}
        for kind in DraftingStepKind.values
    ]
    may_change = request.user.has_perm(CHANGE)
    context = detail_context(
        request,
        document,
        "document",
        document=document,
        steps=steps,
        reviews=document.reviews.select_related("recorded_by"),
        step_form=forms.DraftingStepForm(prefix="step")
        if may_change and document.status == S.DRAFTING
        else None,
        file_form=forms.DocumentFileForm(prefix="file")
        if may_change and document.status != S.DRAFTING and not document.filed_on
        else None,
        review_form=forms.DocumentReviewForm(prefix="review")
        if may_change and document.status == S.IN_FORCE
        else None,
    )
    return render(request, "governance/document_detail.html", context)


@permission_required(ADD)
def document_create(request):
    form = forms.DocumentForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="起草规范性文件",
        back=reverse("governance:document_list"),
        save=lambda data: services.document_create(by=request.user, **data),
        success="已登记起草，请逐项登记起草环节。",
    )


@permission_required(ADD)
def document_register(request):
    form = forms.DocumentRegisterForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记存量规范性文件",
        back=reverse("governance:document_list"),
        save=lambda data: services.document_register_existing(by=request.user, **data),
        success="已登记为现行有效文件。",
    )


def document_edit(request, pk):
    return edit_page(
        request,
        NormativeDocument,
        pk,
        forms.DocumentForm,
        services.document_update,
        "document",
        title="修改 {obj.title}",
    )


@require_POST
def document_step(request, pk):
    document = visible(request, NormativeDocument, pk)
    require_permission(request, CHANGE)
    form = forms.DraftingStepForm(request.POST, prefix="step")
    return post_service(
        request,
        document,
        form,
        services.drafting_step_record,
        "已登记起草环节。",
        document=document,
    )


@require_POST
def document_file(request, pk):
    document = visible(request, NormativeDocument, pk)
    require_permission(request, CHANGE)
    form = forms.DocumentFileForm(request.POST, prefix="file")
    return post_service(
        request,
        document,
        form,
        services.document_file,
        "已登记备案。",
        document=document,
    )


@require_POST
def document_review(request, pk):
    document = visible(request, NormativeDocument, pk)
    require_permission(request, CHANGE)
    form = forms.DocumentReviewForm(request.POST, prefix="review")
    return post_service(
        request,
        document,
        form,
        services.document_review,
        "已登记清理结果。",
        document=document,
    )


@require_safe
@login_not_required
def document_public_list(request):
    """现行有效规范性文件公示: public, no personal data."""
    today = timezone.localdate()
    documents = list(selectors.documents_in_force(day=today))
    return render(
        request,
        "governance/document_public_list.html",
        {"documents": documents, "today": today},
    )
