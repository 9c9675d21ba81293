"""The append-only, hash-chained audit trail: writing, verifying, tamper evidence,
the database's refusal of UPDATE/DELETE, flush semantics, the verify_audit command
and the audit browsing page."""

import datetime as dt
import threading
import time
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiaotong import triggers
from jiaotong.audit.services import (
    GENESIS_HASH,
    audit_chain_check,
    audit_record,
    audit_verify_chain,
    compute_hash,
    last_chain_check,
)
from jiaotong.audit.views import PAGE_SIZE
from jiaotong.models import AuditEvent, CalendarDay
from jiaotong.validators import mask_id_number
from tests.factories import resident_id

TABLE = AuditEvent._meta.db_table
ON_POSTGRES = connection.vendor == "postgresql"
ON_SQLITE = connection.vendor == "sqlite"

OTHER_ROLES = [
    "clerk",
    "officer",
    "reviewer",
    "hotline_agent",
    "handler",
    "supervisor",
    "leader",
    "sysadmin",
    "secadmin",
    "outsider",
]


def tail_hash() -> str:
    return (
        AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        or GENESIS_HASH
    )


def append_at(when: dt.datetime, **fields) -> AuditEvent:
    """A correctly chained event with a chosen timestamp (for date filters)."""
    fields.setdefault("action", "test_event")
    fields.setdefault("actor_name", "系统")
    event = AuditEvent(created_at=when, prev_hash=tail_hash(), **fields)
    event.hash = compute_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


@contextmanager
def triggers_lifted():
    """What someone with the database owner's rights could do behind the
    application's back: switch the append-only triggers off for a moment."""
    with transaction.atomic(), connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            for sql in triggers.SQLITE_DROP:
                cursor.execute(sql)
        yield cursor
        if ON_POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            for sql in triggers.SQLITE_CREATE:
                cursor.execute(sql)


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
                " AND NOT tgisinternal",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
        return {row[0] for row in cursor.fetchall()}


def settle_deferred_checks():
    """PostgreSQL refuses TRUNCATE while this transaction still owes deferred
    foreign-key checks; a real flush runs outside such a transaction."""
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def assert_refused(action):
    with pytest.raises(DatabaseError) as exc_info, transaction.atomic():
        action()
    assert triggers.MESSAGE in str(exc_info.value)


# --- Writing and verifying ------------------------------------------------------------


@pytest.mark.django_db
def test_events_form_a_chain_from_the_genesis_hash(sysadmin, org):
    first = audit_record(by=sysadmin, action="first", obj=org["bureau"])
    second = audit_record(action="second", reason="系统任务")
    third = audit_record(by=sysadmin, action="third", obj=sysadmin)

    assert first.prev_hash == GENESIS_HASH
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert second.actor_name == "系统" and second.actor is None
    assert (third.object_type, third.object_id) == ("jiaotong.user", str(sysadmin.pk))


@pytest.mark.django_db
def test_chain_of_varied_events_verifies_after_reading_back(sysadmin, org):
    audit_record(
        by=sysadmin,
        action="matter_update",
        obj=org["window"],
        from_state="草稿",
        to_state="已发布",
        reason="依据《行政许可法》第四十二条",
        changes={"期限": [20, 10], "金额": 12.5, "日期": dt.date(2023, 10, 7)},
        ip="2001:DB8::1",
    )
    audit_record(action="login_failed", actor_name="未知用户", ip="192.0.2.7")
    audit_record(action="nested", changes={"z": {"b": [1, {"a": None}]}, "a": True})

    report = audit_verify_chain()

    assert report.ok, report.problem
    assert report.checked == AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_ip_addresses_are_stored_as_the_database_returns_them():
    upper = audit_record(action="a", ip="2001:DB8:0:0::1")
    garbage = audit_record(action="b", ip="not-an-address")

    upper.refresh_from_db()
    garbage.refresh_from_db()
    assert upper.ip_address == "2001:db8::1"
    assert garbage.ip_address is None
    assert audit_verify_chain().ok


