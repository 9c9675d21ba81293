"""Field changes of an edit, in the shape the audit trail records them."""

from typing import Any

from django.db import models


def apply_changes(instance: models.Model, values: dict[str, Any], allowed) -> dict:
    """Set ``values`` on ``instance``; return ``{field: [old, new]}`` of the real
    changes, as an audit event's ``changes`` records them (relations shown by name).
    ``allowed`` names the fields a caller may set; any other is a programming error."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not an editable field: {', '.join(sorted(unknown))}")
    changes = {}
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            old, new = getattr(instance, field.attname), getattr(value, "pk", value)
            shown = [str(getattr(instance, name) or ""), str(value or "")]
        else:
            old, new = getattr(instance, name), value
            shown = [old, new]
        if old != new:
            changes[name] = shown
            setattr(instance, name, value)
    return changes
