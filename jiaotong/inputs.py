"""The input boundary every form, filter and query string passes (issue 12).

- ``install_field_guards`` (called once from ``JiaotongConfig.ready``) makes every
  Django form field in every app refuse what would break a desk later: text with
  control characters (NUL cannot even be stored by PostgreSQL) and dates outside
  the plausible window (1949-01-01 .. today + 10 years). Doing it on the field
  classes, not form by form, means a form added by a later app is covered without
  anyone remembering to; the messages name the field in Chinese.
- ``QueryStringGuardMiddleware`` drops query-string parameters carrying control
  characters before any view reads them (views that read ``request.GET`` by hand
  included) and says so in a message.
- ``FilterSet`` is the base of every list filter: a value that does not parse
  means "no filter" (django-filter's behaviour) *and* the user is told which.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from .validators import (
    CONTROL_CHARACTERS,
    CONTROL_CHARACTERS_STRICT,
    is_plausible_date,
    plausible_window_message,
)


def _label(field) -> str:
    return str(field.label or "该项")


def _guarded_text_validate(original):
    def validate(self, value):
        original(self, value)
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(
                "“%(label)s”含有不允许的控制字符（如 NUL、退格、ESC），"
                "请删除后重新输入。",
                code="control_characters",
                params={"label": _label(self)},
            )

    validate.jiaotong_guard = True
    return validate


def _guarded_date_validate(original):
    def validate(self, value):
        original(self, value)
        if value not in self.empty_values and not is_plausible_date(value):
            raise ValidationError(
                "“%(label)s”超出合理范围：%(window)s",
                code="implausible_date",
                params={"label": _label(self), "window": plausible_window_message()},
            )

    validate.jiaotong_guard = True
    return validate


def install_field_guards() -> None:
    """Wrap ``validate`` of the text and date form fields (idempotent)."""
    for cls, wrap in (
        (forms.CharField, _guarded_text_validate),
        (forms.DateField, _guarded_date_validate),
        (forms.DateTimeField, _guarded_date_validate),
    ):
        current = cls.__dict__.get("validate", None) or cls.validate
        if getattr(current, "jiaotong_guard", False):
            continue
        cls.validate = wrap(current)


class QueryStringGuardMiddleware:
    """Ignore query-string parameters with control characters, with a message.

    Placed after MessageMiddleware. htmx fragments get no message (it would
    surface on the next full page, out of context).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {
                key
                for key, values in request.GET.lists()
                if CONTROL_CHARACTERS_STRICT.search(key)
                or any(CONTROL_CHARACTERS_STRICT.search(v) for v in values)
            }
        )
        if bad:
            cleaned = request.GET.copy()
            for key in bad:
                del cleaned[key]
            cleaned._mutable = False
            request.GET = cleaned
            if not request.headers.get("HX-Request") and hasattr(request, "_messages"):
                names = "、".join(
                    CONTROL_CHARACTERS_STRICT.sub("", k)[:40] or "?" for k in bad
                )
                messages.warning(
                    request, f"查询参数“{names}”含有不允许的控制字符，已忽略。"
                )
        return self.get_response(request)


class FilterSet(django_filters.FilterSet):
    """A list filter whose unparseable values are ignored with a message."""

    @property
    def qs(self):
        queryset = super().qs
        if (
            self.is_bound
            and self.request is not None
            and not getattr(self, "_warned", False)
            and self.form.errors
        ):
            self._warned = True
            labels = "、".join(
                _label(self.form.fields[name]) if name in self.form.fields else name
                for name in self.form.errors
            )
            messages.warning(self.request, f"筛选条件“{labels}”无效，已忽略。")
        return queryset
