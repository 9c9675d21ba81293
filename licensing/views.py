"""Window screens: intake, my queue, the list, the application page with its
actions, printable vouchers, the power catalog and the year's figures.
Thin views: every write is a POST that calls one service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiaotong import actions, pagination, web
from jiaotong.filters import search_options
from jiaotong.metrics.registry import compute, registered, shared_queries
from jiaotong.registry.selectors import enterprise_search
from jiaotong.roles import ROLE_LEADER, has_role
from jiaotong.validators import mask_id_number, mask_phone
from jiaotong.workflow import WorkflowError

from . import forms, rules, selectors, services
from .filters import ApplicationFilter
from .models import (
    ApplicantType,
    Application,
    CommitmentCheck,
    Rectification,
)
from .workflow import APPLICATION_WORKFLOW

PAGE_SIZE = 25
ID_SEARCH_KEY = "licensing_id_search"
VIEW = "licensing.view_application"
CHANGE = "licensing.change_application"


def _visible(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "matter", "clerk", "unit"
        ),
        pk=pk,
    )


# --- Lists ---------------------------------------------------------------------


@require_GET
@web.permission_required(VIEW)
def application_list(request):
    applications = selectors.application_list(request.user)
    id_number = request.session.get(ID_SEARCH_KEY) if request.GET.get("by_id") else None
    if id_number:
        applications = applications.filter(applicant_id_number=id_number)
    application_filter = ApplicationFilter(
        request.GET, queryset=applications, request=request
    )
    page = pagination.request_page(request, application_filter.qs, size=PAGE_SIZE)
    return render(
        request,
        "licensing/application_list.html",
        {
            "filter": application_filter,
            "page_obj": page,
            "id_search": forms.IdSearchForm(),
            "id_search_masked": mask_id_number(id_number) if id_number else "",
        },
    )


@require_GET
@web.permission_required(VIEW)
def matter_filter_options(request):
    """htmx: the list's 事项 filter filled with the matters matching what was
    typed (the drop-down never holds the whole power list)."""
    return search_options(
        request,
        "matter",
        selectors.matter_filter_search,
        lambda m: f"{m.code} {m.name}",
        "没有匹配的事项",
    )


@require_POST
@web.permission_required(VIEW)
def application_id_search(request):
    """Search by ID number: the number goes in the session, not the URL."""
    form = forms.IdSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect("licensing:application_list")
    request.session[ID_SEARCH_KEY] = form.cleaned_data["id_number"]
    return redirect(reverse("licensing:application_list") + "?by_id=1")


@require_GET
@web.permission_required(CHANGE)
def application_queue(request):
    page = Paginator(selectors.application_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "licensing/application_queue.html", {"page_obj": page})


# --- Intake ----------------------------------------------------------------------


@web.permission_required("licensing.add_application")
def application_create(request):
    form = forms.ApplicationIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The page showed the earlier phone masked ("留空即沿用"): fill it here.
        if not data["applicant_phone"]:
            known = selectors.applicant_known(request.user, data["applicant_id_number"])
            data["applicant_phone"] = known["phone"] if known else ""
        try:
            application = services.application_receive(by=request.user, **data)
        except ValidationError as exc:
            web.add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"办件 {application.number} 已登记，"
                f"当前状态：{application.get_status_display()}。",
            )
            if "save_and_new" in request.POST:
                return redirect("licensing:application_create")
            return redirect(application)
    return render(request, "licensing/application_create.html", {"form": form})


@require_GET
@web.permission_required("licensing.add_application")
def matter_options(request):
    """htmx: the matter select's options for what the clerk has typed."""
    query = request.GET.get("matter_query", "").strip()
    return render(
        request,
        "licensing/includes/_matter_options.html",
        {"matters": selectors.matter_search(query), "query": query},
    )


@require_POST
@web.permission_required("licensing.add_application")
def applicant_lookup(request):
    """htmx: who the ID number or credit code belongs to, from 企业名录 or the
    applicant's earlier applications (posted, so an ID number never appears in
    a URL or an access log). Warns on grade C/D and 重点监管; offers to add an
    unknown credit code to 企业名录."""
    number = request.POST.get("applicant_id_number", "").strip().upper()
    known = selectors.applicant_known(request.user, number)
    organisation = request.POST.get("applicant_type") == ApplicantType.ORGANISATION
    return render(
        request,
        "licensing/includes/_applicant_hint.html",
        {
            "known": known,
            "number": number,
            "unknown_code": known is None and len(number) == 18 and organisation,
            "can_add_enterprise": request.user.has_perm("jiaotong.add_enterprise"),
        },
    )


@require_GET
@web.permission_required("licensing.add_application")
def applicant_suggest(request):
    """htmx: enterprises of 企业名录 matching the name (or code) being typed."""
    if request.GET.get("applicant_type") != ApplicantType.ORGANISATION:
        return HttpResponse("")
    enterprises = enterprise_search(
        user=request.user, text=request.GET.get("applicant_name", "")
    )
    return render(
        request,
        "licensing/includes/_applicant_suggestions.html",
        {"enterprises": enterprises},
    )


# --- The application page -----------------------------------------------------------


