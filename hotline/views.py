"""Hotline screens: intake, the dispatcher's board, unit queues, the ticket page
with its actions, the list, notices and the deadline rules. Thin views: every
write is a POST that calls one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jiaotong.models import OrgUnit
from jiaotong.validators import mask_name, mask_phone

from . import forms, selectors, services
from .filters import TicketFilter
from .models import Status, SupervisionNotice, Ticket, TicketDeadlineRule
from .workflow import TRANSITIONS, WorkflowError, allowed_actions

PAGE_SIZE = 25
BOARD_ROWS = 50


def _visible_ticket(request, pk) -> Ticket:
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)


def _error_text(exc) -> str:
    if isinstance(exc, WorkflowError):
        return exc.message
    return "；".join(exc.messages)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


# --- Lists, board, queues --------------------------------------------------------


@require_GET
def ticket_list(request):
    if not request.user.has_perm("hotline.view_ticket"):
        raise PermissionDenied
    ticket_filter = TicketFilter(
        request.GET, queryset=selectors.ticket_list(request.user), request=request
    )
    page = Paginator(ticket_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/ticket_list.html",
        {"filter": ticket_filter, "page": page, "rows": _list_rows(request, page)},
    )


def _list_rows(request, tickets) -> list[dict]:
    """Rows with the caller masked, or hidden when confidential for this user."""
    rows = []
    for ticket in tickets:
        visible = services.can_see_caller(request.user, ticket)
        rows.append(
            {
                "ticket": ticket,
                "caller_name": mask_name(ticket.caller_name) if visible else "（保密）",
                "caller_phone": mask_phone(ticket.caller_phone) if visible else "",
            }
        )
    return rows


@require_GET
def ticket_board(request):
    if not request.user.has_perm("hotline.dispatch_ticket"):
        raise PermissionDenied
    board = selectors.dispatcher_board(request.user)
    sections = {
        key: {"count": qs.count(), "rows": _list_rows(request, qs[:BOARD_ROWS])}
        for key, qs in board.items()
    }
    return render(request, "hotline/ticket_board.html", {"sections": sections})


@require_GET
def unit_queue(request):
    user = request.user
    if not user.has_perm("hotline.view_ticket"):
        raise PermissionDenied
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


def ticket_create(request):
    if not request.user.has_perm("hotline.add_ticket"):
        raise PermissionDenied
    form = forms.TicketCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"工单 {ticket.ticket_no} 已受理。")
            if "save_and_new" in request.POST:
                return redirect("hotline:ticket_create")
            return redirect(ticket)
    return render(request, "hotline/ticket_create.html", {"form": form})


# --- The ticket page -------------------------------------------------------------

# action -> (form class, extra form kwargs); None = a plain confirm button
ACTION_FORMS = {
    "dispatch": (forms.DispatchForm, {}),
    "answer_on_call": (forms.ReplyTextForm, {}),
    "not_accept": (forms.NotAcceptForm, {}),
    "sign": (None, {}),
    "request_return": (forms.ReasonForm, {"label": "退单理由"}),
    "accept_return": (forms.AcceptReturnForm, {}),
    "reject_return": (forms.ReasonForm, {"label": "驳回理由"}),
    "request_extension": (forms.ExtensionRequestForm, {}),
    "approve_extension": (forms.ApproveExtensionForm, {}),
    "reject_extension": (forms.ReasonForm, {"label": "不批准的理由"}),
    "reply": (forms.ReplyTextForm, {}),
    "follow_up": (forms.FollowUpForm, {}),
    "reopen": (forms.ReasonForm, {"label": "重办原因"}),
    "close": (forms.ReasonForm, {"label": "办结说明", "required": False}),
}


# Moves that send the ticket back or refuse something: outlined red, confirmed.
DANGER_ACTIONS = {
    "not_accept",
    "request_return",
    "reject_return",
    "reject_extension",
    "reopen",
}


def _bound_form(action: str, data=None):
    form_class, kwargs = ACTION_FORMS[action]
    if form_class is None:
        return None
    return form_class(data, prefix=action, **kwargs)


def _render_detail(request, ticket: Ticket, revealed_phone: str | None = None):
    user = request.user
    actions = [
        {
            "name": name,
            "label": TRANSITIONS[name].label,
            "form": _bound_form(name),
            "url": reverse(f"hotline:ticket_{name}", args=[ticket.pk]),
            "danger": name in DANGER_ACTIONS,
            "confirm": f"确定「{TRANSITIONS[name].label}」？"
            if name in DANGER_ACTIONS
            else "",
        }
        for name in allowed_actions(ticket, user)
    ]
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
        "actions": actions,
        "timeline": selectors.ticket_timeline(ticket),
        "attachments": selectors.attachments_for(ticket, user),
        "returns": ticket.returns.select_related("unit", "requested_by", "decided_by"),
        "extensions": ticket.extensions.select_related("requested_by", "decided_by"),
        "notices": ticket.notices.select_related("unit", "created_by"),
        "caller_visible": services.can_see_caller(user, ticket),
        "masked_phone": mask_phone(ticket.caller_phone),
        "revealed_phone": revealed_phone,
        "overdue": ticket.is_overdue(),
        "supervise_form": forms.ReasonForm(label="督办事由", required=False)
        if can_supervise
        else None,
        "attachment_form": forms.AttachmentForm() if can_attach else None,
        "reveal_form": forms.ReasonForm(label="查看理由", prefix="reveal"),
    }
    return render(request, "hotline/ticket_detail.html", context)


@require_GET
def ticket_detail(request, pk):
    return _render_detail(request, _detail_ticket(request, pk))


def _detail_ticket(request, pk) -> Ticket:
    queryset = Ticket.objects.visible_to(request.user).select_related(
        "unit", "enterprise", "replied_by"
    )
    return get_object_or_404(queryset, pk=pk)


def _act(request, pk, action, perform, success: str, permission: str | None = None):
    """Shared body of the POST-only action views: scoped fetch → permission →
    bind the action's form → one service call → message → back to the ticket."""
    ticket = _visible_ticket(request, pk)
    if not request.user.has_perm(permission or TRANSITIONS[action].permission):
        raise PermissionDenied
    form = _bound_form(action, request.POST) if action in ACTION_FORMS else None
    if form is not None and not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(ticket)
    try:
        perform(ticket, form.cleaned_data if form is not None else {})
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return redirect(ticket)


