"""Registry pages: the power list (权责清单) and the enterprise register (企业名录).

Reads come from ``jiaotong.registry.selectors`` (scoped by ``visible_to``), writes go
through ``jiaotong.registry.services``. Permissions decide the action (403),
the scoped queryset decides the rows (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from jiaotong.discovery import app_hooks
from jiaotong.imports.framework import UNCHANGED
from jiaotong.web import add_service_errors, permission_required

from . import selectors
from .filters import EnterpriseFilter, MatterFilter
from .forms import EnterpriseForm, GradeChangeForm, MatterForm
from .services import enterprise_change_grade as change_grade_service
from .services import enterprise_upsert, matter_upsert

PER_PAGE = 25


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _saved_message(request, outcome: str, text: str) -> None:
    if outcome == UNCHANGED:
        messages.info(request, "内容没有变化，未作修改。")
    else:
        messages.success(request, text)


# --- 权责清单 -----------------------------------------------------------------------


@require_safe
@permission_required("jiaotong.view_matter")
def matter_list(request):
    matters = selectors.matter_list(user=request.user)
    matter_filter = MatterFilter(request.GET, queryset=matters, request=request)
    # The counts ignore the power-type choice, so each chip shows what it would give.
    others = request.GET.copy()
    others.pop("power_type", None)
    counts = selectors.matter_counts_by_power_type(
        MatterFilter(others, queryset=matters).qs
    )
    return render(
        request,
        "registry/matter_list.html",
        {
            "filter": matter_filter,
            "page_obj": _page(request, matter_filter.qs),
            "counts": counts,
            "selected_type": matter_filter.form.cleaned_data.get("power_type", ""),
            "today": timezone.localdate(),
            "can_add": request.user.has_perm("jiaotong.add_matter"),
        },
    )


@require_safe
@permission_required("jiaotong.view_matter")
def matter_detail(request, pk):
    matter = get_object_or_404(selectors.matter_list(user=request.user), pk=pk)
    return render(
        request,
        "registry/matter_detail.html",
        {
            "matter": matter,
            "changes": matter.changes.all(),
            "timeline": selectors.audit_timeline(matter),
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("jiaotong.change_matter"),
        },
    )


def _matter_form_page(request, form, matter=None):
    if request.method == "POST" and form.is_valid():
        code = matter.code if matter else form.cleaned_data["code"]
        try:
            saved, outcome = matter_upsert(
                code=code, values=form.values(), by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _saved_message(request, outcome, f"事项“{saved.name}”已保存。")
            return redirect(saved)
    return render(
        request, "registry/matter_form.html", {"form": form, "matter": matter}
    )


@permission_required("jiaotong.add_matter")
def matter_create(request):
    return _matter_form_page(request, MatterForm(request.POST or None))


@permission_required("jiaotong.change_matter")
def matter_edit(request, pk):
    matter = get_object_or_404(selectors.matter_list(user=request.user), pk=pk)
    form = MatterForm(request.POST or None, instance=matter)
    return _matter_form_page(request, form, matter)


@require_safe
@login_not_required
def matter_public_list(request):
    """权责清单公示: the published list of matters in force today (no personal data)."""
    today = timezone.localdate()
    groups = selectors.matter_public_list(day=today)
    return render(
        request,
        "registry/matter_public_list.html",
        {
            "groups": groups,
            "total": sum(len(group["matters"]) for group in groups),
            "today": today,
        },
    )


# --- 企业名录 -----------------------------------------------------------------------


@require_safe
@permission_required("jiaotong.view_enterprise")
def enterprise_list(request):
    user = request.user
    enterprise_filter = EnterpriseFilter(
        request.GET,
        queryset=selectors.enterprise_list(user=user),
        towns=selectors.enterprise_towns(user=user),
        request=request,
    )
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "filter": enterprise_filter,
            "page_obj": _page(request, enterprise_filter.qs),
            "can_add": user.has_perm("jiaotong.add_enterprise"),
        },
    )


def _enterprise_detail(request, enterprise, grade_form=None, status=200):
    can_change = request.user.has_perm("jiaotong.change_enterprise")
    if can_change and grade_form is None:
        grade_form = GradeChangeForm(enterprise=enterprise)
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "grade_changes": enterprise.grade_changes.all(),
            "timeline": selectors.audit_timeline(enterprise),
            "can_change": can_change,
            "grade_form": grade_form if can_change else None,
            "sections": _enterprise_sections(enterprise, request.user),
        },
        status=status,
    )


def _enterprise_sections(enterprise, user) -> list[dict]:
    """What other domains record about this enterprise (complaints, penalties...).

    A domain app contributes through its AppConfig:
    ``def enterprise_sections(self, enterprise, user) -> list[dict]`` returning
    ``{"template": "...", ...}`` items (the template sees the item as
    ``section``), so jiaotong never imports
    a domain app.
    """
    return app_hooks("enterprise_sections", enterprise, user)


@require_safe
@permission_required("jiaotong.view_enterprise")
def enterprise_detail(request, pk):
    user = request.user
    enterprise = get_object_or_404(selectors.enterprise_list(user=user), pk=pk)
    return _enterprise_detail(request, enterprise)


def _enterprise_form_page(request, form, enterprise=None):
    if request.method == "POST" and form.is_valid():
        code = (
            enterprise.credit_code if enterprise else form.cleaned_data["credit_code"]
        )
        try:
            saved, outcome = enterprise_upsert(
                credit_code=code, values=form.values(), by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _saved_message(request, outcome, f"企业“{saved.name}”已保存。")
            return redirect(saved)
    return render(
        request,
        "registry/enterprise_form.html",
        {"form": form, "enterprise": enterprise},
    )


@permission_required("jiaotong.add_enterprise")
def enterprise_create(request):
    # The window's intake links here with the unknown credit code filled in.
    initial = {"credit_code": request.GET.get("credit_code", "").strip().upper()}
    return _enterprise_form_page(
        request, EnterpriseForm(request.POST or None, initial=initial)
    )


@permission_required("jiaotong.change_enterprise")
def enterprise_edit(request, pk):
    user = request.user
    enterprise = get_object_or_404(selectors.enterprise_list(user=user), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    return _enterprise_form_page(request, form, enterprise)


@require_POST
@permission_required("jiaotong.change_enterprise")
def enterprise_change_grade(request, pk):
    user = request.user
    enterprise = get_object_or_404(selectors.enterprise_list(user=user), pk=pk)
    form = GradeChangeForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        try:
            change_grade_service(enterprise=enterprise, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"信用等级已调整为 {enterprise.credit_grade}。")
            return redirect(enterprise)
    messages.error(request, "信用等级未调整，请检查下方填写的内容。")
    return _enterprise_detail(request, enterprise, grade_form=form, status=400)