@pytest.mark.django_db
def test_an_overlong_actor_name_is_cut_to_the_column():
    event = audit_record(action="login_failed", actor_name="甲" * 400)

    event.refresh_from_db()
    assert event.actor_name == "甲" * 150
    assert audit_verify_chain().ok


@pytest.mark.django_db
def test_sequential_appends_never_share_a_predecessor():
    for n in range(30):
        audit_record(action="tick", reason=str(n))

    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes)) == 30
    assert audit_verify_chain().ok


# --- The database refuses changes -----------------------------------------------------


@pytest.mark.django_db
def test_update_and_delete_are_refused_by_the_database():
    event = audit_record(action="login", reason="原文")

    event.reason = "改过"
    assert_refused(event.save)
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="改"))
    assert_refused(event.delete)
    assert_refused(AuditEvent.objects.all().delete)
    with connection.cursor() as cursor:
        assert_refused(lambda: cursor.execute(f"UPDATE {TABLE} SET reason = 'x'"))  # noqa: S608
        assert_refused(lambda: cursor.execute(f"DELETE FROM {TABLE}"))  # noqa: S608

    event.refresh_from_db()
    assert event.reason == "原文"
    assert audit_verify_chain().ok


# --- Tamper evidence ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_inserted_with_a_wrong_predecessor_breaks_the_chain():
    audit_record(action="a")
    audit_record(action="b")
    forged = AuditEvent(
        created_at=timezone.now(), action="forged", prev_hash="f" * 64, actor_name="x"
    )
    forged.hash = compute_hash(forged.prev_hash, forged)
    forged.save(force_insert=True)

    report = audit_verify_chain()

    assert (report.ok, report.broken_id, report.checked) == (False, forged.pk, 3)
    assert "前一记录哈希不一致" in report.problem


@pytest.mark.django_db
def test_a_raw_insert_whose_hash_does_not_cover_its_content_is_detected():
    audit_record(action="a")
    prev = tail_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (created_at, actor_name, action, object_type,"  # noqa: S608
            " object_id, object_repr, from_state, to_state, reason, changes,"
            " prev_hash, hash) VALUES (%s, '', 'forged', '', '', '', '', '', '',"
            " '{}', %s, %s)",
            [connection.ops.adapt_datetimefield_value(timezone.now()), prev, "e" * 64],
        )
    forged = AuditEvent.objects.get(action="forged")
    later = audit_record(action="after the forgery")

    report = audit_verify_chain()

    assert report.broken_id == forged.pk
    assert "记录内容与哈希不符" in report.problem
    assert later.prev_hash == forged.hash  # appends continue; the break stays visible


@pytest.mark.django_db
def test_content_changed_behind_the_triggers_is_detected():
    audit_record(action="a")
    victim = audit_record(action="penalty_decide", reason="罚款200元")
    audit_record(action="c")
    with triggers_lifted() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET reason = %s WHERE id = %s",  # noqa: S608
            ["罚款20元", victim.pk],
        )

    report = audit_verify_chain()

    assert (report.broken_id, report.checked) == (victim.pk, 2)
    assert "记录内容与哈希不符" in report.problem


@pytest.mark.django_db
def test_a_row_deleted_behind_the_triggers_is_detected_at_its_successor():
    audit_record(action="a")
    victim = audit_record(action="b")
    successor = audit_record(action="c")
    with triggers_lifted() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])  # noqa: S608

    report = audit_verify_chain()

    assert report.broken_id == successor.pk
    assert "前一记录哈希不一致" in report.problem


@pytest.mark.django_db
def test_triggers_are_back_after_lifting_them():
    with triggers_lifted():
        pass
    event = audit_record(action="a")

    assert_refused(event.delete)


# --- Flush: TRUNCATE semantics on both engines ----------------------------------------


