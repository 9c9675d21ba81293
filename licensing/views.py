"""Window screens: intake, my queue, the list, the application page with its
actions, printable vouchers, the power catalog and the year's figures.
Thin views: every write is a POST that calls one service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiaotong.metrics.registry import compute, registered
from jiaotong.roles import ROLE_LEADER, has_role
from jiaotong.validators import mask_id_number, mask_phone

from . import forms, selectors, services
from .filters import ApplicationFilter
from .models import Application, ClockPause, CommitmentCheck, Rectification
from .services import TransitionRefused

PAGE_SIZE = 25
ID_SEARCH_KEY = "licensing_id_search"
VIEW = "licensing.view_application"
CHANGE = "licensing.change_application"


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _visible(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "matter", "clerk", "unit"
        ),
        pk=pk,
    )


def _errors(exc) -> str:
    if isinstance(exc, TransitionRefused):
        return exc.message
    return "；".join(exc.messages)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


# --- Lists ---------------------------------------------------------------------


@require_GET
def application_list(request):
    _require(request, VIEW)
    applications = selectors.application_list(request.user)
    id_number = request.session.get(ID_SEARCH_KEY) if request.GET.get("by_id") else None
    if id_number:
        applications = applications.filter(applicant_id_number=id_number)
    application_filter = ApplicationFilter(
        request.GET, queryset=applications, request=request
    )
    page = Paginator(application_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
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


@require_POST
def application_id_search(request):
    """Search by ID number: the number goes in the session, not the URL."""
    _require(request, VIEW)
    form = forms.IdSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("licensing:application_list")
    request.session[ID_SEARCH_KEY] = form.cleaned_data["id_number"]
    return redirect(reverse("licensing:application_list") + "?by_id=1")


@require_GET
def application_queue(request):
    _require(request, CHANGE)
    page = Paginator(selectors.application_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "licensing/application_queue.html", {"page_obj": page})


# --- Intake ----------------------------------------------------------------------


def application_create(request):
    _require(request, "licensing.add_application")
    form = forms.ApplicationIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_receive(
                by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已收件，办件编号 {application.number}。")
            if "save_and_new" in request.POST:
                return redirect("licensing:application_create")
            return redirect(application)
    return render(request, "licensing/application_create.html", {"form": form})


@require_GET
def matter_options(request):
    """htmx: the matter select's options for what the clerk has typed."""
    _require(request, "licensing.add_application")
    matters = selectors.matter_search(request.GET.get("matter_query", ""))
    return render(
        request, "licensing/includes/_matter_options.html", {"matters": matters}
    )


@require_POST
def applicant_lookup(request):
    """htmx: the applicant's earlier details from the ID number (posted, so the
    number never appears in a URL or an access log)."""
    _require(request, "licensing.add_application")
    id_number = request.POST.get("applicant_id_number", "").strip().upper()
    details = (
        selectors.applicant_last_details(request.user, id_number)
        if len(id_number) == 18
        else None
    )
    return render(
        request, "licensing/includes/_applicant_hint.html", {"details": details}
    )


# --- The application page -----------------------------------------------------------


@require_GET
def application_detail(request, pk):
    application = _visible(request, pk)
    moves = services.allowed_moves(application, request.user)
    context = {
        "application": application,
        "moves": [
            {"to": to, "move": move, "needs_input": move.action in INPUT_MOVES}
            for to, move in moves
        ],
        "masked_id": mask_id_number(application.applicant_id_number),
        "masked_phone": mask_phone(application.applicant_phone),
        "notice": getattr(application, "supplement_notice", None),
        "pauses": application.pauses.all(),
        "checks": application.commitment_checks.all(),
        "rectification": Rectification.objects.filter(application=application).first(),
        "timeline": selectors.application_timeline(application),
        "can_change": request.user.has_perm(CHANGE),
        "can_evaluate": request.user.has_perm(CHANGE)
        and application.completed_at is not None
        and not application.evaluation,
        "evaluation_form": forms.EvaluationForm(),
        "check_form": forms.CommitmentCheckForm(),
        "pause_kinds": ClockPause.Kind.choices,
        "default_remedies": services.default_remedies(),
    }
    return render(request, "licensing/application_detail.html", context)


# Moves whose form asks for more than a click.
INPUT_MOVES = {"supplement", "reject", "pause", "approve", "deny", "withdraw", "revoke"}


@require_POST
def application_transition(request, pk):
    application = _visible(request, pk)
    targets = [to for to, _ in services.allowed_moves(application, request.user)]
    form = forms.TransitionForm(request.POST, targets=targets)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(application)
    data = form.cleaned_data
    try:
        application = services.application_transition(
            application=application,
            to=data.pop("to"),
            by=request.user,
            **data,
        )
    except (TransitionRefused, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            f"办件 {application.number} 的状态已更新为“{application.get_status_display()}”。",
        )
    return redirect(application)


@require_POST
def application_evaluate(request, pk):
    application = _visible(request, pk)
    form = forms.EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(application)
    try:
        services.application_evaluate(
            application=application, by=request.user, **form.cleaned_data
        )
    except (TransitionRefused, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "评价已录入。")
    return redirect(application)


@require_POST
def commitment_check_record(request, pk, check_pk):
    application = _visible(request, pk)
    check = get_object_or_404(CommitmentCheck, pk=check_pk, application=application)
    form = forms.CommitmentCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(application)
    try:
        services.commitment_check_record(
            check=check, by=request.user, **form.cleaned_data
        )
    except (TransitionRefused, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "核查结果已录入。")
    return redirect(application)


@require_POST
def rectification_visit(request, pk):
    application = _visible(request, pk)
    rectification = get_object_or_404(Rectification, application=application)
    form = forms.VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(application)
    try:
        services.rectification_record_visit(
            rectification=rectification, by=request.user, **form.cleaned_data
        )
    except (TransitionRefused, ValidationError) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "回访情况已录入。")
    return redirect(application)


@require_POST
def application_reveal_id(request, pk):
    """查看完整: shows the full ID number once, on a page, with the reason audited."""
    application = _visible(request, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(application)
    try:
        full_id = services.application_reveal_id(
            application=application, by=request.user, **form.cleaned_data
        )
    except (TransitionRefused, ValidationError) as exc:
        messages.error(request, _errors(exc))
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
            "remedies": services.default_remedies(),
            "cites_licensing_law": services.needs_decision(application.matter),
        },
    )


# --- Power list and figures --------------------------------------------------------


@require_GET
def power_catalog(request):
    _require(request, "jiaotong.view_matter")
    return render(request, "licensing/power_catalog.html", selectors.power_catalog())


@require_GET
def window_stats(request):
    """The year's window figures from the indicator registry: the whole bureau
    for leaders, the own unit (and below) for window staff."""
    _require(request, VIEW)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    org = None if has_role(request.user, ROLE_LEADER) else request.user.unit
    if org is None and not has_role(request.user, ROLE_LEADER):
        raise PermissionDenied
    rows = [
        {"indicator": ind, "value": compute(ind.code, year, org)}
        for ind in registered()
        if ind.code.startswith("window.")
    ]
    return render(
        request,
        "licensing/window_stats.html",
        {
            "rows": rows,
            "year": year,
            "years": range(this_year, this_year - 6, -1),
            "org": org,
        },
    )
