"""``{% load enforcement_tags %}``: the 90-day clock mark of a case row."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def clock_state(case, today=None):
    """'red' / 'yellow' / '' for the case's decision limit (reads its own fields)."""
    return case.clock_state(today or timezone.localdate())


@register.filter
def violation(matter) -> str:
    """A penalty matter as the violation it names: 对…的行政处罚 → …."""
    return str(matter.name).removeprefix("对").removesuffix("的行政处罚")
