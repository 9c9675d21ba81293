"""The big lists page by keyset (issue 14, jiaotong/pagination.py): the same
number of queries at page 1, a deep page and the last page; a walk through the
pages sees every row exactly once while newer rows keep arriving; a cursor that
is not ours shows page 1; above the counting cap the total is an estimate."""

import base64
import datetime as dt
import itertools
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.models import PenaltyCase
from hotline.models import Ticket
from jiaotong import pagination
from jiaotong.audit.models import AuditEvent
from jiaotong.audit.services import audit_record
from licensing.models import Application
from tests.factories import make_matter
from tests.licensing.conftest import resident_id

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
# Three rows share each instant: the id decides between them.
TIES = 3


def _at(n: int) -> dt.datetime:
    """The n-th instant, older as n grows (whole minutes, TIES rows each)."""
    return timezone.now().replace(second=0, microsecond=0) - dt.timedelta(
        minutes=10 + n // TIES
    )


class Rows:
    """How one list's rows are made, who reads the list, and where."""

    url_name = ""
    user = ""

    def __init__(self, org, users):
        self.org = org
        self.users = users

    def make(self, at):  # returns the new row's pk
        raise NotImplementedError

    def newer(self):
        """A row that sorts before every row there is (the list's top)."""
        return self.make(timezone.now() + dt.timedelta(minutes=next(_numbers)))

    def ordered_pks(self):
        raise NotImplementedError


class Applications(Rows):
    url_name = "licensing:application_list"
    user = "clerk"

    def make(self, at):
        if not hasattr(self, "matter"):
            self.matter = make_matter(power_type="行政许可")
        n = next(_numbers)
        return Application.objects.create(
            number=f"K-{n:06d}",
            matter=self.matter,
            applicant_name=f"申请人{n}",
            applicant_type="自然人",
            applicant_id_number=resident_id(),
            applicant_phone="13812345678",
            unit=self.org["window"],
            clerk=self.users["clerk"],
            status=Application.Status.ACCEPTED,
            received_at=at,
            accepted_at=at,
            due_date=timezone.localdate() + dt.timedelta(days=5),
        ).pk

    def ordered_pks(self):
        return list(
            Application.objects.order_by("-received_at", "-id").values_list(
                "pk", flat=True
            )
        )


class Tickets(Rows):
    url_name = "hotline:ticket_list"
    user = "hotline_agent"

    def make(self, at):
        n = next(_numbers)
        return Ticket.objects.create(
            ticket_no=f"K{n:07d}",
            source="12328",
            received_at=at,
            category="投诉",
            area="出租汽车",
            content=f"第{n}号诉求",
            due_date=timezone.localdate() + dt.timedelta(days=7),
        ).pk

    def ordered_pks(self):
        return list(
            Ticket.objects.order_by("-received_at", "-id").values_list("pk", flat=True)
        )


class Cases(Rows):
    """Drafts (not yet filed, no 立案 time) come first, then the latest filed."""

    url_name = "enforcement:case_list"
    user = "reviewer"

    def make(self, at):
        if not hasattr(self, "matter"):
            self.matter = make_matter(power_type="行政处罚")
        n = next(_numbers)
        draft = n % 7 == 0  # some drafts among the rows: NULLs in the sort key
        return PenaltyCase.objects.create(
            procedure="普通程序",
            source="路面巡查",
            party_type="自然人",
            party_name=f"当事人{n}",
            party_id_number=resident_id(),
            matter=self.matter,
            facts="未取得经营许可从事巡游出租汽车经营。",
            unit=self.org["squad"],
            status=PenaltyCase.Status.DRAFT if draft else PenaltyCase.Status.FILED,
            filed_at=None if draft else at,
        ).pk

    def ordered_pks(self):
        rows = PenaltyCase.objects.values_list("pk", "filed_at")
        drafts = sorted((pk for pk, filed in rows if filed is None), reverse=True)
        filed = sorted(
            ((filed, pk) for pk, filed in rows if filed is not None), reverse=True
        )
        return drafts + [pk for _, pk in filed]


class Audit(Rows):
    """Newest first by id; never counted."""

    url_name = "audit_list"
    user = "auditor"

    def make(self, at):
        return audit_record(action="tick", reason=str(at)).pk

    def ordered_pks(self):
        return list(AuditEvent.objects.order_by("-id").values_list("pk", flat=True))


LISTS = [Applications, Tickets, Cases, Audit]


@pytest.fixture(params=LISTS, ids=lambda cls: cls.__name__.lower())
def rows(request, org, clerk, hotline_agent, reviewer, auditor):
    users = {
        "clerk": clerk,
        "hotline_agent": hotline_agent,
        "reviewer": reviewer,
        "auditor": auditor,
    }
    return request.param(org, users)


@pytest.fixture
def reader(client, rows):
    client.force_login(rows.users[rows.user])
    client.get(reverse(rows.url_name))  # the first request also writes the session
    return client


def _fill(rows, n):
    for i in range(n):
        rows.make(_at(i))


def _page(response):
    assert response.status_code == 200
    for key in ("page_obj", "page"):
        if key in response.context:
            return response.context[key]
    raise AssertionError("no page in the context")


def _get(client, rows, cursor=None, **filters):
    params = {**filters, **({"cursor": cursor} if cursor else {})}
    return client.get(reverse(rows.url_name), params)


def _queries(client, rows, cursor=None) -> int:
    with CaptureQueriesContext(connection) as context:
        _page(_get(client, rows, cursor))
    return len(context.captured_queries)


