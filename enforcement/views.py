"""Enforcement screens: case list, register/edit, the case page with its moves,
the review queue, officers and certificates, publicity. Thin views: every write
is a POST that calls one service; scope comes from ``visible_to``."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiaotong import actions, pagination
from jiaotong.actions import error_text, post_service
from jiaotong.filters import search_options
from jiaotong.validators import mask_id_number
from jiaotong.web import (
    add_service_errors,
    form_errors,
    permission_required,
    stored_file_response,
)
from jiaotong.workflow import WorkflowError

from . import forms, rules, selectors, services
from .filters import CaseFilter
from .models import Officer, PenaltyCase, PublicityRecord
from .workflow import CASE_WORKFLOW

PAGE_SIZE = 25
CASE_COUNT_CAP = 1_000
VIEW = "enforcement.view_penaltycase"


def _visible_case(request, pk) -> PenaltyCase:
    return get_object_or_404(
        PenaltyCase.objects.visible_to(request.user).select_related(
            "matter", "unit", "enterprise", "discretion_item", "source_ticket"
        ),
        pk=pk,
    )


# --- Lists ----------------------------------------------------------------------


@require_GET
@permission_required(VIEW)
def case_list(request):
    case_filter = CaseFilter(request.GET, queryset=selectors.case_list(request.user))
    # An officer's scope is an OR (unit, assigned, registered): counting up to
    # 10,000 of it reads a third of the table, so the exact total stops at 1,000
    # (no dashboard figure drills down to this list).
    page = pagination.request_page(
        request, case_filter.qs, size=PAGE_SIZE, count_cap=CASE_COUNT_CAP
    )
    return render(
        request,
        "enforcement/case_list.html",
        {"filter": case_filter, "page_obj": page, "today": timezone.localdate()},
    )


@require_GET
@permission_required(VIEW)
def matter_filter_options(request):
    """htmx: the list's 违法行为 filter filled with the penalty matters matching
    what was typed (the drop-down never holds the whole power list)."""
    return search_options(
        request,
        "matter",
        selectors.penalty_matter_search,
        lambda m: f"{m.code} {m.name}",
        "没有匹配的违法行为",
    )


@require_GET
@permission_required("enforcement.review_penaltycase")
def review_queue(request):
    page = Paginator(selectors.review_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enforcement/review_queue.html",
        {"page_obj": page, "today": timezone.localdate()},
    )


@require_GET
@permission_required("enforcement.view_officer")
def officer_list(request):
    return render(
        request,
        "enforcement/officer_list.html",
        {
            "officers": selectors.officer_roster(request.user),
            "can_flag": request.user.has_perm("enforcement.change_officer"),
        },
    )


@require_POST
@permission_required("enforcement.change_officer")
def officer_flag(request, pk):
    officer = get_object_or_404(Officer.objects.visible_to(request.user), pk=pk)
    return post_service(
        request,
        officer,
        None,
        services.officer_flag_departure,
        f"已将{officer}标记为待注销。",
        then="enforcement:officer_list",
        officer=officer,
        reason=request.POST.get("reason", ""),
    )


@require_GET
@permission_required("enforcement.view_publicityrecord")
def publicity_list(request):
    records = selectors.publicity_list(request.user)
    state = request.GET.get("state")
    if state in ("pending", "overdue"):
        records = records.filter(published_on__isnull=True)
    if state == "overdue":
        records = records.filter(due_on__lt=timezone.localdate())
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/publicity_list.html",
        {
            "page_obj": page,
            "today": timezone.localdate(),
            "can_publish": request.user.has_perm("enforcement.change_publicityrecord"),
            "publish_form": forms.PublishForm(),
        },
    )


@require_GET
@permission_required("enforcement.add_penaltycase")
def clue_list(request):
    """投诉举报线索: complaint and report tickets dispatched to the officer's unit,
    each with the cases already opened from it."""
    tickets = (
        selectors.complaint_tickets(request.user)
        .select_related("enterprise", "unit")
        .prefetch_related("penalty_cases")
        .order_by("-received_at", "-id")
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/clue_list.html", {"page_obj": page})


# --- Register and edit ----------------------------------------------------------------


def _ticket_initial(request, ticket_pk) -> tuple[object, dict]:
    """The draft's starting values from a 投诉/举报 ticket the officer may use."""
    ticket = get_object_or_404(selectors.complaint_tickets(request.user), pk=ticket_pk)
    initial = {
        "source": "投诉举报",
        "facts": ticket.content,
        "location": ticket.location,
        "plate": ticket.plate,
    }
    if ticket.enterprise_id:
        initial |= {
            "party_type": "法人",
            "party_name": ticket.enterprise.name,
            "party_id_number": ticket.enterprise.credit_code,
            "enterprise": ticket.enterprise,
        }
    return ticket, initial


