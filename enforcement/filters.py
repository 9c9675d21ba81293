"""The case list's filters and search."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Value
from django.utils import timezone

from jiaotong.models import Matter
from jiaotong.models.registry import PowerType

from .models import (
    CLOCK_WARN_DAYS,
    DECIDED_STATES,
    DECISION_DAYS,
    CaseSource,
    Outcome,
    PenaltyCase,
    Procedure,
)

CLOCK_CHOICES = (("red", "已超期"), ("yellow", "临近期限（15日内）"))


def with_decision_due(queryset):
    """``decision_due_at``: 立案 time + 90 days + approved extensions, in the DB."""
    return queryset.annotate(
        decision_due_at=ExpressionWrapper(
            F("filed_at")
            + Value(dt.timedelta(days=DECISION_DAYS))
            + F("extension_days") * Value(dt.timedelta(days=1)),
            output_field=DateTimeField(),
        )
    )


class CaseFilter(django_filters.FilterSet):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(party_name__icontains=value)
            | Q(plate__icontains=value.upper())
        )

    def by_clock(self, queryset, name, value):
        """The same marks as ``PenaltyCase.clock_state``, as a database filter."""
        today = timezone.localdate()
        midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
        running = with_decision_due(
            queryset.filter(filed_at__isnull=False, decided_at__isnull=True).exclude(
                status__in=DECIDED_STATES
            )
        )
        if value == "red":
            return running.filter(decision_due_at__lt=midnight)
        return running.filter(
            decision_due_at__gte=midnight,
            decision_due_at__lt=midnight + dt.timedelta(days=CLOCK_WARN_DAYS + 1),
        )
