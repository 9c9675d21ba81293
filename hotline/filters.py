"""The ticket list's filters and search."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone

from jiaotong.dates import at_local
from jiaotong.filters import SearchSelect, bootstrap_widgets
from jiaotong.inputs import FilterSet
from jiaotong.models import Enterprise, OrgUnit

from .models import (
    OPEN_STATUSES,
    Area,
    Category,
    FollowUpResult,
    Source,
    Status,
    Ticket,
)

YES_NO = (("1", "是"), ("0", "否"))


# More enterprises than this matching a search: a common word, matched by a
# join (the tickets found are many too, the list's first page comes quickly).
ENTERPRISES_LOOKED_UP = 500


def _enterprise_match(value: str) -> Q:
    """Tickets of an enterprise whose name holds ``value``. The enterprises are
    looked up first, so that the search is an OR of conditions on the ticket
    table alone — each one an index scan (trigram or enterprise_id) — and the
    planner knows how many tickets to expect; a join, or ``IN (SELECT …)``,
    would be checked row by row and make every search a scan of the table."""
    ids = list(
        Enterprise.objects.filter(name__icontains=value).values_list("pk", flat=True)[
            : ENTERPRISES_LOOKED_UP + 1
        ]
    )
    if len(ids) > ENTERPRISES_LOOKED_UP:
        return Q(enterprise__name__icontains=value)
    return Q(enterprise__in=ids)


class TicketFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label="搜索")
    source = django_filters.ChoiceFilter(
        empty_label="全部", choices=Source.choices, label="热线来源"
    )
    category = django_filters.ChoiceFilter(
        empty_label="全部", choices=Category.choices, label="诉求类型"
    )
    area = django_filters.ChoiceFilter(
        empty_label="全部", choices=Area.choices, label="业务类别"
    )
    status = django_filters.ChoiceFilter(
        empty_label="全部", choices=Status.choices, label="状态"
    )
    unit = django_filters.ModelChoiceFilter(
        empty_label="全部",
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN),
        method="in_unit",
        label="承办单位",
    )
    overdue = django_filters.ChoiceFilter(
        empty_label="全部", choices=YES_NO, method="is_overdue", label="超期"
    )
    supervised = django_filters.ChoiceFilter(
        empty_label="全部", choices=YES_NO, method="is_supervised", label="督办"
    )
    satisfaction = django_filters.ChoiceFilter(
        empty_label="全部",
        field_name="follow_up_result",
        choices=FollowUpResult.choices,
        label="回访结果",
    )
    enterprise = django_filters.ModelChoiceFilter(
        empty_label="全部",
        queryset=Enterprise.objects.only("id", "name").order_by("name"),
        label="涉及企业",
        # thousands of enterprises at a city: searched, never all in the page
        widget=SearchSelect(
            reverse_lazy("hotline:enterprise_filter_options"),
            placeholder="输入企业名称、信用代码或车牌检索",
        ),
    )
    received_from = django_filters.DateFilter(
        method="received_on_or_after",
        label="来电日期自",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        method="received_on_or_before",
        label="至",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_year = django_filters.NumberFilter(
        method="received_in",
        label="来电年度",
        widget=forms.NumberInput(attrs={"placeholder": "如 2023"}),
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)
        self.form.fields["q"].widget.attrs["placeholder"] = (
            "编号、内容、车牌、企业、来电人"
        )

    def search(self, queryset, name, value):
        """Number, content, plate or enterprise; the caller's name and phone only
        where the user may see the caller (no search oracle for whistle-blowers)."""
        value = value.strip()
        if not value:
            return queryset
        match = (
            Q(ticket_no__icontains=value)
            | Q(platform_no__icontains=value)
            | Q(content__icontains=value)
            | Q(plate__icontains=value)
            | _enterprise_match(value)
        )
        caller = Q(caller_name__icontains=value) | Q(caller_phone__icontains=value)
        user = getattr(self.request, "user", None)
        if user is None or not user.has_perm("hotline.view_confidential_caller"):
            caller &= Q(caller_confidential=False)
        return queryset.filter(match | caller)

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    def is_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(overdue if value == "1" else ~overdue)

    def is_supervised(self, queryset, name, value):
        return queryset.filter(supervised=value == "1")

    def received_in(self, queryset, name, value):
        """The population of the hotline.* figures of that year (the dashboard's
        drill-down): the indicators' own filter, so the counts agree."""
        from .selectors import received_in_filter

        if value is None or not 2000 <= value <= 2100:
            return queryset
        return queryset.filter(received_in_filter(int(value)))

    def received_on_or_after(self, queryset, name, value):
        return queryset.filter(received_at__gte=at_local(value))

    def received_on_or_before(self, queryset, name, value):
        return queryset.filter(received_at__lt=at_local(value + dt.timedelta(days=1)))
