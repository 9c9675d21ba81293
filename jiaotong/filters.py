"""What every list filter shares: the yes/no choices, Bootstrap widgets, the
search box and the searchable choice of a record among thousands."""

import django_filters
from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils.html import format_html

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


def every_word(query: str, *fields: str, words: int = 5) -> Q:
    """Rows where each word typed (up to ``words``) is in one of ``fields``."""
    condition = Q()
    for word in (query or "").split()[:words]:
        one = Q()
        for field in fields:
            one |= Q(**{f"{field}__icontains": word})
        condition &= one
    return condition


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


class SearchSelect(forms.Select):
    """The choice of one record among thousands (事项, 企业) in a filter bar: the
    select holds only "全部" and the record chosen, never the whole table, and a
    search box above it fills it with the records matching what is typed (htmx,
    from ``search_url``, which answers ``<option>`` elements to the GET
    parameter ``<field name>_query``). Picking one submits the filter bar."""

    def __init__(self, search_url, *, placeholder="输入编号或名称检索", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.placeholder = placeholder

    def _shown_choices(self, value):
        choices = self.choices
        field = getattr(choices, "field", None)
        if field is None:  # not a model choice: every choice is shown
            return list(choices)
        shown = [("", field.empty_label or "全部")]
        chosen = [v for v in value if str(v).isdigit() and len(str(v)) < 19]
        if chosen:
            for record in choices.queryset.filter(pk__in=chosen)[:5]:
                shown.append((record.pk, field.label_from_instance(record)))
        return shown

    def optgroups(self, name, value, attrs=None):
        every = self.choices
        self.choices = self._shown_choices(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        target = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<input type="search" name="{}_query" class="form-control '
            'form-control-sm mb-1" placeholder="{}" aria-label="{}" '
            'autocomplete="off" hx-get="{}" hx-target="#{}" hx-swap="innerHTML" '
            'hx-trigger="input changed delay:250ms, search" hx-sync="this:replace">{}',
            name,
            self.placeholder,
            self.placeholder,
            self.search_url,
            target,
            select,
        )


def search_options(request, field: str, search, label, empty_text: str):
    """The htmx answer behind a ``SearchSelect``: the ``<option>`` elements of the
    records ``search(query)`` finds for what was typed in ``<field>_query``,
    each shown as ``label(record)``."""
    query = request.GET.get(f"{field}_query", "").strip()[:100]
    return render(
        request,
        "includes/_search_options.html",
        {
            "options": [(record.pk, label(record)) for record in search(query)],
            "query": query,
            "empty_text": empty_text,
        },
    )