@require_POST
def ticket_dispatch(request, pk):
    return _act(
        request,
        pk,
        "dispatch",
        lambda t, d: services.ticket_dispatch(
            ticket=t, unit=d["unit"], note=d["note"], by=request.user
        ),
        "已派单。",
    )


@require_POST
def ticket_answer_on_call(request, pk):
    return _act(
        request,
        pk,
        "answer_on_call",
        lambda t, d: services.ticket_answer_on_call(
            ticket=t, reply_text=d["reply_text"], by=request.user
        ),
        "已即时答复并办结。",
    )


@require_POST
def ticket_not_accept(request, pk):
    return _act(
        request,
        pk,
        "not_accept",
        lambda t, d: services.ticket_not_accept(
            ticket=t, ground=d["ground"], reason=d["reason"], by=request.user
        ),
        "已不予受理并办结。",
    )


@require_POST
def ticket_sign(request, pk):
    return _act(
        request,
        pk,
        "sign",
        lambda t, d: services.ticket_sign(ticket=t, by=request.user),
        "已签收，请在办理时限内答复。",
    )


@require_POST
def ticket_request_return(request, pk):
    return _act(
        request,
        pk,
        "request_return",
        lambda t, d: services.ticket_request_return(
            ticket=t, reason=d["reason"], by=request.user
        ),
        "退单申请已提交，等待派单人员审核。",
    )


