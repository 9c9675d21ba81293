"""The big lists' search boxes on trigram indexes (issue 14, jiaotong/indexes.py):
the search of each list is answered by its pg_trgm GIN index (an OR of bitmap
index scans, never a scan of the table), finds exactly the rows a scan finds —
one- and two-character searches too, which no trigram index can serve and
which therefore scan — and index migrations build concurrently on PostgreSQL,
survive an interrupted build, and stay plain CREATE INDEX on SQLite."""

import datetime as dt

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, connection, models
from django.db.migrations.state import ProjectState
from django.test import RequestFactory
from django.utils import timezone

from enforcement import selectors as case_selectors
from enforcement.filters import CaseFilter
from enforcement.models import PenaltyCase
from hotline import selectors as ticket_selectors
from hotline.filters import TicketFilter
from hotline.models import Ticket
from jiaotong.indexes import AddIndexOnline
from licensing import selectors as app_selectors
from licensing.filters import ApplicationFilter
from licensing.models import Application
from tests.factories import make_enterprise
from tests.scale.test_keyset_lists import Applications, Cases, Tickets

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_trgm indexes exist on PostgreSQL only (CI runs PostgreSQL); "
    "the embedded SQLite database searches by scanning",
)

# What people type: a full name, its surname and given name, one character,
# a word of a company name, Latin letters in either case, number fragments.
NAMES = ["王伟明", "王伟", "李王伟", "张三丰", "睢县顺达运输有限公司", "Abc运输", "王"]
TERMS = [
    "王伟明",
    "王伟",
    "伟明",
    "王",
    "运输有限",
    "abc",
    "ABC运",
    "豫N",
    "nb2",
    "K-0",
]


class Search:
    """One list: its rows, its filter and what its search box may match."""

    model: type[models.Model]
    index = ""
    user = ""

    def __init__(self, org, users):
        self.users = users
        self.rows = self.maker(org, users)

    def fill(self):
        for i, name in enumerate(NAMES):
            pk = self.rows.make(timezone.now() - dt.timedelta(hours=i + 1))
            self.model.objects.filter(pk=pk).update(**self.values(i, name))

    def filtered(self, term, queryset=None):
        """The list's rows (the user's scope, or ``queryset``) searched."""
        request = RequestFactory().get("/", {"q": term})
        request.user = self.users[self.user]
        if queryset is None:
            queryset = self.queryset(request.user)
        found = self.filter_class({"q": term}, queryset=queryset, request=request)
        assert found.is_valid(), found.errors
        return found.qs

    def found(self, term) -> set[int]:
        return set(self.filtered(term).values_list("pk", flat=True))

    def expected(self, term) -> set[int]:
        """The rows holding the term in a searched field, case aside."""
        wanted = term.upper()
        return {
            row["pk"]
            for row in self.model.objects.values("pk", *self.fields)
            if any(wanted in str(row[f] or "").upper() for f in self.fields)
        }


class ApplicationSearch(Search):
    model, maker, index, user = (
        Application,
        Applications,
        "app_search_trgm_idx",
        "clerk",
    )
    filter_class = ApplicationFilter
    fields = ("number", "applicant_name")

    def queryset(self, user):
        return app_selectors.application_list(user)

    def values(self, i, name):
        return {"applicant_name": name}


class TicketSearch(Search):
    model, maker, index, user = (
        Ticket,
        Tickets,
        "ticket_search_trgm_idx",
        "hotline_agent",
    )
    filter_class = TicketFilter
    fields = ("ticket_no", "content", "plate", "caller_name", "enterprise__name")

    def queryset(self, user):
        return ticket_selectors.ticket_list(user)

    def values(self, i, name):
        if i % 3 == 0:  # some by the caller, some by the enterprise named
            return {"caller_name": name, "plate": f"豫NB2{i}8"}
        if i % 3 == 1:
            return {"enterprise": make_enterprise(name), "plate": f"豫N{i}"}
        return {"content": f"反映{name}的出租车拒载"}


class CaseSearch(Search):
    model, maker, index, user = PenaltyCase, Cases, "case_search_trgm_idx", "reviewer"
    filter_class = CaseFilter
    fields = ("number", "party_name", "plate")

    def queryset(self, user):
        return case_selectors.case_list(user)

    def values(self, i, name):
        return {"party_name": name, "plate": f"豫NB2{i}8"}


@pytest.fixture(params=[ApplicationSearch, TicketSearch, CaseSearch])
def search(request, org, clerk, hotline_agent, reviewer):
    users = {"clerk": clerk, "hotline_agent": hotline_agent, "reviewer": reviewer}
    search = request.param(org, users)
    search.fill()
    return search