@require_GET
def application_detail(request, pk):
    application = _visible(request, pk)
    user = request.user
    context = {
        "application": application,
        "actions": actions.action_items(APPLICATION_WORKFLOW, application, user),
        "masked_id": mask_id_number(application.applicant_id_number),
        "masked_phone": mask_phone(application.applicant_phone),
        "notice": getattr(application, "supplement_notice", None),
        "pauses": application.pauses.all(),
        "checks": application.commitment_checks.all(),
        "rectification": Rectification.objects.filter(application=application).first(),
        "timeline": selectors.application_timeline(application),
        "can_change": user.has_perm(CHANGE),
        "can_evaluate": user.has_perm(CHANGE)
        and application.completed_at is not None
        and not application.evaluation,
        "evaluation_form": forms.EvaluationForm(),
        # Right after 受理 the page offers the 受理通知书 for printing.
        "offer_print": "acceptance"
        if request.GET.get("next") == "print" and application.accepted_at
        else "",
        "check_form": forms.CommitmentCheckForm(),
    }
    return render(request, "licensing/application_detail.html", context)


# Every move of APPLICATION_WORKFLOW: one view, one URL (``application_action``).
application_action = actions.action_view(APPLICATION_WORKFLOW, _visible)


@require_POST
def application_evaluate(request, pk):
    application = _visible(request, pk)
    form = forms.EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect(application)
    try:
        services.application_evaluate(
            application=application, by=request.user, **form.cleaned_data
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
    else:
        messages.success(request, "评价已录入。")
    return redirect(application)


@require_POST
def commitment_check_record(request, pk, check_pk):
    application = _visible(request, pk)
    check = get_object_or_404(CommitmentCheck, pk=check_pk, application=application)
    form = forms.CommitmentCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect(application)
    try:
        services.commitment_check_record(
            check=check, by=request.user, **form.cleaned_data
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
    else:
        messages.success(request, "核查结果已录入。")
    return redirect(application)


@require_POST
def rectification_visit(request, pk):
    application = _visible(request, pk)
    rectification = get_object_or_404(Rectification, application=application)
    form = forms.VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect(application)
    try:
        services.rectification_record_visit(
            rectification=rectification, by=request.user, **form.cleaned_data
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
    else:
        messages.success(request, "回访情况已录入。")
    return redirect(application)


@require_POST
def application_reveal_id(request, pk):
    """查看完整: shows the full ID number once, on a page, with the reason audited."""
    application = _visible(request, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect(application)
    try:
        full_id = services.application_reveal_id(
            application=application, by=request.user, **form.cleaned_data
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
        return redirect(application)
    return render(
        request,
        "licensing/application_reveal.html",
        {"application": application, "full_id": full_id},
    )


# Printable vouchers: which document, and the states in which it exists.
DOCUMENTS = {
    "acceptance": ("受理通知书", "accepted_at"),
    "rejection": ("不予受理决定书", "not_accepted_at"),
    "supplement": ("补正材料通知书", None),
}


@require_GET
def application_print(request, pk, document):
    application = _visible(request, pk)
    if document not in DOCUMENTS:
        raise Http404
    title, stamp_field = DOCUMENTS[document]
    notice = getattr(application, "supplement_notice", None)
    issued = notice.notified_at if document == "supplement" and notice else None
    if stamp_field:
        issued = getattr(application, stamp_field)
    if issued is None:
        messages.error(request, f"该办件没有{title}。")
        return redirect(application)
    return render(
        request,
        f"licensing/print_{document}.html",
        {
            "application": application,
            "title": title,
            "issued": issued,
            "notice": notice,
            "bureau_name": f"{settings.JIAOTONG_COUNTY_NAME}交通运输局",
            "remedies": rules.default_remedies(),
            "cites_licensing_law": rules.needs_decision(application.matter),
        },
    )


# --- Power list and figures --------------------------------------------------------


@require_GET
@web.permission_required("jiaotong.view_matter")
def power_catalog(request):
    return render(request, "licensing/power_catalog.html", selectors.power_catalog())


@require_GET
@web.permission_required(VIEW)
def window_stats(request):
    """The year's window figures from the indicator registry: the whole bureau
    for leaders, the own unit (and below) for window staff."""
    this_year = timezone.localdate().year
    # Without a choice: the latest year the window has records for, not an
    # empty current year.
    latest = selectors.latest_year_with_applications(request.user) or this_year
    try:
        year = int(request.GET.get("year", latest))
    except ValueError:
        year = latest
    year = min(max(year, 2000), this_year + 1)
    org = None if has_role(request.user, ROLE_LEADER) else request.user.unit
    if org is None and not has_role(request.user, ROLE_LEADER):
        raise PermissionDenied
    with shared_queries():  # the section's figures share their aggregate queries
        rows = [
            {
                "indicator": ind,
                "value": compute(ind.code, year, org),
                "url": ind.drilldown(year, org) if ind.drilldown else None,
            }
            for ind in registered()
            if ind.code.startswith("window.")
        ]
    return render(
        request,
        "licensing/window_stats.html",
        {
            "rows": rows,
            "year": year,
            "years": sorted(
                {*range(this_year, this_year - 6, -1), year, latest}, reverse=True
            ),
            "org": org,
        },
    )
