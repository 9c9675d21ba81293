"""Workflows as data: one transition table per record type, one domain error.

Every domain app describes its record's life as a ``Workflow``: a table keyed by
*action* (``"dispatch"``, ``"accept"``, ``"decide"``…) whose entries say from
which statuses the move is allowed, the status it leads to, the permission it
needs, an optional guard that explains why it is refused right now, and — for
the generic action view — the form that collects its input, the service that
performs it and the message shown afterwards.

The same table answers three questions, so screens, services and URLs cannot
disagree:

- ``refusal(obj, action, user)``: why ``user`` may not make the move now (or None);
- ``allowed_actions(obj, user)``: the moves a detail page offers, in table order;
- ``begin(obj, action, by)`` / ``finish(obj, action, by, ...)``: what a service calls
  to lock the row, re-check the rules on the locked copy, set the new status and
  write the audit event.

A service stays the one place where a move's own rules live::

    @transaction.atomic
    def ticket_dispatch(*, ticket, unit, by, note=""):
        ticket = TICKET_WORKFLOW.begin(ticket, "dispatch", by)
        ticket.unit = unit
        return TICKET_WORKFLOW.finish(ticket, "dispatch", by, reason=note)

The generic action view (``jiaotong.actions.action_view``) calls
``service(**{workflow.object_name: obj}, by=user, **form.cleaned_data)``, so a
move's form fields are named like its service's keywords; ``service`` and
``form`` are dotted paths so that the table (imported by services) never imports
the services back. Adding a move is a table row, its service and its form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.module_loading import import_string

Guard = Callable[[Any, Any], "str | None"]


class WorkflowError(Exception):
    """A move the rules do not allow right now; ``message`` is shown to the user
    in Chinese and names the reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    """One allowed move.

    ``guard(obj, user)`` returns a Chinese reason when the move is refused for
    a reason beyond state and permission (a deadline passed, a hearing pending…).
    ``service`` and ``form`` are dotted import paths; ``form`` None means the move
    needs no input beyond a confirmation. ``done`` is the success message; it is
    formatted with the record as ``obj`` and its new status label as ``status``
    (``"已派单至{obj.unit}。"``). Several guards combine with ``first_refusal``.
    """

    label: str
    sources: tuple[str, ...]
    target: str
    permission: str
    service: str = ""
    form: str | None = None
    done: str = ""
    guard: Guard | None = None
    confirm: str = ""  # a question shown before a move that cannot be undone
    style: str = "primary"  # the button's Bootstrap colour on the detail page
    # appended to the record's URL after the move, for a page that offers the
    # next step itself (e.g. "?next=print": the notice to print after 受理)
    then: str = ""
    system: bool = False  # a beat task may make the move with ``by=None``
    # keyword arguments for ``form`` (a shared form's label, field name…)
    form_kwargs: dict[str, Any] = field(default_factory=dict, compare=False)
    # ``initial(obj)``: the unbound form's starting values from the record
    # (the fine already proposed, the amount to collect…)
    initial: Callable[[Any], dict] | None = field(default=None, compare=False)

    def get_service(self) -> Callable[..., Any]:
        return import_string(self.service)

    def get_form(self, data=None, *, prefix: str = "", obj=None):
        """The move's form, bound to ``data`` when given, or None.

        A form class that needs the record (to fit its choices to it) names the
        keyword it takes it by in ``record_kwarg`` (``record_kwarg = "case"``);
        it then receives ``obj``. An unbound form starts from ``initial(obj)``.
        """
        if not self.form:
            return None
        form_class = import_string(self.form)
        kwargs = dict(self.form_kwargs)
        record_kwarg = getattr(form_class, "record_kwarg", "")
        if record_kwarg:
            kwargs[record_kwarg] = obj
        if data is None and obj is not None and self.initial is not None:
            kwargs["initial"] = self.initial(obj)
        return form_class(data, prefix=prefix or None, **kwargs)


@dataclass(frozen=True)
class Workflow:
    """The transition table of one record type.

    ``object_name`` is the keyword the app's services take the record by
    (``ticket=``, ``application=``, ``case=``); ``audit_prefix`` names the
    audit actions (``ticket_dispatch``); ``status_field`` holds the state.
    """

    object_name: str
    audit_prefix: str
    transitions: dict[str, Transition]
    status_field: str = "status"
    lock_queryset: Callable[[], models.QuerySet] | None = field(
        default=None, compare=False
    )

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def status_label(self, obj) -> str:
        getter = getattr(obj, f"get_{self.status_field}_display", None)
        return getter() if getter else str(getattr(obj, self.status_field))

    def refusal(self, obj, action: str, user) -> str | None:
        """Why ``user`` may not make ``action`` on ``obj`` now, or None."""
        move = self.transitions.get(action)
        if move is None:
            return "未知的操作。"
        if user is None:
            if not move.system:
                return f"「{move.label}」须由工作人员办理。"
        elif not user.has_perm(move.permission):
            return f"您没有「{move.label}」的权限。"
        if getattr(obj, self.status_field) not in move.sources:
            return f"当前状态为「{self.status_label(obj)}」，不能执行「{move.label}」。"
        if move.guard is not None:
            return move.guard(obj, user)
        return None

    def allowed_actions(self, obj, user) -> list[str]:
        """The moves a detail page offers this user, in the table's order."""
        return [name for name in self.transitions if not self.refusal(obj, name, user)]

    def check(self, obj, action: str, user) -> Transition:
        message = self.refusal(obj, action, user)
        if message:
            raise WorkflowError(message)
        return self.transitions[action]

    def begin(self, obj, action: str, by):
        """Lock the record's row and check the move against the locked copy.

        Call inside ``transaction.atomic``: the lock makes two users acting on
        the same record at once take turns, and the loser is refused by the
        state check with the record's new status in the message.
        """
        queryset = (
            self.lock_queryset() if self.lock_queryset else type(obj)._default_manager
        )
        locked = queryset.select_for_update().get(pk=obj.pk)
        self.check(locked, action, by)
        return locked

    def finish(
        self,
        obj,
        action: str,
        by,
        *,
        reason: str = "",
        changes: dict | None = None,
        update_fields: list[str] | None = None,
    ):
        """Move ``obj`` to the action's target status, save and audit it."""
        from jiaotong.audit.services import audit_record

        from_state = getattr(obj, self.status_field)
        setattr(obj, self.status_field, self.transitions[action].target)
        if update_fields is not None:
            update_fields = sorted({*update_fields, self.status_field})
        obj.save(update_fields=update_fields)
        audit_record(
            by=by,
            action=f"{self.audit_prefix}_{action}",
            obj=obj,
            from_state=from_state,
            to_state=getattr(obj, self.status_field),
            reason=reason,
            changes=changes,
        )
        return obj


def first_refusal(*guards: Guard) -> Guard:
    """One guard made of several, asked in order; the first refusal wins."""

    def guard(obj, user) -> str | None:
        for check in guards:
            message = check(obj, user)
            if message:
                return message
        return None

    return guard


def required_text(value: str | None, label: str) -> str:
    """A reason or note the rules require: stripped, or a WorkflowError naming
    the field."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(f"请填写{label}。")
    return value