def test_page_one_a_deep_page_and_the_last_page_cost_the_same_queries(rows, reader):
    _fill(rows, 3)
    _queries(reader, rows)  # warms the shared cache (the deadline badges' calendar)
    few = _queries(reader, rows)
    _fill(rows, 140)  # six pages of 25 (three of 50 on the audit list)

    second = _page(_get(reader, rows, _page(_get(reader, rows)).next_cursor))
    assert second.has_previous and second.has_next

    counts = {
        "page 1": _queries(reader, rows),
        "deep page": _queries(reader, rows, second.next_cursor),
        "last page": _queries(reader, rows, pagination.LAST),
        "back from the last": _queries(
            reader, rows, _page(_get(reader, rows, pagination.LAST)).previous_cursor
        ),
    }
    assert set(counts.values()) == {few}, counts


def test_walking_forward_sees_every_row_once_while_newer_rows_arrive(rows, reader):
    _fill(rows, 70)
    original = rows.ordered_pks()

    seen, cursor, pages = [], None, 0
    while True:
        page = _page(_get(reader, rows, cursor))
        seen.extend(row.pk for row in page.rows)
        pages += 1
        rows.newer()  # rows added at the top between two page views
        rows.newer()
        if not page.has_next:
            break
        cursor = page.next_cursor
        assert pages < 20

    assert len(seen) == len(set(seen))  # nothing repeated
    assert [pk for pk in seen if pk in set(original)] == original  # nothing skipped


def test_walking_back_from_the_last_page_sees_every_row_once(rows, reader):
    _fill(rows, 70)
    original = rows.ordered_pks()

    seen, cursor = [], pagination.LAST
    for _ in range(20):
        page = _page(_get(reader, rows, cursor))
        seen[:0] = [row.pk for row in page.rows]
        rows.newer()
        if not page.has_previous:
            break
        cursor = page.previous_cursor

    assert len(seen) == len(set(seen))
    assert [pk for pk in seen if pk in set(original)] == original
    # The last page is full: the reverse order's first page, reversed.
    assert len(_page(_get(reader, rows, pagination.LAST)).rows) == min(
        len(original), _page(_get(reader, rows)).size
    )


def _token(*items) -> str:
    raw = json.dumps(list(items)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = [
    "abc",
    "!!!***",
    "x" * 5000,
    _token("n", "not a time", 5),
    _token("n", "2023-01-01T08:00:00", 5),  # no time zone
    _token("n", "2023-01-01T08:00:00+08:00", 10**30),
    _token("n", "0001-01-01T00:00:00+14:00", 5),
    _token("n", "2023-01-01T08:00:00+08:00", True),
    _token("q", "2023-01-01T08:00:00+08:00", 5),
    _token("n", "2023-01-01T08:00:00+08:00"),
    _token("n", [1], {"a": 1}),
    _token({"n": 1}),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_that_is_not_ours_shows_page_one(client, clerk, org, cursor):
    rows = Applications(org, {"clerk": clerk})
    _fill(rows, 30)
    client.force_login(clerk)
    first = [row.pk for row in _page(_get(client, rows))]

    response = _get(client, rows, cursor)

    assert [row.pk for row in _page(response)] == first


def test_the_links_keep_the_filters(client, clerk, org):
    rows = Applications(org, {"clerk": clerk})
    _fill(rows, 30)
    client.force_login(clerk)

    body = _get(client, rows, status="accepted").content.decode()

    links = re.findall(r'href="(\?[^"]*cursor=[^"]*)"', body)
    assert links and all("status=accepted" in link for link in links)
    assert 'data-page="next"' in body and 'data-page="last"' in body
    assert 'data-page="previous"' not in body  # page 1 has no page before it


def test_an_exact_total_up_to_the_cap_and_an_estimate_above_it(
    client, clerk, org, monkeypatch
):
    rows = Applications(org, {"clerk": clerk})
    _fill(rows, 12)
    client.force_login(clerk)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE licensing_application")

    body = _get(client, rows).content.decode()
    assert '共 <span class="app-row-total">12</span> 条' in body

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    response = _get(client, rows)
    total = _page(response).total
    body = response.content.decode()
    assert not total.is_exact and "app-row-total" not in body
    if connection.vendor == "postgresql":
        assert total.estimate == 12  # the planner's figure, after ANALYZE
        assert "约 12 条" in body
    else:
        assert "5 条以上" in body


def test_a_text_search_is_counted_exactly_only_up_to_the_search_cap(
    client, clerk, org, monkeypatch
):
    """A one-character search ("王") cannot use the trigram index: its exact
    total stops at SEARCH_COUNT_CAP, lower than the list's own cap, so that
    counting does not read a city's table row by row."""
    rows = Applications(org, {"clerk": clerk})
    _fill(rows, 8)
    client.force_login(clerk)
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 5)

    unsearched = _page(_get(client, rows)).total
    searched = _page(_get(client, rows, q="申请人")).total
    blank = _page(_get(client, rows, q="  ")).total

    assert unsearched.is_exact and unsearched.exact == 8
    assert not searched.is_exact and searched.cap == 5
    assert blank.is_exact and blank.exact == 8


def test_a_cursor_at_a_depth_opens_the_page_starting_there(client, clerk, org):
    rows = Applications(org, {"clerk": clerk})
    _fill(rows, 40)
    client.force_login(clerk)
    ordered = rows.ordered_pks()
    queryset = Application.objects.visible_to(clerk)

    page = _page(_get(client, rows, pagination.cursor_at(queryset, 30)))

    assert [row.pk for row in page.rows] == ordered[30:]
    assert pagination.cursor_at(queryset, 0) is None
    assert pagination.cursor_at(queryset, 41) is None