@pytest.mark.django_db
def test_flush_empties_the_audit_table_and_leaves_it_append_only():
    audit_record(action="a")
    audit_record(action="b")
    triggers_before = trigger_names()
    assert triggers_before

    statements = connection.ops.sql_flush(no_style(), [TABLE])
    if ON_SQLITE:
        # Our backend lifts the triggers for the flush only, like TRUNCATE.
        assert statements[: len(triggers.SQLITE_DROP)] == triggers.SQLITE_DROP
        assert statements[-len(triggers.SQLITE_CREATE) :] == triggers.SQLITE_CREATE
    if ON_POSTGRES:
        assert any(sql.startswith("TRUNCATE") for sql in statements)
    settle_deferred_checks()
    connection.ops.execute_sql_flush(statements)

    assert not AuditEvent.objects.exists()
    assert trigger_names() == triggers_before
    event = audit_record(action="after flush")
    assert event.prev_hash == GENESIS_HASH
    assert_refused(event.delete)
    assert_refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="x"))


@pytest.mark.django_db
def test_flushing_other_tables_leaves_the_audit_triggers_alone():
    statements = connection.ops.sql_flush(no_style(), [CalendarDay._meta.db_table])

    assert not any("TRIGGER" in sql.upper() for sql in statements)


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_write_audit_events_and_be_flushed(sysadmin):
    # pytest-django flushes every table after this test; on SQLite that is a
    # DELETE, which only our backend's flush is allowed to run.
    audit_record(by=sysadmin, action="committed")

    assert audit_verify_chain().ok
    assert "committed" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.skipif(not ON_POSTGRES, reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db
def test_truncate_is_refused_on_postgres_like_delete():
    """Issue 12: TRUNCATE used to succeed (row triggers do not see it)."""
    audit_record(action="a")
    assert_refused(lambda: AuditEvent.objects.all().delete())

    settle_deferred_checks()

    def truncate():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    assert_refused(truncate)
    assert AuditEvent.objects.exists()


# --- Concurrent appends (PostgreSQL: advisory lock) ------------------------------------


def _in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.skipif(not ON_POSTGRES, reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_an_append_waits_for_the_open_transaction_holding_the_chain():
    first_appended = threading.Event()
    results, errors = {}, []

    def first():
        with transaction.atomic():
            results["first"] = audit_record(action="first")
            first_appended.set()
            time.sleep(0.5)  # still holding the chain lock
            results["first_commit"] = time.monotonic()

    def second():
        assert first_appended.wait(10)
        results["second"] = audit_record(action="second")
        results["second_done"] = time.monotonic()

    threads = [_in_thread(first, errors), _in_thread(second, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors
    assert results["second"].prev_hash == results["first"].hash
    assert results["second_done"] >= results["first_commit"]


@pytest.mark.skipif(not ON_POSTGRES, reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    workers, each = 6, 5
    errors = []

    def append_some():
        for n in range(each):
            with transaction.atomic():
                audit_record(action="concurrent", reason=str(n))
                time.sleep(0.005)  # widen the window a fork would need

    threads = [_in_thread(append_some, errors) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes)) == workers * each
    report = audit_verify_chain()
    assert report.ok and report.checked == workers * each


# --- verify_audit ---------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_audit_reports_an_intact_chain_and_records_the_check():
    for n in range(3):
        audit_record(action="tick", reason=str(n))
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue().strip() == "审计链完整：共 3 条"
    check = last_chain_check()
    assert check.changes == {"ok": True, "checked": 3, "broken_id": None}
    assert audit_verify_chain().ok  # the recorded check is itself chained


@pytest.mark.django_db
def test_verify_audit_without_recording_writes_nothing():
    audit_record(action="tick")
    out = StringIO()

    call_command("verify_audit", "--no-record", stdout=out)

    assert "共 1 条" in out.getvalue()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_verify_audit_exits_1_naming_the_broken_event():
    audit_record(action="a")
    victim = audit_record(action="b")
    audit_record(action="c")
    with triggers_lifted() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", [victim.pk])  # noqa: S608
    out, err = StringIO(), StringIO()

    with pytest.raises(SystemExit) as exc_info:
        call_command("verify_audit", stdout=out, stderr=err)

    assert exc_info.value.code == 1
    assert err.getvalue().strip() == (
        f"审计链在第 {victim.pk} 条断开：记录内容与哈希不符（记录被篡改）"
    )
    assert last_chain_check().changes["broken_id"] == victim.pk


@pytest.mark.django_db
def test_verify_audit_on_an_empty_trail_is_intact():
    out = StringIO()

    call_command("verify_audit", "--no-record", stdout=out)

    assert out.getvalue().strip() == "审计链完整：共 0 条"


def test_chain_check_without_events_reports_nothing_checked(db):
    assert audit_chain_check(record=False).checked == 0


# --- Who may read the trail -----------------------------------------------------------


@pytest.mark.django_db
def test_only_the_audit_admin_sees_audit_rows(request, auditor):
    audit_record(action="a")

    assert AuditEvent.objects.visible_to(auditor).count() == 1
    for name in OTHER_ROLES:
        assert not AuditEvent.objects.visible_to(request.getfixturevalue(name)).exists()


# --- The audit page -------------------------------------------------------------------


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("audit_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("who", OTHER_ROLES)
def test_every_other_role_is_refused_the_audit_page(client, request, who):
    audit_record(action="secret", reason="只给审计管理员看")
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("audit_list"))

    assert response.status_code == 403
    assert "只给审计管理员看" not in response.content.decode()


@pytest.mark.django_db
def test_the_audit_page_is_read_only(auditor_client):
    assert auditor_client.post(reverse("audit_list")).status_code == 405


@pytest.mark.django_db
def test_audit_admin_sees_the_newest_events_with_labels(auditor_client, org):
    audit_record(action="role_change", obj=org["bureau"], reason="新增：局领导")

    response = auditor_client.get(reverse("audit_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "角色变更" in page and "新增：局领导" in page
    assert response.context["page"].rows[0].action == "role_change"


@pytest.mark.django_db
def test_viewing_the_audit_page_writes_no_event(auditor_client):
    before = AuditEvent.objects.count()

    auditor_client.get(reverse("audit_list"))
    auditor_client.get(reverse("audit_list"), {"action": "login"})

    assert AuditEvent.objects.count() == before


def _actions(response) -> list[str]:
    return [event.action for event in response.context["page"].rows]


@pytest.mark.django_db
def test_filters_by_actor_action_object_type_date_and_ip(auditor_client, sysadmin, org):
    now = timezone.now()
    append_at(now - dt.timedelta(days=10), action="logout", actor_name="王五")
    audit_record(by=sysadmin, action="by_sysadmin", obj=org["window"], ip="10.0.0.9")
    audit_record(action="login_failed", actor_name="陌生人", ip="192.0.2.1")
    url = reverse("audit_list")
    today = timezone.localdate()

    assert _actions(auditor_client.get(url, {"actor": "sysadmin"})) == ["by_sysadmin"]
    assert _actions(auditor_client.get(url, {"actor": "陌生"})) == ["login_failed"]
    assert _actions(auditor_client.get(url, {"action": "logout"})) == ["logout"]
    assert _actions(auditor_client.get(url, {"object_type": "jiaotong.orgunit"})) == [
        "by_sysadmin"
    ]
    assert _actions(auditor_client.get(url, {"ip_address": "192.0.2.1"})) == [
        "login_failed"
    ]
    old_day = timezone.localdate(now - dt.timedelta(days=10))
    assert _actions(
        auditor_client.get(url, {"date_from": old_day, "date_to": old_day})
    ) == ["logout"]
    recent = _actions(auditor_client.get(url, {"date_from": today}))
    assert "logout" not in recent and "by_sysadmin" in recent


@pytest.mark.django_db
def test_bad_filter_values_are_explained_not_a_500(auditor_client):
    response = auditor_client.get(
        reverse("audit_list"),
        {"date_from": "2023-02-30", "ip_address": "999.1.1.1", "cursor": "abc"},
    )

    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert set(errors) == {"date_from", "ip_address"}
    assert "起始日期：" in response.content.decode()


@pytest.mark.django_db
def test_pages_of_fifty_walk_back_and_forth_without_counting(auditor_client):
    for n in range(2 * PAGE_SIZE + 20):
        audit_record(action="tick", reason=f"第{n}条")
    newest_first = list(AuditEvent.objects.order_by("-id").values_list("pk", flat=True))
    url = reverse("audit_list")

    with CaptureQueriesContext(connection) as queries:
        first = auditor_client.get(url)
    second = auditor_client.get(url, {"cursor": first.context["page"].next_cursor})
    third = auditor_client.get(url, {"cursor": second.context["page"].next_cursor})
    back = auditor_client.get(url, {"cursor": third.context["page"].previous_cursor})

    ids = [[e.pk for e in r.context["page"].rows] for r in (first, second, third, back)]
    assert ids[0] == newest_first[:PAGE_SIZE]
    assert ids[1] == newest_first[PAGE_SIZE : 2 * PAGE_SIZE]
    assert ids[2] == newest_first[2 * PAGE_SIZE :]
    assert ids[3] == ids[1]
    assert (first.context["page"].has_previous, first.context["page"].has_next) == (
        False,
        True,
    )
    assert third.context["page"].has_next is False
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows_or_pages(
    auditor_client, django_assert_max_num_queries
):
    url = reverse("audit_list")
    audit_record(action="tick")
    with CaptureQueriesContext(connection) as few:
        auditor_client.get(url)
    for n in range(2 * PAGE_SIZE + 5):
        audit_record(action="tick", reason=str(n))

    with django_assert_max_num_queries(len(few)):
        first = auditor_client.get(url)
    with django_assert_max_num_queries(len(few)):
        auditor_client.get(url, {"cursor": first.context["page"].next_cursor})
    assert len(few) <= 12


@pytest.mark.django_db
def test_page_shows_that_the_chain_was_never_checked(auditor_client):
    response = auditor_client.get(reverse("audit_list"))

    assert response.context["chain_check"] is None
    assert "审计链尚未校验" in response.content.decode()


@pytest.mark.django_db
def test_page_shows_the_last_verification_result(auditor_client):
    audit_record(action="a")
    checked = AuditEvent.objects.count()  # the sign-in is an event too
    call_command("verify_audit", stdout=StringIO())

    page = auditor_client.get(reverse("audit_list")).content.decode()

    assert "审计链完整" in page and f"共 {checked} 条记录" in page


@pytest.mark.django_db
def test_page_warns_when_the_last_verification_found_a_break(auditor_client):
    audit_record(action="a")
    victim = audit_record(action="b")
    with triggers_lifted() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", [victim.pk])  # noqa: S608
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=StringIO(), stderr=StringIO())

    page = auditor_client.get(reverse("audit_list")).content.decode()

    assert f"审计链在第 {victim.pk} 条断开" in page


@pytest.mark.django_db
def test_page_masks_id_numbers_and_phones_that_services_recorded(auditor_client):
    number = resident_id("41142219850101123")
    audit_record(
        action="enterprise_update",
        reason=f"申请人身份证{number}",
        changes={"phone": ["13812345678", "13987654321"]},
    )

    page = auditor_client.get(reverse("audit_list")).content.decode()

    assert number not in page and mask_id_number(number) in page
    assert "13812345678" not in page and "138****5678" in page
    assert "139****4321" in page


@pytest.mark.django_db
def test_daily_task_verifies_the_chain_and_records_the_result():
    from jiaotong.audit.tasks import verify_audit_task

    audit_record(action="test")
    result = verify_audit_task()
    assert result["ok"] is True
    assert result["checkpoint"]["last_id"] == AuditEvent.objects.latest("id").pk
    assert AuditEvent.objects.filter(action="audit_verify").exists()
