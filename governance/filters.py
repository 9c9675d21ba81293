"""List filters and search for the governance registers (django-filter)."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone

from jiaotong.dates import year_bounds
from jiaotong.filters import SearchFilterSet
from jiaotong.registry.models import Industry

from .models import (
    Campaign,
    EducationEvent,
    Mediation,
    NormativeDocument,
    Petition,
    Suggestion,
    SuggestionKind,
    TrainingSession,
)
from .selectors import DUE_SOON_DAYS

YEARS = [(str(y), f"{y}年") for y in range(timezone.localdate().year, 2019, -1)]


def _in_year(field: str):
    def method(queryset, name, value):
        if not value:
            return queryset
        start, end = year_bounds(int(value))
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    return method


class SuggestionFilter(SearchFilterSet):
    search_fields = ("number", "title", "proposers", "reply_doc_no")
    kind = django_filters.ChoiceFilter(
        choices=SuggestionKind.choices, empty_label="全部", label="类别"
    )
    status = django_filters.ChoiceFilter(
        choices=Suggestion.Status.choices, empty_label="全部", label="状态"
    )
    due = django_filters.ChoiceFilter(
        choices=[("soon", "即将到期"), ("overdue", "已超期")],
        empty_label="全部",
        method="by_due",
        label="期限",
    )
    replied_year = django_filters.ChoiceFilter(
        choices=YEARS,
        empty_label="全部",
        method=_in_year("replied_at"),
        label="答复年度",
    )

    class Meta:
        model = Suggestion
        fields = ["q", "kind", "status", "due", "replied_year"]

    def by_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue_on(today)
        return queryset.due_by(today + dt.timedelta(days=DUE_SOON_DAYS))


class DocumentFilter(SearchFilterSet):
    search_fields = ("title", "doc_no")
    status = django_filters.ChoiceFilter(
        choices=NormativeDocument.Status.choices, empty_label="全部", label="状态"
    )
    reviewed_year = django_filters.ChoiceFilter(
        choices=YEARS, empty_label="全部", method="by_review_year", label="清理年度"
    )

    class Meta:
        model = NormativeDocument
        fields = ["q", "status", "reviewed_year"]

    def by_review_year(self, queryset, name, value):
        start, end = year_bounds(int(value))
        return queryset.filter(
            reviews__concluded_at__gte=start, reviews__concluded_at__lt=end
        ).distinct()


class MediationFilter(SearchFilterSet):
    search_fields = ("number", "applicant", "respondent", "summary")
    status = django_filters.ChoiceFilter(
        choices=Mediation.Status.choices, empty_label="全部", label="状态"
    )
    industry = django_filters.ChoiceFilter(
        choices=Industry.choices, empty_label="全部", label="行业"
    )
    accepted_year = django_filters.ChoiceFilter(
        choices=YEARS,
        empty_label="全部",
        method=_in_year("accepted_at"),
        label="受理年度",
    )

    class Meta:
        model = Mediation
        fields = ["q", "status", "industry", "accepted_year"]


class PetitionFilter(SearchFilterSet):
    search_fields = ("number", "petitioner", "subject")
    status = django_filters.ChoiceFilter(
        choices=Petition.Status.choices, empty_label="全部", label="状态"
    )
    resolved_year = django_filters.ChoiceFilter(
        choices=YEARS,
        empty_label="全部",
        method=_in_year("resolved_at"),
        label="解决年度",
    )

    class Meta:
        model = Petition
        fields = ["q", "status", "resolved_year"]


class EducationFilter(SearchFilterSet):
    search_fields = ("title", "laws", "place")
    theme = django_filters.ChoiceFilter(
        choices=EducationEvent.Theme.choices, empty_label="全部", label="主题"
    )
    year = django_filters.ChoiceFilter(
        choices=YEARS, empty_label="全部", method=_in_year("held_at"), label="年度"
    )

    class Meta:
        model = EducationEvent
        fields = ["q", "theme", "year"]


class CampaignFilter(SearchFilterSet):
    search_fields = ("title", "plan")
    year = django_filters.ChoiceFilter(
        choices=YEARS, empty_label="全部", method="by_year", label="年度"
    )

    class Meta:
        model = Campaign
        fields = ["q", "year"]

    def by_year(self, queryset, name, value):
        return queryset.filter(starts_on__year=int(value))


class TrainingFilter(SearchFilterSet):
    search_fields = ("topic", "trainer", "place")
    for_enforcement = django_filters.BooleanFilter(
        label="执法人员培训",
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    year = django_filters.ChoiceFilter(
        choices=YEARS, empty_label="全部", method=_in_year("held_at"), label="年度"
    )

    class Meta:
        model = TrainingSession
        fields = ["q", "for_enforcement", "year"]
