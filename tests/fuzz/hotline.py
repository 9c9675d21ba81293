"""Fuzz targets of the hotline desk."""

from django import forms as djforms
from django.urls import reverse

from hotline import forms
from hotline.filters import TicketFilter

from .registry import filter_url, form

TICKETS = [
    "hotline.Ticket",
    "hotline.TicketReturn",
    "hotline.TicketExtension",
    "hotline.SupervisionNotice",
]


def _action(name, form_class, *, user, **kwargs):
    form(
        f"ticket_{name}",
        user=user,
        url=lambda w: reverse(f"hotline:ticket_{name}", args=[w["ticket"].pk]),
        form=lambda w: form_class(prefix=name, **kwargs),
        writes=TICKETS,
    )


form(
    "ticket_create",
    user="hotline_agent",
    url=lambda w: reverse("hotline:ticket_create"),
    form=lambda w: forms.TicketCreateForm(),
    writes=TICKETS,
)
_action("dispatch", forms.DispatchForm, user="hotline_agent")
_action("answer_on_call", forms.ReplyTextForm, user="hotline_agent")
_action("not_accept", forms.NotAcceptForm, user="hotline_agent")
_action("request_return", forms.ReasonForm, user="handler", label="退单理由")
_action("request_extension", forms.ExtensionRequestForm, user="handler")
_action("reply", forms.ReplyTextForm, user="handler")
_action("follow_up", forms.FollowUpForm, user="hotline_agent")
_action("reopen", forms.ReasonForm, user="hotline_agent", label="重办原因")
form(
    "ticket_reveal_caller",
    user="hotline_agent",
    url=lambda w: reverse("hotline:ticket_reveal_caller", args=[w["ticket"].pk]),
    form=lambda w: forms.ReasonForm(label="查看理由", prefix="reveal"),
)
form(
    "ticket_supervise",
    user="supervisor",
    url=lambda w: reverse("hotline:ticket_supervise", args=[w["ticket"].pk]),
    form=lambda w: forms.ReasonForm(label="督办事由", required=False),
    writes=TICKETS,
)
form(
    "rule_edit",
    user="sysadmin",
    url=lambda w: reverse("hotline:rule_edit", args=[w["rule"].pk]),
    form=lambda w: forms.DeadlineRuleForm(
        instance=w["rule"], prefix=f"r{w['rule'].pk}"
    ),
    writes=["hotline.TicketDeadlineRule"],
)


class _UnitQueryForm(djforms.Form):
    unit = djforms.CharField(required=False)


filter_url(
    "ticket_list",
    user="hotline_agent",
    url=lambda w: reverse("hotline:ticket_list"),
    form=lambda w: TicketFilter().form,
)
filter_url(
    "unit_queue",
    user="supervisor",
    url=lambda w: reverse("hotline:unit_queue"),
    form=lambda w: _UnitQueryForm(),
)
