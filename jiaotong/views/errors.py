"""403/404/500 pages in Chinese."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    # A PermissionDenied raised with a Chinese sentence explains itself to the user.
    reason = str(exception) if exception is not None else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No request context: context processors query the database, which may be
    # exactly what failed. The template is standalone (no user, no navigation).
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
