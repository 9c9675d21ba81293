"""Every URL pattern × every role, compared with the reviewed table.

See tests/security/url_matrix.py for how to regenerate url_matrix.json.
"""

import datetime as dt
import json
import os

import pytest
from django.core.files.base import ContentFile

from hotline.models import Attachment, SupervisionNotice, TicketDeadlineRule
from jiaotong import roles
from jiaotong.jobs.services import export_job_create
from jiaotong.models import CalendarDay
from licensing.services import application_receive
from tests.factories import make_enterprise, make_matter, make_user, resident_id
from tests.hotline.conftest import intake

from .url_matrix import MATRIX_PATH, url_for, walk
from .url_matrix import outcome as outcome_of

ANONYMOUS = "（未登录）"
OUTSIDER = "（无角色）"


@pytest.fixture
def cast(org, clerk, officer, reviewer, hotline_agent, handler, supervisor, leader,
         sysadmin, secadmin, auditor, outsider):  # fmt: skip
    people = {
        roles.ROLE_WINDOW: clerk,
        roles.ROLE_OFFICER: officer,
        roles.ROLE_REVIEWER: reviewer,
        roles.ROLE_HOTLINE: hotline_agent,
        roles.ROLE_HANDLER: handler,
        roles.ROLE_SUPERVISOR: supervisor,
        roles.ROLE_LEADER: leader,
        roles.ROLE_SYSTEM_ADMIN: sysadmin,
        roles.ROLE_SECURITY_ADMIN: secadmin,
        roles.ROLE_AUDIT_ADMIN: auditor,
        OUTSIDER: outsider,
    }
    # Roles added by later apps get a member in the bureau, so they join the
    # matrix (and fail it until the table is regenerated and reviewed).
    for n, role in enumerate(r for r in roles.ALL_ROLES if r not in people):
        people[role] = make_user(f"matrix{n}", roles=[role], unit=org["bureau"])
    # As deployed (manage.py create_admin, load_demo): the 系统管理员 is staff.
    sysadmin.is_staff = True
    sysadmin.save(update_fields=["is_staff"])
    return people


@pytest.fixture
def world(org, cast, clerk, hotline_agent, leader, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    matter = make_matter(
        "XK-M-1",
        power_type="行政许可",
        unit=org["window"],
        promised_limit_days=5,
        statutory_limit_days=20,
    )
    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    return {
        "unit": org["window"],
        "user": clerk,
        "matter": matter,
        "enterprise": make_enterprise("矩阵测试运输公司"),
        "calendar_day": CalendarDay.objects.create(
            date=dt.date(2026, 1, 1), is_workday=False
        ),
        "job": export_job_create(
            kind="year_report",
            params={"year": 2023},
            title="2023年度报表",
            filename="report.xlsx",
            by=leader,
        ),
        "application": application_receive(
            matter=matter,
            by=clerk,
            applicant_name="张三",
            applicant_type="自然人",
            applicant_id_number=resident_id("41142219850101123"),
            applicant_phone="13812345678",
        ),
        "ticket": ticket,
        "attachment": Attachment.objects.create(
            ticket=ticket,
            file=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, name="m.png"),
            original_name="m.png",
            content_type="image/png",
            size=72,
            uploaded_by=hotline_agent,
        ),
        "notice": SupervisionNotice.objects.first(),
        "rule": TicketDeadlineRule.objects.first(),
    }


@pytest.mark.django_db
def test_role_url_matrix_matches_the_reviewed_table(client, cast, world, settings):
    observed: dict[str, dict[str, str]] = {}
    people = {ANONYMOUS: None, **cast}
    urls = {key: url_for(name, route, world) for key, name, route, _ in walk()}
    for role, user in people.items():  # one sign-in per role: GETs change nothing
        client.logout()
        if user is not None:
            client.force_login(user)
        for key, url in urls.items():
            observed.setdefault(key, {})[role] = outcome_of(client.get(url))
    server_errors = [
        f"{key} as {role}"
        for key, row in observed.items()
        for role, result in row.items()
        if result.startswith("5")
    ]
    assert not server_errors, server_errors

    if os.environ.get("UPDATE_URL_MATRIX"):
        MATRIX_PATH.write_text(
            json.dumps(observed, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    expected = json.loads(MATRIX_PATH.read_text(encoding="utf-8"))
    hint = "review, then regenerate with `make url-matrix` and commit url_matrix.json"
    missing = sorted(set(observed) - set(expected))
    assert not missing, f"URL patterns not in the reviewed table ({hint}): {missing}"
    gone = sorted(set(expected) - set(observed))
    assert not gone, f"Table lists patterns that no longer exist ({hint}): {gone}"
    changed = [
        f"{key} as {role}: expected {expected[key].get(role)}, got {result}"
        for key, row in observed.items()
        for role, result in row.items()
        if expected[key].get(role) != result
    ]
    assert not changed, f"Outcomes changed ({hint}):\n" + "\n".join(changed)
