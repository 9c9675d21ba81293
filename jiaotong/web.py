"""View helpers every page shares: the permission decorator and the one way of
turning form and service errors into a message or onto a form. The generic
workflow action view lives in ``jiaotong.actions`` (it needs the workflow, which
writes the audit trail, whose pages use these helpers)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required as _django_perm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404


def permission_required(*perms: str):
    """The one access check for views: 403 unless the user holds every ``perm``
    (never a redirect to the login page: the user is already logged in)."""
    return _django_perm(perms, raise_exception=True)


def form_errors(form) -> str:
    """A form's errors as one Chinese message, each prefixed with its field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


def add_service_errors(
    form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the fields it names (others on
    top). ``aliases`` maps a service's keyword to the form's field name where
    they differ (``{"password": "password1"}``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def require_permission(request, *perms: str) -> None:
    """``permission_required`` inside a view, for record pages that must answer
    404 for a record outside the user's scope before they answer 403 (the
    record's existence is not disclosed): fetch in scope first, then this."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


def stored_file_response(
    file, *, filename: str, content_type: str | None = None, missing: str = "文件"
) -> FileResponse:
    """A stored upload (attachment, evidence) as a download under its original
    name; 404 naming ``missing`` when the file is gone from storage. The caller
    has already checked that the user may see its record."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(f"{missing}不存在。") from exc
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
