"""List filters for the registry pages (django-filter), with Bootstrap widgets."""

import django_filters
from django import forms
from django.db.models import Q

from jiaotong.filters import YES_NO, bootstrap_widgets
from jiaotong.inputs import FilterSet

from .models import CreditGrade, Enterprise, Industry, Matter, MatterSource, PowerType


class MatterFilter(FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "编码、名称或拼音首字母"}),
    )
    power_type = django_filters.ChoiceFilter(
        label="权力类型", choices=PowerType.choices, empty_label="全部"
    )
    source = django_filters.ChoiceFilter(
        label="承接来源", choices=MatterSource.choices, empty_label="全部"
    )
    notify_commit = django_filters.BooleanFilter(
        label="告知承诺", widget=forms.Select(choices=YES_NO)
    )
    in_force_on = django_filters.DateFilter(
        label="在该日有效",
        method="filter_in_force_on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Matter
        fields = ["q", "power_type", "source", "notify_commit", "in_force_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(pinyin_initials__icontains=value.upper())
        )

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)


class EnterpriseFilter(FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码"}),
    )
    industry = django_filters.ChoiceFilter(
        label="行业类别", choices=Industry.choices, empty_label="全部"
    )
    town = django_filters.ChoiceFilter(label="所属乡镇", empty_label="全部")
    credit_grade = django_filters.ChoiceFilter(
        label="信用等级", choices=CreditGrade.choices, empty_label="全部"
    )

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "town", "credit_grade"]

    def __init__(self, *args, towns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["town"].extra["choices"] = [(t, t) for t in towns]
        bootstrap_widgets(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(credit_code__icontains=value.upper())
        )
