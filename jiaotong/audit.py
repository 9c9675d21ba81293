"""Writing and verifying the append-only, hash-chained audit trail.

``audit_record`` is called by every service inside the same transaction as the
change it records, so an event exists exactly when its change does.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant works: it names the one lock that serialises chain appends.
_CHAIN_LOCK_KEY = 7_411_422


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _payload(event: AuditEvent) -> str:
    return json.dumps(
        {
            "created_at": event.created_at.isoformat(),
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "reason": event.reason,
            "changes": event.changes,
            "ip": event.ip_address,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _payload(event)).encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    # Two concurrent appends must not both read the same tail and fork the chain.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite serialises writers on its database lock.


@transaction.atomic
def audit_record(
    *,
    by=None,
    action: str,
    obj=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    changes: dict | None = None,
    request=None,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. ``by`` may be None for system actions (beat tasks)."""
    _lock_chain()
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_name=actor_name or (actor.display_name if actor else "系统"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        changes=_jsonable(changes or {}),
        ip_address=ip or client_ip(request),
        prev_hash=prev or GENESIS_HASH,
    )
    event.hash = compute_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def audit_verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in id order; report the first event whose link is broken."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked, event.pk, "前一记录哈希不一致（记录被删除或插入）"
            )
        if compute_hash(event.prev_hash, event) != event.hash:
            return ChainReport(checked, event.pk, "记录内容与哈希不符（记录被篡改）")
        expected_prev = event.hash
    return ChainReport(checked)
