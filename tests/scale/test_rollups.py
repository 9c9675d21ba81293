"""Rollups (issue 14, figures at scale): the counts summed from the per-month
summary rows equal the plain queries on seeded random records whose dates
straddle the local year's edges, for the whole bureau and for units; a write
stales a source until the next refresh (and a write during a refresh is not
lost); the dashboard reads the rollups and asks the same number of queries
whatever the number of records."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotline.models import Area, Ticket
from jiaotong.dashboard.cache import bump_version
from jiaotong.dates import LOCAL_TZ
from jiaotong.discovery import app_hooks
from jiaotong.metrics import rollups
from jiaotong.metrics.models import RollupCount, RollupState
from jiaotong.metrics.registry import compute_all
from licensing.indicators import COMPLETED
from licensing.models import Application
from tests.scale.test_indicators import PERSON, YEAR
from tests.scale.test_indicators import records as records  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SCOPES = [None, "bureau", "brigade", "window", "agency"]


def _nonzero(table: dict) -> dict:
    """Rows with a count other than zero (a rollup keeps no zero counts)."""
    return {k: v for k, v in table.items() if any(v.values())}


def _edge_applications(org, matter_of):
    """Completions at 23:59:59 on 31 Dec and 00:00 on 1 Jan, local time."""
    edges = [
        dt.datetime(YEAR - 1, 12, 31, 23, 59, 59, tzinfo=LOCAL_TZ),
        dt.datetime(YEAR, 1, 1, 0, 0, tzinfo=LOCAL_TZ),
        dt.datetime(YEAR, 12, 31, 23, 59, 59, tzinfo=LOCAL_TZ),
        dt.datetime(YEAR + 1, 1, 1, 0, 0, tzinfo=LOCAL_TZ),
    ]
    Application.objects.bulk_create(
        Application(
            number=f"EDGE-{n}",
            matter=matter_of,
            applicant_name="李四",
            applicant_type="自然人",
            applicant_id_number=PERSON,
            status="closed",
            unit=org["window"],
            received_at=moment,
            accepted_at=moment,
            result="准予",
            completed_at=moment,
            promised_due_date=moment.date(),
            evaluation="满意",
        )
        for n, moment in enumerate(edges)
    )


def _spread_tickets() -> None:
    """The shared records' tickets over every business area and category
    (the charts' parts)."""
    areas, categories = list(Area.values), ["投诉", "举报", "咨询", "求助"]
    for n, ticket in enumerate(Ticket.objects.order_by("pk")):
        ticket.area = areas[n * 7 % len(areas)]
        ticket.category = categories[n * 3 % len(categories)]
        Ticket.objects.filter(pk=ticket.pk).update(
            area=ticket.area, category=ticket.category
        )


@pytest.fixture
def current(records):  # noqa: F811
    matter = Application.objects.first().matter
    _edge_applications(records, matter)
    _spread_tickets()
    rollups.refresh(force=True)
    return records


@pytest.mark.parametrize("scope", SCOPES)
def test_every_rollup_equals_its_plain_query(current, scope):
    org = current[scope] if scope else None
    assert rollups.SOURCES
    for source in rollups.SOURCES.values():
        assert source.is_current(), source.name
        for year in (YEAR - 1, YEAR, YEAR + 1):
            if source.by:
                got = source.by_part(year, org)
                assert _nonzero(got) == _nonzero(source.plain_by_part(year, org))
                continue
            assert source.figures(year, org) == source.plain(year, org), source.name
            assert _nonzero(source.by_month(year, org)) == _nonzero(
                source.plain_by_month(year, org)
            ), source.name


def test_the_year_edges_fall_in_their_local_year(current):
    plain = COMPLETED.plain(YEAR)
    assert COMPLETED.figures(YEAR) == plain
    months = COMPLETED.by_month(YEAR)
    assert months[1]["completed"] >= 1 and months[12]["completed"] >= 1
    january = RollupCount.objects.filter(
        source=COMPLETED.name, month=dt.date(YEAR, 1, 1), key="completed"
    )
    assert sum(january.values_list("n", flat=True)) == months[1]["completed"]


@pytest.mark.parametrize("scope", [None, "brigade"])
def test_figures_and_charts_equal_with_and_without_rollups(current, scope):
    org = current[scope] if scope else None
    with CaptureQueriesContext(connection) as captured:
        summed = [(ind.code, value) for ind, value in compute_all(YEAR, org)]
        charts = app_hooks("dashboard_charts", YEAR, org)
    assert any("jiaotong_rollupcount" in q["sql"] for q in captured.captured_queries)
    RollupState.objects.all().delete()  # no rollup is current: the plain queries
    with CaptureQueriesContext(connection) as captured:
        plain = [(ind.code, value) for ind, value in compute_all(YEAR, org)]
        assert app_hooks("dashboard_charts", YEAR, org) == charts
    assert summed == plain
    assert not any(
        "jiaotong_rollupcount" in q["sql"] for q in captured.captured_queries
    )


def test_a_write_is_counted_at_once_and_in_the_rollup_after_a_refresh(
    current, django_capture_on_commit_callbacks
):
    from jiaotong.metrics.tasks import refresh_rollups_task

    before = COMPLETED.figures(YEAR)["completed"]
    moment = dt.datetime(YEAR, 6, 1, 10, tzinfo=LOCAL_TZ)
    application = Application.objects.filter(completed_at__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Application.objects.filter(pk=application.pk).update(
            is_test=False,
            received_at=moment,
            accepted_at=moment,
            result="准予",
            completed_at=moment,
        )
        application.refresh_from_db()
        application.save()  # post_save: the version is bumped after commit
    # Not committed yet: the rollup is still current and does not count it.
    assert COMPLETED.is_current()
    for callback in callbacks:
        callback()  # the commit: the version is bumped
    # Tasks run in-process here: the write queued no refresh, and the figure
    # is read from the records (exact at once).
    assert not COMPLETED.is_current()
    assert COMPLETED.figures(YEAR)["completed"] == before + 1
    refresh_rollups_task.delay()  # what the worker runs after the write
    assert COMPLETED.is_current()
    assert COMPLETED.figures(YEAR)["completed"] == before + 1
    assert COMPLETED.figures(YEAR) == COMPLETED.plain(YEAR)


def test_a_stale_rollup_answers_with_the_plain_query(current):
    Application.objects.filter(completed_at__isnull=False).update(notify_commit=True)
    bump_version("licensing", refresh=False)  # the write's bump, no refresh yet
    assert not COMPLETED.is_current()
    assert COMPLETED.figures(YEAR) == COMPLETED.plain(YEAR)
    assert rollups.refreshed_at() is not None  # the hotline's are still current
    assert set(rollups.refresh()) == {
        "window.completed",
        "window.completed.matter",
        "window.received",
    }
    assert COMPLETED.is_current()
    assert COMPLETED.figures(YEAR) == COMPLETED.plain(YEAR)


def test_a_write_committed_during_a_refresh_is_not_lost(current, monkeypatch):
    insert = rollups.Rollup._insert

    def insert_then_write(self, year):
        insert(self, year)
        if self is COMPLETED and year == YEAR:  # a write commits meanwhile
            Application.objects.filter(completed_at__isnull=False).update(
                evaluation="不满意"
            )
            bump_version("licensing", refresh=False)

    monkeypatch.setattr(rollups.Rollup, "_insert", insert_then_write)
    COMPLETED.refresh()
    assert not COMPLETED.is_current()  # built from the records before the write
    assert COMPLETED.figures(YEAR) == COMPLETED.plain(YEAR)
    assert COMPLETED.figures(YEAR)["good"] == 0
    monkeypatch.undo()
    assert "window.completed" in rollups.refresh()
    assert COMPLETED.is_current()


def test_the_refresh_task_rebuilds_only_stale_sources(current):
    from jiaotong.metrics.tasks import refresh_rollups_task

    assert refresh_rollups_task.delay().get() == {}
    bump_version("hotline", refresh=False)
    assert set(refresh_rollups_task.delay().get()) == {
        "hotline.received",
        "hotline.received.area",
    }
    schedule = settings.CELERY_BEAT_SCHEDULE["metrics-refresh-rollups"]
    assert schedule["task"] == "jiaotong.metrics.tasks.refresh_rollups_task"


def _dashboard_queries(client) -> list[str]:
    bump_version(None)  # the cached figures only
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"), {"year": YEAR})
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_dashboard_reads_the_rollups_and_its_queries_do_not_grow(
    current, client, leader
):
    client.force_login(leader)
    client.get(reverse("dashboard"), {"year": YEAR})
    first = _dashboard_queries(client)
    assert any("jiaotong_rollupcount" in sql for sql in first)
    response = client.get(reverse("dashboard"), {"year": YEAR})
    assert "统计数据更新于" in response.content.decode()

    template = Application.objects.filter(completed_at__isnull=False).first()
    Application.objects.bulk_create(  # bulk: no signal, the refresh is ours
        Application(
            number=f"MORE-{n}",
            matter=template.matter,
            applicant_name="王五",
            applicant_type="自然人",
            applicant_id_number=PERSON,
            status="closed",
            unit=template.unit,
            received_at=template.received_at,
            accepted_at=template.received_at,
            result="准予",
            completed_at=template.completed_at + dt.timedelta(days=n),
        )
        for n in range(300)
    )
    rollups.refresh(force=True)
    assert len(_dashboard_queries(client)) == len(first)


def test_without_current_rollups_the_dashboard_says_it_counts_records(
    current, client, leader
):
    RollupState.objects.all().delete()
    bump_version(None)
    client.force_login(leader)
    response = client.get(reverse("dashboard"), {"year": YEAR})
    assert "统计数据按明细实时计算" in response.content.decode()


@pytest.fixture
def broker_app():
    """The project's tasks sent to a real Redis broker (no worker: the test
    reads the queue), on a queue of their own; the project's app afterwards."""
    import os
    import uuid

    import redis
    from celery import Celery, _state

    from jiaotong.celery import app as project_app

    url = os.environ.get("JIAOTONG_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis broker {url} does not answer: {exc}")
    previous = _state.default_app
    app = Celery("jiaotong-test-rollups", set_as_current=False, fixups=[])
    app.config_from_object("django.conf:settings", namespace="CELERY")
    queue = f"jiaotong-test-{uuid.uuid4().hex}"
    app.conf.update(
        broker_url=url,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
    )
    app.set_current()
    try:
        yield redis.Redis.from_url(url), queue
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        app.close()
        project_app.set_current()
        _state.set_default_app(previous)


def test_writes_queue_one_refresh_for_the_worker(
    current, broker_app, django_capture_on_commit_callbacks
):
    from jiaotong.metrics.tasks import PENDING_KEY

    client, queue = broker_app
    cache.delete(PENDING_KEY)
    application = Application.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        application.save()
    with django_capture_on_commit_callbacks(execute=True):
        Ticket.objects.first().save()
    assert client.llen(queue) == 1  # debounced: one refresh waits for both
    assert not COMPLETED.is_current()
    cache.delete(PENDING_KEY)  # what the task does first
    with django_capture_on_commit_callbacks(execute=True):
        application.save()
    assert client.llen(queue) == 2
    cache.delete(PENDING_KEY)
