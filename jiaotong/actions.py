"""The generic workflow action view that serves every move of a
``jiaotong.workflow.Workflow``, the reason form moves share, and the one
rendering of a refusal.

An app wires all its moves with one URL pattern::

    path("<int:pk>/do/<slug:action>/", views.ticket_action, name="ticket_action")

    ticket_action = actions.action_view(TICKET_WORKFLOW, _visible_ticket)

and its detail page lists ``actions.action_items(...)`` as buttons and forms,
each posting to ``{% url 'hotline:ticket_action' ticket.pk action.name %}``.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .web import form_errors
from .workflow import Workflow, WorkflowError


def error_text(exc: Exception) -> str:
    """The message of a refusal: a WorkflowError's text or a ValidationError's."""
    if isinstance(exc, WorkflowError):
        return exc.message
    return "；".join(exc.messages)


class ReasonForm(forms.Form):
    """The one text a move asks for — a reason, note or cause. ``name`` is the
    keyword under which the move's service takes it."""

    def __init__(
        self,
        *args,
        label: str = "理由",
        required: bool = True,
        name: str = "reason",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields[name] = forms.CharField(
            label=label,
            required=required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )


def _item(workflow: Workflow, obj, name: str, refused: str | None = None) -> dict:
    move = workflow[name]
    return {
        "name": name,
        "label": move.label,
        "form": move.get_form(prefix=name, obj=obj),
        "style": move.style,
        "confirm": move.confirm,
        "refused": refused,
    }


def action_items(workflow: Workflow, obj, user, *, show_refused: bool = False):
    """The moves a detail page offers: name, label, unbound form, style,
    confirmation. The template builds each URL
    (``{% url 'hotline:ticket_action' obj.pk name %}``). Moves without a service
    (made through a page of their own) are not listed.

    ``show_refused``: when no move is open, list the moves the state and the
    permission allow but a guard refuses right now, each with the guard's
    reason in ``refused`` (a missing drafting step…) instead of nothing."""
    names = [n for n in workflow.allowed_actions(obj, user) if workflow[n].service]
    if names or not show_refused:
        return [_item(workflow, obj, name) for name in names]
    state = getattr(obj, workflow.status_field)
    return [
        _item(workflow, obj, name, workflow.refusal(obj, name, user))
        for name, move in workflow.transitions.items()
        if move.service and state in move.sources and user.has_perm(move.permission)
    ]


def post_service(
    request, obj, form, service, success: str | Callable, *, then=None, **kwargs
):
    """A small POST form on a detail page that is not a workflow move (an
    evidence upload, a drafting step, a period extension): validate ``form``
    (None: no input) → ``service(by=user, **kwargs, **cleaned_data)`` → the
    refusal or ``success`` (a text, or ``success(cleaned_data)``) as a message →
    redirect to ``then`` (a URL or object), by default the record."""
    data = {}
    if form is not None:
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(then or obj)
        data = form.cleaned_data
    try:
        service(by=request.user, **kwargs, **data)
    except (WorkflowError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success(data) if callable(success) else success)
    return redirect(then or obj)


def action_view(workflow: Workflow, fetch: Callable) -> Callable:
    """The POST-only view of every move in ``workflow``: scoped fetch (404) →
    the move's permission (403) → bind its form → call its service → message →
    back to the record. ``fetch(request, pk)`` returns the record in the user's
    scope or raises Http404."""

    @require_POST
    def view(request, pk: int, action: str):
        obj = fetch(request, pk)
        if action not in workflow or not workflow[action].service:
            raise Http404("未知的操作。")
        move = workflow[action]
        if not request.user.has_perm(move.permission):
            raise PermissionDenied
        form = move.get_form(request.POST, prefix=action, obj=obj)
        if form is not None and not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(obj)
        data = form.cleaned_data if form is not None else {}
        try:
            result = move.get_service()(
                **{workflow.object_name: obj}, by=request.user, **data
            )
        except (WorkflowError, ValidationError) as exc:
            messages.error(request, error_text(exc))
            return redirect(obj)
        if isinstance(result, type(obj)):
            obj = result
        else:  # a move that returns its request row (a return, an extension)
            obj.refresh_from_db()
        if move.then:  # the page says it and offers the next step in one box
            return redirect(obj.get_absolute_url() + move.then)
        messages.success(
            request, move.done.format(obj=obj, status=workflow.status_label(obj))
        )
        return redirect(obj)

    view.__name__ = f"{workflow.object_name}_action"
    return view
