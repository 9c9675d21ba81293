"""The audit trail browser (审计日志): 审计管理员 only, read-only.

Reading the trail is not itself recorded: the page changes nothing, and an event
per page view would bury the events that matter.
"""

import datetime as dt
import json

import django_filters
from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jiaotong.audit.models import AuditEvent
from jiaotong.audit.selectors import action_labels, describe, record_type_choices
from jiaotong.audit.services import last_chain_check
from jiaotong.filters import bootstrap_widgets
from jiaotong.inputs import FilterSet
from jiaotong.pagination import request_page
from jiaotong.validators import mask_personal_numbers
from jiaotong.web import permission_required

PAGE_SIZE = 50


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class IPAddressFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


class AuditEventFilter(FilterSet):
    actor = django_filters.CharFilter(
        label="操作人",
        method="filter_actor",
        widget=forms.TextInput(attrs={"placeholder": "姓名或用户名"}),
    )
    action = django_filters.ChoiceFilter(
        label="动作",
        choices=lambda: sorted(action_labels().items(), key=lambda item: item[1]),
        empty_label="全部",
    )
    object_type = django_filters.ChoiceFilter(
        label="对象类型", choices=record_type_choices, empty_label="全部"
    )
    object_id = django_filters.CharFilter(label="对象编号")
    date_from = django_filters.DateFilter(
        label="起始日期",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="截止日期",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ip_address = IPAddressFilter(label="客户端IP")

    class Meta:
        model = AuditEvent
        fields = [
            "actor",
            "action",
            "object_type",
            "object_id",
            "date_from",
            "date_to",
            "ip_address",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor_name__icontains=value) | Q(actor__username__iexact=value)
        )

    # Dates become bounds on the indexed timestamp (no function on the column).
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))


def _shown(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return mask_personal_numbers(text)


def _prepare(event: AuditEvent) -> None:
    """Personal numbers masked in what people typed (PIPL): the audit admin needs
    to see who did what, not the citizens' ID numbers and phones."""
    event.reason_shown = _shown(event.reason)
    event.object_repr_shown = _shown(event.object_repr)
    changes = event.changes if isinstance(event.changes, dict) else {"": event.changes}
    event.changes_shown = [
        (event.change_labels.get(key, key), _shown(value))
        for key, value in changes.items()
    ]


@require_safe
@permission_required("jiaotong.view_auditevent")
def audit_list(request):
    events = AuditEvent.objects.visible_to(request.user)
    event_filter = AuditEventFilter(request.GET, queryset=events, request=request)
    # Newest first by id (the chain's order), never counted: no COUNT(*) over
    # the trail, the largest table of all.
    page = request_page(
        request, event_filter.qs.order_by("-id"), size=PAGE_SIZE, count=False
    )
    describe(page.rows, action_labels())
    for event in page.rows:
        _prepare(event)
    return render(
        request,
        "audit/auditevent_list.html",
        {
            "filter": event_filter,
            "page": page,
            "chain_check": last_chain_check(),
        },
    )
