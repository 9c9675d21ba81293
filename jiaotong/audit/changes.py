"""The steps every create-or-update service shares: find the keyed row (locked)
or start a new one, and apply field values as the changes the audit trail records."""

from typing import Any

from django.db import models

from .services import audit_record

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


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


def locked_or_new(model: type[models.Model], **key) -> tuple[models.Model, bool]:
    """The row with this key, locked until the transaction ends (two imports of
    the same key must not both see "unchanged"), or a new unsaved one.
    Returns ``(instance, created)``."""
    instance = model.objects.select_for_update().filter(**key).first()
    if instance is None:
        return model(**key), True
    return instance, False


def record_upsert(
    instance: models.Model,
    *,
    created: bool,
    changes: dict,
    by,
    actor_name="",
    reason="",
) -> str:
    """Audit a saved create-or-update as ``<model>_create`` / ``<model>_update``
    with its changes; returns the outcome (CREATED or UPDATED)."""
    audit_record(
        by=by,
        actor_name=actor_name,
        action=f"{instance._meta.model_name}_{'create' if created else 'update'}",
        obj=instance,
        changes=changes,
        reason=reason,
    )
    return CREATED if created else UPDATED
