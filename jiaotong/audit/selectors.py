"""The audit trail in people's terms: Chinese labels for actions, states, record
types and changed fields, taken from the tables the apps already keep (their
AppConfig's ``audit_labels()``, each model's status choices and verbose names)."""

from functools import cache
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from jiaotong.discovery import app_hook_results

from .labels import ACTION_LABELS


def action_labels() -> dict[str, str]:
    """Audit action -> Chinese label: the core's, then each app's
    ``AppConfig.audit_labels()`` (built from its own transition table)."""
    labels = dict(ACTION_LABELS)
    for app_labels in app_hook_results("audit_labels"):
        labels.update(app_labels)
    return labels


def portal_models() -> list:
    """The record types of the portal's own apps, not of Django or libraries
    (contenttypes, sessions, permissions, lockout records)."""
    return [
        model
        for config in apps.get_app_configs()
        if not {"site-packages", "dist-packages"} & set(Path(config.path).parts)
        for model in config.get_models()
    ]


def record_type_choices() -> list[tuple[str, str]]:
    return [
        (model._meta.label_lower, f"{model._meta.verbose_name}（{config}）")
        for model in portal_models()
        for config in [apps.get_app_config(model._meta.app_label).verbose_name]
    ]


@cache
def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@cache
def _state_labels(object_type: str) -> dict[str, str]:
    """Value -> label of the model's ``status`` choices (empty when it has none)."""
    model = _model(object_type)
    try:
        field = model._meta.get_field("status") if model else None
    except FieldDoesNotExist:
        return {}
    return {str(value): str(label) for value, label in (field.choices or [])}


def _field_label(object_type: str, name: str) -> str:
    model = _model(object_type)
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


def describe(events, labels: dict[str, str]) -> None:
    """Set ``action_label``, ``object_label``, ``from_label``/``to_label`` and
    ``change_labels`` on each event, for the audit page."""
    for event in events:
        event.action_label = labels.get(event.action, event.action)
        model = _model(event.object_type) if event.object_type else None
        event.object_label = str(model._meta.verbose_name) if model else ""
        states = _state_labels(event.object_type) if event.object_type else {}
        event.from_label = states.get(event.from_state, event.from_state)
        event.to_label = states.get(event.to_state, event.to_state)
        event.change_labels = {
            key: _field_label(event.object_type, key) if model else key
            for key in (event.changes if isinstance(event.changes, dict) else {})
        }