@require_POST
def ticket_accept_return(request, pk):
    return _act(
        request,
        pk,
        "accept_return",
        lambda t, d: services.ticket_accept_return(
            ticket=t,
            note=d["note"],
            redispatch_to=d["redispatch_to"],
            by=request.user,
        ),
        "已同意退单。",
    )


@require_POST
def ticket_reject_return(request, pk):
    return _act(
        request,
        pk,
        "reject_return",
        lambda t, d: services.ticket_reject_return(
            ticket=t, note=d["reason"], by=request.user
        ),
        "已驳回退单，工单仍由原单位办理。",
    )


@require_POST
def ticket_request_extension(request, pk):
    return _act(
        request,
        pk,
        "request_extension",
        lambda t, d: services.ticket_request_extension(
            ticket=t,
            reason=d["reason"],
            requested_due=d["requested_due"],
            by=request.user,
        ),
        "延期申请已提交，等待局领导审批。",
    )


@require_POST
def ticket_approve_extension(request, pk):
    return _act(
        request,
        pk,
        "approve_extension",
        lambda t, d: services.ticket_approve_extension(
            ticket=t, new_due=d["new_due"], note=d["note"], by=request.user
        ),
        "已批准延期。",
    )


@require_POST
def ticket_reject_extension(request, pk):
    return _act(
        request,
        pk,
        "reject_extension",
        lambda t, d: services.ticket_reject_extension(
            ticket=t, note=d["reason"], by=request.user
        ),
        "已不批准延期。",
    )


@require_POST
def ticket_reply(request, pk):
    return _act(
        request,
        pk,
        "reply",
        lambda t, d: services.ticket_reply(
            ticket=t, reply_text=d["reply_text"], by=request.user
        ),
        "已答复，等待热线回访。",
    )


@require_POST
def ticket_follow_up(request, pk):
    return _act(
        request,
        pk,
        "follow_up",
        lambda t, d: services.ticket_follow_up(
            ticket=t, result=d["result"], note=d["note"], by=request.user
        ),
        "回访结果已记录。",
    )


@require_POST
def ticket_reopen(request, pk):
    return _act(
        request,
        pk,
        "reopen",
        lambda t, d: services.ticket_reopen(
            ticket=t, cause=d["reason"], by=request.user
        ),
        "已退回承办单位重办。",
    )


@require_POST
def ticket_close(request, pk):
    return _act(
        request,
        pk,
        "close",
        lambda t, d: services.ticket_close(ticket=t, note=d["reason"], by=request.user),
        "工单已办结。",
    )


@require_POST
def ticket_supervise(request, pk):
    form = forms.ReasonForm(request.POST, label="督办事由", required=False)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        "supervise",
        lambda t, d: services.ticket_supervise(
            ticket=t, reason=reason, by=request.user
        ),
        "已督办，督办通知已送承办单位及其领导。",
        permission="hotline.dispatch_ticket",
    )


@require_POST
def ticket_reveal_caller(request, pk):
    ticket = _visible_ticket(request, pk)
    form = forms.ReasonForm(request.POST, label="查看理由", prefix="reveal")
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
        messages.error(request, _form_errors(form))
        return redirect(ticket)
    try:
        services.attachment_add(
            ticket=ticket, upload=form.cleaned_data["file"], by=request.user
        )
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "附件已上传。")
    return redirect(ticket)


@require_GET
def attachment_download(request, pk, attachment_pk):
    ticket = _visible_ticket(request, pk)
    attachment = get_object_or_404(
        selectors.attachments_for(ticket, request.user), pk=attachment_pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在。") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
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
def rule_list(request):
    if not request.user.has_perm("hotline.view_ticketdeadlinerule"):
        raise PermissionDenied
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
def rule_edit(request, pk):
    if not request.user.has_perm("hotline.change_ticketdeadlinerule"):
        raise PermissionDenied
    rule = get_object_or_404(TicketDeadlineRule, pk=pk)
    form = forms.DeadlineRuleForm(request.POST, instance=rule, prefix=f"r{rule.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
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
