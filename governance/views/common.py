"""What every governance screen shares: the scoped fetch, list pages, the form
page, the generic workflow action and attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from jiaotong import actions
from jiaotong.actions import error_text
from jiaotong.web import (
    add_service_errors,
    form_errors,
    require_permission,
    stored_file_response,
)
from jiaotong.workflow import WorkflowError

from .. import forms, selectors, services
from ..models import (
    Attachment,
    Campaign,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Petition,
    Suggestion,
)
from ..workflow import (
    DOCUMENT_WORKFLOW,
    MEDIATION_WORKFLOW,
    PETITION_WORKFLOW,
    SUGGESTION_WORKFLOW,
)

PAGE_SIZE = 25

# register slug in URLs -> (model, workflow)
WORKFLOWS = {
    "suggestion": (Suggestion, SUGGESTION_WORKFLOW),
    "document": (NormativeDocument, DOCUMENT_WORKFLOW),
    "mediation": (Mediation, MEDIATION_WORKFLOW),
    "petition": (Petition, PETITION_WORKFLOW),
}
ATTACHMENT_OWNERS = {
    "suggestion": Suggestion,
    "document": NormativeDocument,
    "mediation": Mediation,
    "education": EducationEvent,
    "campaign": Campaign,
}


def perm(model, verb: str) -> str:
    return f"governance.{verb}_{model._meta.model_name}"


def visible(request, model, pk):
    """The row if the user may see it, else 404 (out of scope or no right)."""
    return get_object_or_404(
        model.objects.visible_to(request.user).select_related("unit"), pk=pk
    )


def copy_of(obj):
    """An edit form works on a copy, so that the service compares the form's
    values with the stored row."""
    return type(obj).objects.get(pk=obj.pk)


def list_page(request, template, filterset, context=None):
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, template, {"filter": filterset, "page_obj": page, **(context or {})}
    )


def form_page(request, form, *, title, back, save, success: str):
    """Bind → call ``save(cleaned_data)`` (one service) → message → redirect;
    a refused save shows the service's reasons on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except (ValidationError, WorkflowError) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                form.add_error(None, error_text(exc))
        else:
            messages.success(request, success)
            return redirect(obj)
    return render(
        request,
        "governance/record_form.html",
        {"form": form, "title": title, "back": back},
    )


def edit_page(request, model, pk, form_class, service, keyword: str, *, title: str):
    """A register row's edit page: scoped fetch (404) → change permission (403)
    → the form on a copy → ``service(<keyword>=row, by=user, **data)``.
    ``title`` is formatted with the row as ``obj`` (``"修改 {obj.title}"``)."""
    obj = visible(request, model, pk)
    require_permission(request, perm(model, "change"))
    form = form_class(request.POST or None, instance=copy_of(obj), user=request.user)
    return form_page(
        request,
        form,
        title=title.format(obj=obj),
        back=obj.get_absolute_url(),
        save=lambda data: service(**{keyword: obj}, by=request.user, **data),
        success="已保存修改。",
    )


# one generic action view per register, each fetching the row in the user's scope
ACTION_VIEWS = {
    register: actions.action_view(
        workflow, lambda request, pk, model=model: visible(request, model, pk)
    )
    for register, (model, workflow) in WORKFLOWS.items()
}


def record_action(request, register, pk, action):
    """Every register's moves under one URL pattern: the register's own
    ``actions.action_view`` (scoped fetch, permission, form, service, message)."""
    if register not in ACTION_VIEWS:
        raise Http404
    return ACTION_VIEWS[register](request, pk=pk, action=action)


@require_POST
def attachment_upload(request, register, pk):
    if register not in ATTACHMENT_OWNERS:
        raise Http404
    model = ATTACHMENT_OWNERS[register]
    owner = visible(request, model, pk)
    require_permission(request, perm(model, "change"))
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(owner)
    try:
        services.attachment_add(
            owner=owner,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "附件已上传。")
    return redirect(owner)


@require_GET
def attachment_download(request, pk):
    """Served only if the user may see the attachment's owner."""
    attachment = get_object_or_404(Attachment, pk=pk)
    owner = attachment.owner
    if (
        owner is None
        or not type(owner).objects.visible_to(request.user).filter(pk=owner.pk).exists()
    ):
        raise Http404
    return stored_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        missing="附件文件",
    )


def detail_context(request, obj, register: str, **extra) -> dict:
    """What every detail page shows: attachments, the audit timeline and, for
    registers with a workflow, the moves this user may make."""
    model = type(obj)
    context = {
        "object": obj,
        "register": register,
        "timeline": selectors.timeline(obj),
        "can_change": request.user.has_perm(perm(model, "change")),
        **extra,
    }
    if register in ATTACHMENT_OWNERS:
        context["attachments"] = obj.attachments.select_related("uploaded_by")
        context["attachment_form"] = (
            forms.AttachmentForm() if context["can_change"] else None
        )
    if register in WORKFLOWS:
        workflow = WORKFLOWS[register][1]
        context["actions"] = actions.action_items(
            workflow, obj, request.user, show_refused=True
        )
    return context
