"""What every list filter shares: the yes/no choices and Bootstrap widgets."""

from django import forms

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
