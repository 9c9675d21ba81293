"""Regressions for issue 12 "found" item 5: the audit trail proves itself.

verify_audit exits 1 and names the problem after each of: a row edited with the
triggers disabled, the newest rows deleted, the table truncated, a row rewritten
with recomputed unkeyed hashes. Events written while serving a request carry its
address and user agent (reveal events included)."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from hotline.models import Ticket
from jiaotong.audit.services import (
    GENESIS_HASH,
    _payload,
    audit_record,
    audit_verify_chain,
    compute_hash,
    last_checkpoint,
)
from jiaotong.audit.tasks import verify_audit_task
from jiaotong.models import AuditEvent
from tests.hotline.conftest import intake
from tests.jiaotong.test_audit import TABLE, settle_deferred_checks, triggers_lifted

pytestmark = pytest.mark.django_db


def verify_fails() -> str:
    err = StringIO()
    with pytest.raises(SystemExit) as exc_info:
        call_command("verify_audit", "--no-record", stdout=StringIO(), stderr=err)
    assert exc_info.value.code == 1
    return err.getvalue()


@pytest.fixture
def trail():
    events = [audit_record(action="tick", reason=str(n)) for n in range(6)]
    result = verify_audit_task()  # the daily beat task: verify + checkpoint
    assert result["ok"] and result["checkpoint"]["count"] == 7
    return events


def test_the_daily_task_checkpoints_the_head_to_a_file(trail):
    head = AuditEvent.objects.latest("id")
    checkpoint = last_checkpoint()
    assert (checkpoint["last_id"], checkpoint["hash"]) == (head.pk, head.hash)
    assert checkpoint["key_id"] == head.key_id == "dev"
    assert audit_verify_chain().ok


def test_row_edited_with_triggers_disabled(trail):
    with triggers_lifted() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", [trail[2].pk])  # noqa: S608
    assert f"第 {trail[2].pk} 条" in verify_fails()
    assert "记录被篡改" in verify_fails()


def test_newest_rows_deleted(trail):
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[1]
    with triggers_lifted() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [newest])  # noqa: S608
    message = verify_fails()
    assert "最新记录被删除" in message


def test_table_truncated(trail):
    settle_deferred_checks()
    with triggers_lifted() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE}")
        else:  # SQLite has no TRUNCATE; DELETE without WHERE is its equivalent
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    assert AuditEvent.objects.count() == 0
    assert "审计表已被清空" in verify_fails()


def _unkeyed(prev: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev + _payload(event)).encode("utf-8")).hexdigest()


def test_row_rewritten_with_recomputed_unkeyed_hashes(trail):
    """What a database user without the HMAC key can do: rewrite a row and
    recompute every later hash the way the old unkeyed chain did."""
    events = list(AuditEvent.objects.order_by("id"))
    victim = trail[1].pk
    with triggers_lifted() as cursor:
        prev = GENESIS_HASH
        for event in events:
            if event.pk >= victim:
                if event.pk == victim:
                    event.reason = "改写后的内容"
                event.prev_hash = prev
                event.hash = _unkeyed(prev, event)
                cursor.execute(
                    f"UPDATE {TABLE} SET reason = %s, prev_hash = %s, hash = %s"  # noqa: S608
                    " WHERE id = %s",
                    [event.reason, event.prev_hash, event.hash, event.pk],
                )
            prev = event.hash
    message = verify_fails()
    assert f"第 {victim} 条" in message and "记录被篡改" in message


def test_a_forged_key_id_is_named(trail):
    with triggers_lifted() as cursor:
        sql = f"UPDATE {TABLE} SET key_id = 'evil' WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [trail[3].pk])
    assert "“evil”未配置" in verify_fails()


def test_keys_rotate_and_old_rows_still_verify(settings):
    old = audit_record(action="before rotation")
    settings.AUDIT_HMAC_KEYS = {
        "k2": "a-new-key-of-more-than-thirty-two-chars",
        **settings.AUDIT_HMAC_KEYS,
    }
    new = audit_record(action="after rotation")
    assert (old.key_id, new.key_id) == ("dev", "k2")
    assert audit_verify_chain().ok
    del settings.AUDIT_HMAC_KEYS["dev"]
    assert not audit_verify_chain().ok  # a retired key must be kept to verify


def test_the_hash_depends_on_the_key(settings):
    event = audit_record(action="x")
    settings.AUDIT_HMAC_KEYS = {"dev": "another-secret-of-more-than-32-characters"}
    assert compute_hash(event.prev_hash, event) != event.hash


def test_truncate_is_refused_on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    audit_record(action="a")
    settle_deferred_checks()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")


# --- IP and user agent on every event that has a request -------------------------


def test_reveal_events_carry_ip_and_user_agent(client, hotline_agent, org):
    ticket = intake(hotline_agent, dispatch_to=org["squad"])
    client.force_login(hotline_agent)
    response = client.post(
        reverse("hotline:ticket_reveal_caller", args=[ticket.pk]),
        {"reveal-reason": "回访核实"},
        REMOTE_ADDR="192.0.2.44",
        HTTP_USER_AGENT="Mozilla/5.0 (TestBrowser)",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type="hotline.ticket").latest("id")
    assert "reveal" in event.action
    assert event.ip_address == "192.0.2.44"
    assert event.user_agent == "Mozilla/5.0 (TestBrowser)"


def test_service_events_during_a_request_carry_ip_and_user_agent(client, hotline_agent):
    client.force_login(hotline_agent)
    client.post(
        reverse("hotline:ticket_create"),
        {
            "ticket_no": "T-IP-1",
            "source": "12328",
            "received_at": "2026-01-05T09:00",
            "category": "投诉",
            "area": "出租汽车",
            "content": "出租车拒载。",
        },
        REMOTE_ADDR="192.0.2.45",
        HTTP_USER_AGENT="UA-45",
    )
    ticket = Ticket.objects.get(content="出租车拒载。")
    event = AuditEvent.objects.for_object(ticket).latest("id")
    assert (event.ip_address, event.user_agent) == ("192.0.2.45", "UA-45")
