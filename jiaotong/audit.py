"""Writing and verifying the append-only, hash-chained audit trail.

``audit_record`` is called by every service inside the same transaction as the
change it records, so an event exists exactly when its change does.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from . import triggers
from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant works: it names the one lock that serialises chain appends.
_CHAIN_LOCK_KEY = 7_411_422


def _trusted_proxies():
    from django.conf import settings

    networks = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []) or []:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # settings.check reports it; an unparsable entry trusts no one
    return networks


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The real client address: ``REMOTE_ADDR``, unless that is one of the
    TRUSTED_PROXIES, in which case ``X-Forwarded-For`` is read from the right,
    skipping our own proxies, and its first untrusted entry is the client.

    A header sent by anyone else is ignored (it is trivially forged), so no
    client can pose as another address to dodge or aim the per-IP login limit.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_proxies()
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _is_trusted(hop, networks):
            continue
        return hop if _stored_ip(hop) else remote
    return remote


def axes_client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: django-axes records the same address."""
    return client_ip(request) or ""


def _stored_ip(ip: str | None) -> str | None:
    """The address exactly as the database will give it back, or None if it is not
    an address: the hash covers this value, so ``2001:DB8::1`` must be hashed as
    the ``2001:db8::1`` that the column returns (and garbage must not reach an
    ``inet`` column)."""
    if not ip:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return clean_ipv6_address(ip) if ":" in ip else ip


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
    """Two concurrent appends must not both read the same tail and fork the chain:
    take a lock that is held until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # A write statement takes SQLite's one RESERVED (writer) lock before the
            # tail is read; it matches no row, so the append-only trigger stays quiet.
            cursor.execute(triggers.SQLITE_WRITE_LOCK)


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
    """Append one event. ``by`` may be None for system actions (beat tasks).

    The chain lock is held until the caller's transaction ends, so appends are
    serialised in commit order and each one links to the committed tail.
    """
    _lock_chain()
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_name=(actor_name or (actor.display_name if actor else "系统"))[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        changes=_jsonable(changes or {}),
        ip_address=_stored_ip(ip or client_ip(request)),
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


VERIFY_ACTION = "audit_verify"


def audit_chain_check(*, by=None, record: bool = True) -> ChainReport:
    """Verify the whole chain and, unless ``record`` is false, append the result as
    an ``audit_verify`` event: the audit page shows the latest one, and the trail
    itself shows when it was last checked and by whom."""
    report = audit_verify_chain()
    if record:
        audit_record(
            by=by,
            action=VERIFY_ACTION,
            to_state="完整" if report.ok else "断开",
            reason=report.problem,
            changes={
                "ok": report.ok,
                "checked": report.checked,
                "broken_id": report.broken_id,
            },
        )
    return report


def last_chain_check() -> AuditEvent | None:
    """The most recent recorded verification (None if the chain was never checked)."""
    return (
        AuditEvent.objects.filter(action=VERIFY_ACTION)
        .only("id", "created_at", "actor_name", "to_state", "reason", "changes")
        .order_by("-id")
        .first()
    )


# Labels for the audit page; an action without one is shown by its code.
ACTION_LABELS = {
    "login": "登录",
    "logout": "退出登录",
    "session_expired": "会话超时退出",
    "login_failed": "登录失败",
    "account_locked": "账户锁定",
    "ip_locked": "地址锁定",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "user_create": "创建账户",
    "user_deactivate": "停用账户",
    "user_activate": "启用账户",
    "role_change": "角色变更",
    "export": "导出",
    "import": "导入",
    "admin_create": "后台新增",
    "admin_update": "后台修改",
    "admin_delete": "后台删除",
    "matter_create": "新增权责事项",
    "matter_update": "修改权责事项",
    "enterprise_create": "新增企业",
    "enterprise_update": "修改企业",
    "enterprise_change_grade": "调整信用等级",
    "rule_parameter_seed": "初始化规则参数",
    "calendar_day_create": "录入工作日历",
    "calendar_day_update": "更正工作日历",
    "calendar_day_delete": "删除工作日历设置",
    VERIFY_ACTION: "审计链校验",
}


@dataclass
class KeysetPage:
    """One page of a newest-first list, found by id bounds instead of OFFSET and
    without counting the table (QUALITY.md: no COUNT(*) over large tables)."""

    rows: list
    has_newer: bool
    has_older: bool

    @property
    def newest_id(self) -> int | None:
        return self.rows[0].pk if self.rows else None

    @property
    def oldest_id(self) -> int | None:
        return self.rows[-1].pk if self.rows else None


def keyset_page(queryset, *, before=None, after=None, size: int = 50) -> KeysetPage:
    """Rows ``size`` at a time, newest first: older than id ``before`` or newer than
    id ``after`` (the first page when neither). One query, ``size + 1`` rows."""
    if after is not None:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[: size + 1])
        has_newer = len(rows) > size
        return KeysetPage(rows[:size][::-1], has_newer=has_newer, has_older=True)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-pk")[: size + 1])
    return KeysetPage(
        rows[:size], has_newer=before is not None, has_older=len(rows) > size
    )
