"""Hotline screens: intake, the dispatcher's board, unit queues, the ticket page
with its actions, the list, notices and the deadline rules. Thin views: every
write is a POST that calls one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiaotong import actions, pagination, web
from jiaotong.discovery import app_hooks
from jiaotong.filters import search_options
from jiaotong.metrics.registry import compute, registered, shared_queries
from jiaotong.models import OrgUnit
from jiaotong.roles import ROLE_HOTLINE, ROLE_LEADER, has_role
from jiaotong.validators import mask_name, mask_phone
from jiaotong.workflow import WorkflowError

from . import forms, selectors, services
from .filters import TicketFilter
from .models import Category, Status, SupervisionNotice, Ticket, TicketDeadlineRule
from .rules import can_see_caller
from .workflow import TICKET_WORKFLOW

PAGE_SIZE = 25
BOARD_ROWS = 50


def _visible_ticket(request, pk) -> Ticket:
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)


# --- Lists, board, queues --------------------------------------------------------


@require_GET
@web.permission_required("hotline.view_ticket")
def ticket_list(request):
    ticket_filter = TicketFilter(
        request.GET, queryset=selectors.ticket_list(request.user), request=request
    )
    page = pagination.request_page(request, ticket_filter.qs, size=PAGE_SIZE)
    return render(
        request,
        "hotline/ticket_list.html",
        {"filter": ticket_filter, "page": page, "rows": _list_rows(request, page)},
    )


@require_GET
@web.permission_required("hotline.view_ticket")
def enterprise_filter_options(request):
    """htmx: the list's 涉及企业 filter filled with the enterprises matching what
    was typed (name, credit code or a plate of earlier tickets)."""
    return search_options(
        request,
        "enterprise",
        lambda query: selectors.enterprise_lookup(request.user, query, limit=20),
        lambda e: e.name,
        "没有匹配的企业",
    )


def _list_rows(request, tickets) -> list[dict]:
    """Rows with the caller masked, or hidden when confidential for this user."""
    rows = []
    for ticket in tickets:
        visible = can_see_caller(request.user, ticket)
        rows.append(
            {
                "ticket": ticket,
                "caller_name": mask_name(ticket.caller_name) if visible else "（保密）",
                "caller_phone": mask_phone(ticket.caller_phone) if visible else "",
            }
        )
    return rows


@require_GET
@web.permission_required("hotline.dispatch_ticket")
def ticket_board(request):
    board = selectors.dispatcher_board(request.user)
    sections = {
        key: {"count": qs.count(), "rows": _list_rows(request, qs[:BOARD_ROWS])}
        for key, qs in board.items()
    }
    return render(request, "hotline/ticket_board.html", {"sections": sections})


@require_GET
@web.permission_required("hotline.view_ticket")
def unit_queue(request):
    user = request.user
    unit = user.unit if user.has_perm("hotline.handle_ticket") else None
    chosen = request.GET.get("unit", "")
    if chosen.isascii() and chosen.isdigit():
        unit = get_object_or_404(OrgUnit, pk=int(chosen))
    elif chosen:
        messages.warning(request, "承办单位参数无效，已忽略。")
    queue = selectors.unit_queue(user, unit) if unit else {}
    sections = {
        key: {"count": qs.count(), "rows": _list_rows(request, qs[:BOARD_ROWS])}
        for key, qs in queue.items()
    }
    return render(
        request,
        "hotline/unit_queue.html",
        {"unit": unit, "sections": sections, "units": forms.handling_units()},
    )


# --- Intake --------------------------------------------------------------------


@web.permission_required("hotline.add_ticket")
def ticket_create(request):
    form = forms.TicketCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.add_service_errors(form, exc)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _created_message(ticket))
            if "save_and_new" in request.POST:
                return redirect("hotline:ticket_create")
            return redirect(ticket)
    return render(
        request,
        "hotline/ticket_create.html",
        {"form": form, "routes": selectors.area_routes()},
    )


def _created_message(ticket) -> str:
    """Names the status the ticket now has (and where it went)."""
    where = f"，已派往{ticket.unit.name}" if ticket.unit_id else ""
    return (
        f"工单 {ticket.ticket_no} 已登记{where}，"
        f"当前状态：{ticket.get_status_display()}。"
    )


@require_GET
def enterprise_options(request):
    """htmx: enterprises matching a name, a credit code or a plate named in
    earlier tickets, for the intake form's enterprise search."""
    if not request.user.has_perm("hotline.add_ticket"):
        raise PermissionDenied
    enterprises = selectors.enterprise_lookup(
        request.user, request.GET.get("enterprise_query", "")
    )
    return render(
        request,
        "hotline/includes/_enterprise_options.html",
        {"enterprises": enterprises},
    )


