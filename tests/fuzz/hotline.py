"""Fuzz targets of the hotline desk."""

from django import forms as djforms
from django.urls import reverse

from hotline import forms
from hotline.filters import TicketFilter
from hotline.workflow import TICKET_WORKFLOW
from jiaotong.actions import ReasonForm

from .registry import filter_url, form, workflow_forms

TICKETS = [
    "hotline.Ticket",
    "hotline.TicketReturn",
    "hotline.TicketExtension",
    "hotline.SupervisionNotice",
]


form(
    "ticket_create",
    user="hotline_agent",
    url=lambda w: reverse("hotline:ticket_create"),
    form=lambda w: forms.TicketCreateForm(),
    writes=TICKETS,
)
workflow_forms(
    "ticket",
    TICKET_WORKFLOW,
    url_name="hotline:ticket_action",
    record="ticket",
    users={
        "hotline.dispatch_ticket": "hotline_agent",
        "hotline.handle_ticket": "handler",
        "hotline.change_ticket": "hotline_agent",
        "hotline.approve_extension": "leader",
    },
    writes=TICKETS,
)
form(
    "ticket_reveal_caller",
    user="hotline_agent",
    url=lambda w: reverse("hotline:ticket_reveal_caller", args=[w["ticket"].pk]),
    form=lambda w: ReasonForm(label="查看理由", prefix="reveal"),
)
form(
    "ticket_supervise",
    user="supervisor",
    url=lambda w: reverse("hotline:ticket_supervise", args=[w["ticket"].pk]),
    form=lambda w: ReasonForm(label="督办事由", required=False),
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
