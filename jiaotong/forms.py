"""Form helpers every page shares: service errors onto fields, phone numbers."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .validators import validate_mobile

_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the fields it names (others on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def clean_phone_number(value: str) -> str:
    """A mobile (validated and normalised) or a landline with its area code."""
    value = (value or "").strip()
    if not value:
        return ""
    if _LANDLINE.match(value):
        return value
    try:
        return validate_mobile(value)
    except ValidationError:
        raise ValidationError(
            "联系电话应为11位手机号码，或带区号的固定电话（例：0370-8123456）。"
        ) from None
