"""No template comment reaches a page (issue 13): Django's ``{# #}`` is one line
only, so a comment spread over lines is printed. Checked twice: in the template
sources, and on every page the demo cast can reach by following links."""

import io
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from jiaotong.demo import USERS
from jiaotong.models import User

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
LINK = re.compile(r'href="(/[^"#]*)"')
# One page per URL shape: /licensing/17/ and /licensing/18/ are the same page.
SHAPE = re.compile(r"\d+")
PAGES_PER_USER = 120


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


def test_no_template_opens_a_comment_it_does_not_close_on_the_same_line():
    unclosed = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            opened, closed = line.count("{#"), line.count("#}")
            if opened != closed:
                unclosed.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert unclosed == [], "use {% comment %} for comments over several lines"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def _shape(path: str) -> str:
    parts = urlsplit(path)
    query = "?" + re.sub(r"=[^&]*", "=", parts.query) if parts.query else ""
    return SHAPE.sub("N", parts.path) + query


def _crawl(client, start: str = "/") -> dict[str, str]:
    """GET every page shape reachable from ``start``: {path: body}."""
    seen, pages, queue = set(), {}, deque([start])
    while queue and len(pages) < PAGES_PER_USER:
        path = queue.popleft()
        if _shape(path) in seen or "/logout" in path or "/download" in path:
            continue
        seen.add(_shape(path))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        body = response.content.decode()
        pages[path] = body
        for link in LINK.findall(body):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if not link.startswith(("/static/", "/media/", "/admin/")):
                queue.append(link)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("username", [row[0] for row in USERS])
def test_no_comment_reaches_a_page_of_the_demo_cast(client, demo, username):
    from tests.factories import enrol_second_factor

    user = User.objects.get(username=username)
    enrol_second_factor(user)  # administrators and leaders sign in with a code
    client.force_login(user)

    pages = _crawl(client)

    assert len(pages) > 1
    leaking = [path for path, body in pages.items() if "{#" in body or "#}" in body]
    assert leaking == []


@pytest.mark.django_db
def test_the_enterprise_page_shows_no_comment(client, demo):
    from jiaotong.models import Enterprise

    client.force_login(User.objects.get(username="hotline1"))
    enterprise = Enterprise.objects.filter(hotline_tickets__isnull=False).first()

    body = client.get(enterprise.get_absolute_url()).content.decode()

    assert "投诉" in body and "{#" not in body and "#}" not in body
