"""The role × URL matrix: every URL pattern of the site, resolved with demo-like
objects, requested (GET) by every role; the outcome of each pair is compared with
the reviewed table in ``url_matrix.json``.

Regenerate the table after a reviewed change (a new route, a permission change):

    make url-matrix        # = UPDATE_URL_MATRIX=1 pytest tests/security/test_url_matrix.py

and commit the diff of tests/security/url_matrix.json with the change.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

MATRIX_PATH = Path(__file__).with_name("url_matrix.json")
MISSING = "999999"  # an id no row has: the outcome must be a 404 (or a refusal)


def walk(patterns=None, prefix: str = "", namespace: str | None = None):
    """(key, qualified url name, pattern) for every URL pattern of the site."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = (
                f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            )
            yield f"{name or '-'} {route}", name, route, entry


def kwarg_names(route: str) -> list[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return names + re.findall(r"\(\?P<(\w+)>", route)


def admin_model(name: str):
    """admin:jiaotong_orgunit_change -> the OrgUnit model (or None)."""
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", name or "")
    if not match:
        return None
    try:
        return apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return None


def kwargs_for(name: str, route: str, world: dict) -> dict:
    values = {}
    for kwarg in kwarg_names(route):
        values[kwarg] = _value(name or "", kwarg, world)
    return values


def _value(name: str, kwarg: str, world: dict):
    if name.startswith("admin:"):
        if kwarg == "app_label":
            return "jiaotong"
        if kwarg == "content_type_id":
            return str(ContentType.objects.get_for_model(world["unit"]).pk)
        if kwarg == "object_id":
            model = admin_model(name)
            if name == "admin:view_on_site":
                return str(world["unit"].pk)
            row = model.objects.order_by("pk").first() if model else None
            return str(row.pk) if row else MISSING
    if kwarg == "kind":
        return "matters"
    if kwarg == "document":
        return "acceptance"
    if kwarg == "check_pk":
        return world["check"].pk if world.get("check") else MISSING
    if kwarg == "attachment_pk":
        return world["attachment"].pk
    if kwarg == "pk":
        for prefix, key in (
            ("user_", "user"),
            ("matter_", "matter"),
            ("enterprise_", "enterprise"),
            ("calendarday_", "calendar_day"),
            ("job_", "job"),
            ("licensing:", "application"),
            ("hotline:notice_", "notice"),
            ("hotline:rule_", "rule"),
            ("hotline:", "ticket"),
        ):
            if name.startswith(prefix) and world.get(key) is not None:
                return world[key].pk
    return MISSING


def outcome(response) -> str:
    code = response.status_code
    if 300 <= code < 400:
        target = response.headers.get("Location", "")
        try:
            match = resolve(target.split("?")[0])
            where = match.view_name
        except Resolver404:
            where = target.split("?")[0]
        return f"redirect:{where}"
    return str(code)


def url_for(name, route, world) -> str:
    if name:
        return reverse(name, kwargs=kwargs_for(name, route, world))
    # Unnamed patterns (the admin's catch-all): fill each group with a path
    # that no named pattern takes.
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "no-such-page/", route).strip("^$")
