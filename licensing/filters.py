"""The window list's filters and search."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from jiaotong.dates import at_local
from jiaotong.filters import SearchSelect, bootstrap_widgets
from jiaotong.inputs import FilterSet
from jiaotong.models import Matter, OrgUnit, User
from jiaotong.registry.models import PowerType
from jiaotong.roles import ROLE_WINDOW

from .models import WINDOW_POWER_TYPES, Application, Channel
from .selectors import overdue_filter

YES_NO = (("1", "是"), ("0", "否"))


class ApplicationFilter(FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="办件编号/申请人",
        widget=forms.TextInput(attrs={"placeholder": "编号或申请人名称"}),
    )
    matter = django_filters.ModelChoiceFilter(
        queryset=Matter.objects.filter(power_type__in=WINDOW_POWER_TYPES)
        .only("id", "code", "name")
        .order_by("code"),
        label="事项",
        empty_label="全部",
        # thousands of matters at a city: searched, never all in the page
        widget=SearchSelect(
            reverse_lazy("licensing:matter_filter_options"),
            placeholder="输入事项编号或名称检索",
        ),
    )
    power_type = django_filters.ChoiceFilter(
        field_name="matter__power_type",
        choices=[(t.value, t.label) for t in map(PowerType, WINDOW_POWER_TYPES)],
        label="权力类型",
        empty_label="全部",
    )
    status = django_filters.ChoiceFilter(
        choices=Application.Status.choices, label="状态", empty_label="全部"
    )
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, label="渠道", empty_label="全部"
    )
    clerk = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name=ROLE_WINDOW)
        .only("id", "username", "full_name")
        .order_by("username"),
        label="经办人",
        empty_label="全部",
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN).only(
            "id", "name", "path"
        ),
        method="in_unit",
        label="受理单位",
        empty_label="全部",
    )
    received_from = django_filters.DateFilter(
        method="received_on_or_after",
        label="收件日期自",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        method="received_on_or_before",
        label="至",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="is_overdue", label="超期", empty_label="全部"
    )
    completed_year = django_filters.NumberFilter(
        method="completed_in",
        label="办结年度",
        help_text="已受理并作出最终结果、办结时间在该年度的办件（年度统计口径）",
        widget=forms.NumberInput(attrs={"placeholder": "如 2023"}),
    )
    notify_commit = django_filters.ChoiceFilter(
        choices=YES_NO, method="is_notify_commit", label="告知承诺", empty_label="全部"
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["matter"].label_from_instance = lambda m: f"{m.code} {m.name}"
        self.form.fields["clerk"].label_from_instance = lambda u: u.display_name
        bootstrap_widgets(self.form)

    def search(self, queryset, name, value):
        """Number or applicant name. ID numbers are searched by the POST form, so
        that they never appear in a URL."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(applicant_name__icontains=value)
        )

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def received_on_or_after(self, queryset, name, day):
        return queryset.filter(received_at__gte=at_local(day))

    def received_on_or_before(self, queryset, name, day):
        return queryset.filter(received_at__lt=at_local(day + dt.timedelta(days=1)))

    def completed_in(self, queryset, name, value):
        """The population of window.completed for that year (the dashboard's
        drill-down): the indicator's own filter, so the counts agree."""
        from .indicators import completed_filter

        if value is None or not 2000 <= value <= 2100:
            return queryset
        return queryset.filter(completed_filter(int(value)))

    def is_notify_commit(self, queryset, name, value):
        return queryset.filter(notify_commit=value == "1")

    def is_overdue(self, queryset, name, value):
        if value == "1":
            return queryset.filter(overdue_filter())
        if value == "0":
            return queryset.exclude(overdue_filter())
        return queryset