def _plan(queryset) -> str:
    """The plan of a search with the only paths an ILIKE '%x%' may take
    besides a scan of the table: bitmap index scans. At a test's few rows
    the planner would rightly read the table (or its sort index) instead;
    at 200,000 rows it picks the trigram index on its own (docs/deployment.md
    has the EXPLAIN ANALYZE figures)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


@pytest.mark.django_db
def test_search_finds_every_row_holding_the_term(search):
    """Any DB: what the search box finds, for long and short terms alike."""
    for term in TERMS:
        assert search.found(term) == search.expected(term), term
    assert search.found("王伟"), "two characters still search (by a scan)"


@postgresql_only
@pytest.mark.django_db
def test_search_is_an_index_scan_of_the_trigram_index(search):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {search.model._meta.db_table}")
    for term in ["王伟明", "运输有限", "abc"]:
        # the whole table: at a few rows the user's unit (a btree) would be
        # the cheaper index, at 200,000 the trigram one is (docs/deployment.md)
        plan = _plan(search.filtered(term, search.model.objects.all()))
        assert f"Bitmap Index Scan on {search.index}" in plan, plan
        assert f"Seq Scan on {search.model._meta.db_table}" not in plan, plan


@postgresql_only
@pytest.mark.django_db
def test_search_finds_the_same_rows_with_and_without_the_index(search):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {search.model._meta.db_table}")
    indexed = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        indexed = {term: search.found(term) for term in TERMS}
        cursor.execute("RESET enable_seqscan")
        # dropped in the test's transaction, back when it rolls back
        cursor.execute(f"DROP INDEX {search.index}")
    scanned = {term: search.found(term) for term in TERMS}
    assert indexed == scanned
    assert all(indexed[term] for term in ["王伟明", "王伟", "王", "abc"])


@postgresql_only
@pytest.mark.django_db
def test_pg_trgm_takes_chinese_characters_as_word_characters():
    """In the database's locale (C.UTF-8 here) a CJK character is a word
    character: 王伟明 gives its trigrams. A search pattern '%王伟%' has none
    (two characters, no word boundary), so it cannot use the index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('王伟明'), show_trgm('李王伟明')")
        whole, longer = cursor.fetchone()
    assert len(whole) == 4  # "  王", " 王伟", "王伟明", "伟明 "
    assert len(longer) == 5


def _sql_of(operation, app_label) -> str:
    state = ProjectState.from_apps(global_apps)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        operation.database_forwards(app_label, editor, state, state)
    return "\n".join(editor.collected_sql)


TEST_INDEX = "trgm_test_online_idx"


@pytest.mark.django_db(transaction=True)
def test_index_migrations_build_concurrently_on_postgresql_only():
    plain = AddIndexOnline(
        model_name="application",
        index=models.Index(fields=["applicant_name"], name=TEST_INDEX),
    )
    trigram = AddIndexOnline(
        model_name="application", index=Application._meta.indexes[-1]
    )
    sql = _sql_of(plain, "licensing")
    if connection.vendor == "postgresql":
        assert f'CREATE INDEX CONCURRENTLY "{TEST_INDEX}"' in sql
    else:
        assert f'CREATE INDEX "{TEST_INDEX}"' in sql
        assert _sql_of(trigram, "licensing") == ""  # no GIN on SQLite


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_interrupted_concurrent_build_is_built_again(org):
    """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index of that name;
    running the migration again drops it and builds the index."""
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError):
            cursor.execute(  # several units share a kind: the build fails
                f"CREATE UNIQUE INDEX CONCURRENTLY {TEST_INDEX}"
                " ON jiaotong_orgunit (kind)"
            )
    online = AddIndexOnline(
        model_name="orgunit", index=models.Index(fields=["kind"], name=TEST_INDEX)
    )
    state = ProjectState.from_apps(global_apps)
    try:
        with connection.schema_editor(atomic=False) as editor:
            online.database_forwards("jiaotong", editor, state, state)
            online.database_forwards("jiaotong", editor, state, state)  # kept
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indisvalid, i.indisunique FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
                [TEST_INDEX],
            )
            assert cursor.fetchall() == [(True, False)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {TEST_INDEX}")


@postgresql_only
@pytest.mark.django_db
def test_the_migrations_built_valid_trigram_indexes():
    """The test database was migrated through AddIndexOnline (concurrently)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE %s",
            ["%search_trgm_idx"],
        )
        assert sorted(cursor.fetchall()) == [
            ("app_search_trgm_idx", True),
            ("case_search_trgm_idx", True),
            ("ticket_search_trgm_idx", True),
        ]


def test_index_migrations_of_the_big_tables_build_online():
    """Every index added to the big tables after their first migration goes
    through AddIndexOnline (a plain AddIndex would block writes while it
    builds on a million rows)."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import AddIndex, SeparateDatabaseAndState

    loader = MigrationLoader(None, ignore_no_migrations=True)
    plain = []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in {"licensing", "hotline", "enforcement"} or name == "0001_initial":
            continue
        operations = list(migration.operations)
        for operation in migration.operations:
            if isinstance(operation, SeparateDatabaseAndState):
                operations += operation.database_operations
        for operation in operations:
            if isinstance(operation, AddIndex):
                if not isinstance(operation, AddIndexOnline):
                    plain.append(f"{app}.{name}: {operation.index.name}")
                elif migration.atomic:
                    plain.append(f"{app}.{name}: atomic")
    assert plain == []
