"""The case list's filters and search."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy

from jiaotong.filters import SearchFilterSet, SearchSelect
from jiaotong.models import Matter
from jiaotong.registry.models import PowerType

from . import selectors
from .models import CaseSource, Outcome, PenaltyCase, Procedure

CLOCK_CHOICES = (("red", "已超期"), ("yellow", "临近期限（15日内）"))


class CaseFilter(SearchFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="案件编号/当事人/车牌",
        widget=forms.TextInput(attrs={"placeholder": "编号、当事人或车牌号"}),
    )
    status = django_filters.ChoiceFilter(
        choices=PenaltyCase.Status.choices, label="状态", empty_label="全部"
    )
    procedure = django_filters.ChoiceFilter(
        choices=Procedure.choices, label="程序", empty_label="全部"
    )
    source = django_filters.ChoiceFilter(
        choices=CaseSource.choices, label="来源", empty_label="全部"
    )
    outcome = django_filters.ChoiceFilter(
        choices=Outcome.choices, label="处理结果", empty_label="全部"
    )
    matter = django_filters.ModelChoiceFilter(
        queryset=Matter.objects.filter(power_type=PowerType.PENALTY)
        .only("id", "code", "name")
        .order_by("code"),
        label="违法行为",
        empty_label="全部",
        # thousands of penalty matters at a city: searched, never all in the page
        widget=SearchSelect(
            reverse_lazy("enforcement:matter_filter_options"),
            placeholder="输入违法行为编号或名称检索",
        ),
    )
    clock = django_filters.ChoiceFilter(
        choices=CLOCK_CHOICES, label="办案期限", empty_label="全部", method="by_clock"
    )
    year = django_filters.NumberFilter(
        field_name="year", label="年度", widget=forms.NumberInput(attrs={"min": 2000})
    )

    class Meta:
        model = PenaltyCase
        fields = [
            "q",
            "status",
            "procedure",
            "source",
            "outcome",
            "matter",
            "clock",
            "year",
        ]

    def search_condition(self, value: str) -> Q:
        return (
            Q(number__icontains=value)
            | Q(party_name__icontains=value)
            | Q(plate__icontains=value.upper())
        )

    def by_clock(self, queryset, name, value):
        return selectors.on_the_clock(queryset, value)