@permission_required("enforcement.add_penaltycase")
def case_create(request):
    ticket, initial = None, {}
    if request.GET.get("ticket") or request.POST.get("ticket"):
        ticket, initial = _ticket_initial(
            request, request.GET.get("ticket") or request.POST.get("ticket")
        )
    form = forms.CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                by=request.user, source_ticket=ticket, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "案件已登记，请核对后立案。")
            return redirect(case)
    return render(
        request,
        "enforcement/case_form.html",
        {"form": form, "ticket": ticket, "case": None},
    )


@permission_required("enforcement.change_penaltycase")
def case_edit(request, pk):
    case = _visible_case(request, pk)
    initial = {
        **{name: getattr(case, name) for name in services.CASE_FIELDS},
        "penalty_types": case.penalty_type_list,
        "officers": list(case.officers.all()),
    }
    form = forms.CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(case=case, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, error_text(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(case)
    return render(request, "enforcement/case_form.html", {"form": form, "case": case})


# --- The case page and its moves ------------------------------------------------------


def _party_code(case: PenaltyCase) -> str:
    """Natural persons' ID numbers are masked (PIPL); credit codes are public."""
    if case.party_type == "自然人":
        return mask_id_number(case.party_id_number)
    return case.party_id_number


def _controls(case: PenaltyCase, user) -> dict:
    """What the case page offers this user besides the moves (booleans and
    forms computed here, so the template tests no roles)."""
    open_case = case.status not in ("closed", "cancelled")
    decided = case.status in ("decided", "served", "executed", "closed", "cancelled")
    may_decide = case.status in CASE_WORKFLOW["decide"].sources and user.has_perm(
        "enforcement.decide_penaltycase"
    )
    return {
        "actions": actions.action_items(CASE_WORKFLOW, case, user),
        "decide_refusal": CASE_WORKFLOW.refusal(case, "decide", user)
        if may_decide
        else None,
        "can_edit": user.has_perm("enforcement.change_penaltycase") and not decided,
        "can_publish": user.has_perm("enforcement.change_publicityrecord"),
        "evidence_form": forms.EvidenceForm()
        if user.has_perm("enforcement.add_evidence") and open_case
        else None,
        "extend_form": forms.ExtendForm()
        if user.has_perm("enforcement.approve_extension")
        and case.filed_at
        and not case.decided_at
        else None,
        "show_evidence": user.has_perm("enforcement.view_evidence"),
        "can_file_copy": user.has_perm("enforcement.change_penaltycase")
        and case.procedure == "简易程序"
        and case.decided_at is not None
        and case.copy_filed_at is None,
    }


@require_GET
def case_detail(request, pk):
    case = _visible_case(request, pk)
    today = timezone.localdate()
    context = {
        **selectors.case_file(case, today),
        **_controls(case, request.user),
        "case": case,
        "masked_id": _party_code(case),
        "documents": available_documents(case),
        "today": today,
    }
    if not context["show_evidence"]:
        context["evidence"] = []
    return render(request, "enforcement/case_detail.html", context)


case_action = actions.action_view(CASE_WORKFLOW, _visible_case)


@require_POST
@permission_required("enforcement.change_penaltycase")
def case_file_copy(request, pk):
    case = _visible_case(request, pk)
    return post_service(
        request,
        case,
        None,
        services.case_file_copy,
        "已将当场处罚决定书备案。",
        case=case,
    )


@require_POST
@permission_required("enforcement.approve_extension")
def case_extend(request, pk):
    case = _visible_case(request, pk)
    return post_service(
        request,
        case,
        forms.ExtendForm(request.POST),
        services.case_extend,
        lambda data: f"已批准延长{data['days']}天。",
        case=case,
    )


@require_POST
@permission_required("enforcement.add_evidence")
def evidence_add(request, pk):
    case = _visible_case(request, pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(case)
    try:
        evidence = services.evidence_add(
            case=case,
            by=request.user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已上传证据「{evidence.title}」。")
    return redirect(case)


@require_GET
@permission_required("enforcement.view_evidence")
def evidence_download(request, pk, evidence_pk):
    """Evidence is served only through this view, to those who see the case."""
    case = _visible_case(request, pk)
    evidence = get_object_or_404(case.evidence.all(), pk=evidence_pk)
    return stored_file_response(
        evidence.file, filename=evidence.original_name, missing="证据文件"
    )


@require_POST
@permission_required("enforcement.view_publicityrecord")
def publicity_export(request):
    """Queue the publicity batch file; the job page shows its progress."""
    from .exports import publicity_batch_start

    job = publicity_batch_start(
        by=request.user,
        only_pending=request.POST.get("only_pending") == "1",
        request=request,
    )
    messages.success(request, "已提交后台生成，完成后可在本页下载。")
    return redirect("job_detail", pk=job.pk)


# document -> (title, the case field that dates it; the document exists once set)
DOCUMENTS = {
    "filing": ("立案登记表", "filed_at"),
    "notice": ("行政处罚事先告知书", "notified_at"),
    "decision": ("行政处罚决定书", "decided_at"),
    "service": ("送达回证", "served_at"),
    "closing": ("结案报告", "closed_at"),
}


def available_documents(case: PenaltyCase) -> list[tuple[str, str]]:
    return [
        (slug, title)
        for slug, (title, field) in DOCUMENTS.items()
        if getattr(case, field) is not None
        and (slug != "decision" or case.outcome == "处罚")
    ]


@require_GET
def case_print(request, pk, document):
    """A printable document filled from the case (A4, no navigation, seal line)."""
    case = _visible_case(request, pk)
    if document not in dict(available_documents(case)):
        raise Http404
    title, field = DOCUMENTS[document]
    county = settings.JIAOTONG_COUNTY_NAME
    return render(
        request,
        f"enforcement/print/{document}.html",
        {
            "case": case,
            "title": title,
            "issued": getattr(case, field),
            "bureau_name": f"{county}交通运输局",
            "violation": case.matter.name.removeprefix("对").removesuffix("的行政处罚"),
            "masked_id": _party_code(case),
            "officers": [str(o) for o in case.officers.select_related("user")],
            "evidence_names": "、".join(case.evidence.values_list("title", flat=True)),
            "hearing_right": rules.hearing_right(case),
            "reviews": case.reviews.exclude(result=""),
            "publicity": PublicityRecord.objects.filter(case=case).first(),
            "remedies": f"如不服本决定，可以自收到本决定书之日起六十日内向{county}人民政府"
            "申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
        },
    )


@require_POST
@permission_required("enforcement.change_publicityrecord")
def publicity_withdraw(request, pk):
    record = get_object_or_404(selectors.publicity_list(request.user), pk=pk)
    return post_service(
        request,
        record,
        None,
        services.publicity_withdraw,
        f"已撤回公示：{record.decision_no}。",
        then="enforcement:publicity_list",
        record=record,
        reason=request.POST.get("reason", ""),
    )


@require_POST
@permission_required("enforcement.change_publicityrecord")
def publicity_publish(request, pk):
    record = get_object_or_404(selectors.publicity_list(request.user), pk=pk)
    back_to_case = record.case_id and request.POST.get("next") == "case"
    return post_service(
        request,
        record,
        forms.PublishForm(request.POST),
        services.publicity_publish,
        f"已公示：{record.decision_no}。",
        then=record.case if back_to_case else "enforcement:publicity_list",
        record=record,
    )
