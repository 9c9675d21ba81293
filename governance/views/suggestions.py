"""建议提案: list with due marks, the item page, register and edit, contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jiaotong.actions import error_text
from jiaotong.web import form_errors, permission_required, require_permission
from jiaotong.workflow import WorkflowError

from .. import forms, selectors, services
from ..filters import SuggestionFilter
from ..models import Suggestion
from .common import (
    detail_context,
    edit_page,
    form_page,
    list_page,
    visible,
)

VIEW = "governance.view_suggestion"
ADD = "governance.add_suggestion"
CHANGE = "governance.change_suggestion"


@require_GET
@permission_required(VIEW)
def suggestion_list(request):
    rows = selectors.suggestion_list(request.user)
    return list_page(
        request,
        "governance/suggestion_list.html",
        SuggestionFilter(request.GET, queryset=rows),
    )


@require_GET
def suggestion_detail(request, pk):
    suggestion = visible(request, Suggestion, pk)
    context = detail_context(
        request,
        suggestion,
        "suggestion",
        suggestion=suggestion,
        co_units=suggestion.co_units.all(),
        contacts=suggestion.contacts.select_related("recorded_by"),
        contact_form=forms.ContactForm(prefix="contact"),
    )
    return render(request, "governance/suggestion_detail.html", context)


@permission_required(ADD)
def suggestion_create(request):
    form = forms.SuggestionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记建议提案",
        back=reverse("governance:suggestion_list"),
        save=lambda data: services.suggestion_create(by=request.user, **data),
        success="已登记，答复期限已按交办日期计算。",
    )


def suggestion_edit(request, pk):
    return edit_page(
        request,
        Suggestion,
        pk,
        forms.SuggestionEditForm,
        services.suggestion_update,
        "suggestion",
        title="修改建议提案 {obj.number}",
    )


@require_POST
def suggestion_contact_add(request, pk):
    suggestion = visible(request, Suggestion, pk)
    require_permission(request, CHANGE)
    form = forms.ContactForm(request.POST, prefix="contact")
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(suggestion)
    try:
        services.suggestion_add_contact(
            suggestion=suggestion, by=request.user, **form.cleaned_data
        )
    except (ValidationError, WorkflowError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已登记联系沟通记录。")
    return redirect(suggestion)
