"""Generated hostile input for every registered form and filter (registry.py).

Each answer must be a form error or a success — never a server error (the test
client re-raises any exception a view lets escape) — and a refused request must
leave the tables its form may write exactly as they were (no partial write).
"""

import pytest
from django.apps import apps
from django.contrib.messages import constants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licensing.services import application_receive
from tests.factories import make_enterprise, make_matter, resident_id
from tests.hotline.conftest import intake

from .registry import data_strategy, discover, examples_per_target

TARGETS = discover()
EXAMPLES = examples_per_target(len(TARGETS))


@pytest.fixture
def world(org, clerk, hotline_agent, handler, supervisor, leader, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from hotline.models import TicketDeadlineRule

    matter = make_matter(
        "XK-FZ-1",
        power_type="行政许可",
        unit=org["window"],
        promised_limit_days=5,
        statutory_limit_days=20,
    )
    return {
        "user": clerk,
        "matter": matter,
        "enterprise": make_enterprise("模糊测试运输公司"),
        "application": application_receive(
            matter=matter,
            by=clerk,
            applicant_name="张三",
            applicant_type="自然人",
            applicant_id_number=resident_id("41142219850101123"),
            applicant_phone="13812345678",
        ),
        "ticket": intake(hotline_agent, dispatch_to=org["squad"]),
        "rule": TicketDeadlineRule.objects.first(),
    }


def _snapshot(labels) -> dict:
    return {
        label: list(apps.get_model(label).objects.order_by("pk").values())
        for label in labels
    }


def _refused(response) -> bool:
    if response.status_code != 302:
        return True
    # Only the messages this request added (earlier ones may still be queued).
    storage = getattr(response.wsgi_request, "_messages", None)
    added = getattr(storage, "_queued_messages", [])
    return any(m.level >= constants.ERROR for m in added)


def _plain(value):
    return value if isinstance(value, str | list) else str(value)


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzz(target, world, client, request):
    user = request.getfixturevalue(target.user)
    client.force_login(user)
    url = target.url(world)
    form = target.form(world)
    fixed = target.fixed(world)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=data_strategy(form, fixed), extra=st.sampled_from([{}, {"page": "-1"}]))
    def run(data, extra):
        data = {k: _plain(v) for k, v in data.items()}
        if target.method == "get":
            response = client.get(url, {**data, **extra})
            assert response.status_code in (200, 302, 400, 403, 404), response
            return
        before = _snapshot(target.writes)
        response = client.post(url, data)
        assert response.status_code < 500
        if _refused(response):
            assert _snapshot(target.writes) == before, "partial write on a refusal"
        client.cookies.pop("messages", None)  # nobody reads them: do not pile up
        # A session changed by a success (e.g. a search) must not leak into the
        # next example's authority: keep the same user signed in.
        if response.wsgi_request.user.pk != user.pk:
            client.force_login(user)

    run()


def test_every_app_registers_targets():
    names = {t.name for t in TARGETS}
    assert {"ticket_create", "application_create", "user_create"} <= names