# --- The ticket page -------------------------------------------------------------


def _render_detail(request, ticket: Ticket, revealed_phone: str | None = None):
    user = request.user
    can_supervise = (
        user.has_perm("hotline.dispatch_ticket")
        and ticket.is_overdue()
        and ticket.supervised_due != ticket.due_date
    )
    can_attach = ticket.status != Status.CLOSED and (
        user.has_perm("hotline.change_ticket") or user.has_perm("hotline.handle_ticket")
    )
    context = {
        "ticket": ticket,
        "actions": actions.action_items(TICKET_WORKFLOW, ticket, user),
        "timeline": selectors.ticket_timeline(ticket),
        "attachments": selectors.attachments_for(ticket, user),
        "returns": ticket.returns.select_related("unit", "requested_by", "decided_by"),
        "extensions": ticket.extensions.select_related("requested_by", "decided_by"),
        "notices": ticket.notices.select_related("unit", "created_by"),
        "caller_visible": can_see_caller(user, ticket),
        "masked_phone": mask_phone(ticket.caller_phone),
        "revealed_phone": revealed_phone,
        "overdue": ticket.is_overdue(),
        "supervise_form": actions.ReasonForm(label="督办事由", required=False)
        if can_supervise
        else None,
        "attachment_form": forms.AttachmentForm() if can_attach else None,
        "reveal_form": actions.ReasonForm(label="查看理由", prefix="reveal"),
        "sections": _ticket_sections(ticket, user),
    }
    return render(request, "hotline/ticket_detail.html", context)


def _ticket_sections(ticket, user) -> list[dict]:
    """What other apps record about this ticket (e.g. the penalty cases opened
    from it), contributed through ``AppConfig.ticket_sections(ticket, user)``
    returning ``{"template": ..., ...}`` items, so hotline never imports them."""
    return app_hooks("ticket_sections", ticket, user)


@require_GET
def ticket_detail(request, pk):
    return _render_detail(request, _detail_ticket(request, pk))


def _detail_ticket(request, pk) -> Ticket:
    queryset = Ticket.objects.visible_to(request.user).select_related(
        "unit", "enterprise", "replied_by"
    )
    return get_object_or_404(queryset, pk=pk)


# Every move of TICKET_WORKFLOW: one view, one URL (``hotline:ticket_action``).
ticket_action = actions.action_view(TICKET_WORKFLOW, _visible_ticket)


@require_POST
@web.permission_required("hotline.dispatch_ticket")
def ticket_supervise(request, pk):
    ticket = _visible_ticket(request, pk)
    form = actions.ReasonForm(request.POST, label="督办事由", required=False)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.ticket_supervise(ticket=ticket, reason=reason, by=request.user)
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
    else:
        messages.success(request, "已督办，督办通知已送承办单位及其领导。")
    return redirect(ticket)


@require_POST
def ticket_reveal_caller(request, pk):
    ticket = _visible_ticket(request, pk)
    form = actions.ReasonForm(request.POST, label="查看理由", prefix="reveal")
    if not form.is_valid():
        messages.error(request, "请填写查看完整电话的理由。")
        return redirect(ticket)
    try:
        phone = services.ticket_reveal_caller(
            ticket=ticket, reason=form.cleaned_data["reason"], by=request.user
        )
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from exc
    return _render_detail(request, _detail_ticket(request, pk), revealed_phone=phone)


