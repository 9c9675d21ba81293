"""Helpers every governance service uses: timestamps, unit checks, audited
create/update of a register row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.audit.services import audit_record


def now_or(moment: dt.datetime | None) -> dt.datetime:
    return moment or timezone.now()


def not_future(moment: dt.datetime, label: str) -> None:
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(f"{label}不能晚于现在。")


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def check_unit(unit, by) -> None:
    """A record belongs to the recorder's unit subtree, so that they can still
    see it; leaders may record for any unit."""
    from jiaotong.roles import ROLE_LEADER, has_role

    if has_role(by, ROLE_LEADER):
        return
    if by.unit_id is None or not unit.path.startswith(by.unit.path):
        raise ValidationError({"unit": "只能登记本单位（含下级单位）的事项。"})


def shown(value):
    """A value as the audit trail keeps it: a moment as local minutes."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "pk"):
        return str(value)
    return value


def apply_changes(obj, data: dict) -> dict:
    """Set ``data`` on ``obj``; return ``{field: [old, new]}`` of what changed."""
    changes = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [shown(old), shown(value)]
            setattr(obj, name, value)
    return changes


def create_record(model, *, by, action: str, unit, **data):
    check_unit(unit, by)
    obj = model(unit=unit, created_by=by, **data)
    obj.full_clean()
    obj.save()
    audit_record(by=by, action=action, obj=obj, to_state=getattr(obj, "status", ""))
    return obj


def update_record(obj, *, by, action: str, data: dict):
    if "unit" in data:
        check_unit(data["unit"], by)
    changes = apply_changes(obj, data)
    if not changes:
        return obj
    obj.full_clean()
    obj.save()
    audit_record(by=by, action=action, obj=obj, changes=changes)
    return obj
