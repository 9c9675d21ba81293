"""What every list filter shares: the yes/no choices, Bootstrap widgets and
the search box."""

import django_filters
from django import forms
from django.db.models import Q

from .inputs import FilterSet

YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]


def bootstrap_widgets(form: forms.Form) -> None:
    """Give every widget its Bootstrap class (filters are laid out by hand)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class SearchFilterSet(FilterSet):
    """A list's filters with Bootstrap widgets and a ``q`` search box matching
    any of ``search_fields`` (``icontains``); override ``search_condition`` for
    another match (an upper-cased plate, pinyin initials…)."""

    q = django_filters.CharFilter(method="search", label="搜索")
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)

    def search_condition(self, value: str) -> Q:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return condition

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(self.search_condition(value)) if value else queryset