# --- Attachments -------------------------------------------------------------------


@require_POST
def attachment_upload(request, pk):
    ticket = _visible_ticket(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect(ticket)
    try:
        services.attachment_add(
            ticket=ticket, upload=form.cleaned_data["file"], by=request.user
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, actions.error_text(exc))
    else:
        messages.success(request, "附件已上传。")
    return redirect(ticket)


@require_GET
def attachment_download(request, pk, attachment_pk):
    ticket = _visible_ticket(request, pk)
    attachment = get_object_or_404(
        selectors.attachments_for(ticket, request.user), pk=attachment_pk
    )
    return web.stored_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        missing="附件文件",
    )


# --- Notices and rules -------------------------------------------------------------


@require_GET
def notice_list(request):
    notices = selectors.notices_for(request.user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/notice_list.html", {"page": page})


@require_POST
def notice_acknowledge(request, pk):
    notice = get_object_or_404(
        SupervisionNotice.objects.visible_to(request.user), pk=pk
    )
    services.notice_acknowledge(notice=notice, by=request.user)
    messages.success(request, "已阅知督办通知。")
    return redirect("hotline:notice_list")


@require_GET
@web.permission_required("hotline.view_ticketdeadlinerule")
def rule_list(request):
    rules = TicketDeadlineRule.objects.all()
    can_edit = request.user.has_perm("hotline.change_ticketdeadlinerule")
    rows = [
        {"rule": r, "form": forms.DeadlineRuleForm(instance=r, prefix=f"r{r.pk}")}
        for r in rules
    ]
    return render(
        request, "hotline/rule_list.html", {"rows": rows, "can_edit": can_edit}
    )


@require_POST
@web.permission_required("hotline.change_ticketdeadlinerule")
def rule_edit(request, pk):
    rule = get_object_or_404(TicketDeadlineRule, pk=pk)
    form = forms.DeadlineRuleForm(request.POST, instance=rule, prefix=f"r{rule.pk}")
    if not form.is_valid():
        messages.error(request, web.form_errors(form))
        return redirect("hotline:rule_list")
    data = form.cleaned_data
    services.deadline_rule_update(
        rule=TicketDeadlineRule.objects.get(pk=pk),
        days=data["days"],
        extension_days=data["extension_days"],
        basis=data["basis"],
        by=request.user,
    )
    messages.success(request, f"已更新规则：{rule.source} {rule.category}。")
    return redirect("hotline:rule_list")


# --- Statistics ----------------------------------------------------------------


@require_GET
def ticket_stats(request):
    """The year's hotline figures from the indicator registry with the
    catalog's definitions, and the counts behind them: the whole bureau for
    hotline staff and leaders, the own unit (and below) for 承办人员."""
    user = request.user
    if not user.has_perm("hotline.view_ticket"):
        raise PermissionDenied
    this_year = timezone.localdate().year
    try:
        year = min(max(int(request.GET.get("year", this_year)), 2000), this_year)
    except ValueError:
        year = this_year
    org = None if has_role(user, ROLE_HOTLINE, ROLE_LEADER) else user.unit
    if org is None and not has_role(user, ROLE_HOTLINE, ROLE_LEADER):
        raise PermissionDenied
    with shared_queries():  # the section's figures share their aggregate queries
        rows = [
            {
                "indicator": ind,
                "value": compute(ind.code, year, org),
                "url": ind.drilldown(year, org) if ind.drilldown else None,
            }
            for ind in registered()
            if ind.code.startswith("hotline.")
        ]
    list_url = reverse("hotline:ticket_list") + f"?received_year={year}"
    if org is not None:
        list_url += f"&unit={org.pk}"
    return render(
        request,
        "hotline/ticket_stats.html",
        {
            "rows": rows,
            "year": year,
            "years": range(this_year, this_year - 6, -1),
            "org": org,
            "list_url": list_url,
            "sources": selectors.source_breakdown(year, org),
            "categories": Category.labels,
            "follow_ups": selectors.follow_up_breakdown(year, org),
        },
    )
