"""The leaders' annual dashboard, the year closing actions and the report draft.  Thin views:
figures come from the selectors, writes from the services."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiaotong.accounts.models import OrgUnit
from jiaotong.audit.services import audit_record
from jiaotong.dashboard.models import YearClosing
from jiaotong.metrics.registry import shared_queries
from jiaotong.web import permission_required

from . import selectors, services
from .checks import failures
from .draft import draft, draft_docx

FIRST_YEAR = 2000


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新开放理由", max_length=500)


def units():
    return OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN).order_by("path")


def chosen(request) -> tuple[int, OrgUnit | None]:
    """The year (default: the latest year with records) and unit of the query."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or selectors.default_year())
    except ValueError:
        year = selectors.default_year()
    year = min(max(year, FIRST_YEAR), this_year)
    unit = request.GET.get("unit")
    org = get_object_or_404(units(), pk=unit) if unit and unit.isdigit() else None
    return year, org


@require_GET
@permission_required("jiaotong.view_dashboard")
def dashboard(request):
    year, org = chosen(request)
    closing = YearClosing.objects.filter(year=year).first() if org is None else None
    frozen = closing.values if closing and closing.is_closed else None
    with shared_queries():  # one look-up of the rollups for both years and charts
        sections = selectors.figures(year, org, request.user, frozen=frozen)
        problems = selectors.problems(year, org)
        charts = selectors.charts(year, org)
        refreshed_at = selectors.rollups_refreshed_at()
    this_year = timezone.localdate().year
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "year": year,
            "org": org,
            "years": selectors.year_choices(year),
            "units": units(),
            "sections": sections,
            "differences": [f for s in sections for f in s["figures"] if f.differs],
            "closing": closing,
            "is_closed": frozen is not None,
            "can_close": request.user.has_perm("jiaotong.close_year")
            and org is None
            and year < this_year,
            "reopen_form": ReopenForm(),
            "charts": charts,
            "overdue": selectors.overdue(request.user),
            "queues": selectors.queues(request.user),
            "rollups_refreshed_at": refreshed_at,
            "failures": failures(problems),
            "not_implemented": len(problems) - len(failures(problems)),
        },
    )


@require_POST
@permission_required("jiaotong.close_year")
def year_close(request, year):
    try:
        services.year_close(year=year, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{year}年度已关账，数值已冻结。")
    return redirect(reverse("dashboard") + f"?year={year}")


@require_POST
@permission_required("jiaotong.close_year")
def year_reopen(request, year):
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "重新开放须填写理由。")
        return redirect(reverse("dashboard") + f"?year={year}")
    try:
        services.year_reopen(
            year=year,
            reason=form.cleaned_data["reason"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{year}年度已重新开放。")
    return redirect(reverse("dashboard") + f"?year={year}")


@require_GET
@permission_required("jiaotong.view_dashboard")
def report_draft(request):
    """The statistics sentences of the annual report, each number marked with
    its indicator code (the whole bureau; a closed year's frozen values)."""
    year, _ = chosen(request)
    return render(
        request,
        "dashboard/report_draft.html",
        {
            "year": year,
            "years": selectors.year_choices(year),
            "paragraphs": draft(year, selectors.published_values(year)),
        },
    )


@require_GET
@permission_required("jiaotong.view_dashboard")
def report_draft_docx(request):
    year, _ = chosen(request)
    content = draft_docx(year, selectors.published_values(year))
    audit_record(
        by=request.user,
        action="export",
        reason=f"{year}年度法治政府建设工作报告（统计数据部分·草稿）",
        changes={"year": year, "format": "docx"},
        request=request,
    )
    response = HttpResponse(
        content,
        content_type=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
    )
    filename = f"{year}年度法治政府建设工作报告_统计草稿.docx"
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
    return response
