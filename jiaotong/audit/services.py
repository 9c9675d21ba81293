"""Writing and verifying the append-only, HMAC-chained audit trail.

``audit_record`` is called by every service inside the same transaction as the
change it records, so an event exists exactly when its change does.

Tamper evidence (issue 12):
- each row's hash is HMAC-SHA256 under a key from AUDIT_HMAC_KEYS (never in the
  database), over its content and the previous row's hash; the row records the
  key id, so keys can rotate. A database user who rewrites a row and recomputes
  the later hashes cannot produce valid ones;
- triggers refuse UPDATE, DELETE and TRUNCATE;
- the daily task appends the chain head (last id, hash, count) to a checkpoint
  file outside the database (AUDIT_CHECKPOINT_DIR) and returns it as its Celery
  result; ``audit_verify_chain`` compares the table with the last checkpoint, so
  a truncated table or deleted newest rows are reported, not "intact, 0 rows";
- the client address and user agent of the request in progress are recorded on
  every event written while serving it (``AuditRequestMiddleware``).
"""

import contextvars
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from jiaotong import triggers

from .labels import VERIFY_ACTION
from .models import AuditEvent

GENESIS_HASH = "0" * 64
CHECKPOINT_FILE = "audit-checkpoints.jsonl"

# The request being served by this thread/task, for the IP and user agent of
# events written by services that are not handed the request.
_current_request = contextvars.ContextVar("audit_request", default=None)


class AuditRequestMiddleware:
    """Make the request in progress known to ``audit_record``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _user_agent(request) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


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
            "user_agent": event.user_agent,
            "key_id": event.key_id,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


class UnknownKeyError(LookupError):
    pass


def _keys() -> dict[str, str]:
    from django.conf import settings

    return settings.AUDIT_HMAC_KEYS


def signing_key_id() -> str:
    """The first configured key signs new rows."""
    return next(iter(_keys()))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """HMAC-SHA256 of the previous hash and the row's content, under the key the
    row names (``event.key_id``; the signing key when the row names none yet)."""
    if not event.key_id:
        event.key_id = signing_key_id()
    try:
        key = _keys()[event.key_id]
    except KeyError as exc:
        raise UnknownKeyError(event.key_id) from exc
    message = (prev_hash + _payload(event)).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


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
    request = request if request is not None else _current_request.get()
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
        user_agent=_user_agent(request),
        key_id=signing_key_id(),
        prev_hash=prev or GENESIS_HASH,
    )
    event.hash = compute_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


@transaction.atomic
def audit_record_many(events, *, request=None) -> int:
    """Append many events at once (a bulk import): ``events`` is an iterable of
    dicts with ``audit_record``'s keywords (by, action, obj, from_state,
    to_state, reason, changes, actor_name); instead of ``obj``, an event may
    name ``object_type``, ``object_id`` and ``object_repr`` itself.

    The chain lock is taken once, just before the rows are appended, so a long
    import that collects its events in memory holds it only for this append and
    the commit, not while it reads and writes its records.  The hashes are
    computed here, in the order the rows are stored (``copy_rows``: ids in
    that order), with the signing key; ``audit_verify_chain`` checks them like
    any other.  Returns the number of events appended.
    """
    from jiaotong.loadgen import copy_rows

    request = request if request is not None else _current_request.get()
    ip = _stored_ip(client_ip(request))
    user_agent = _user_agent(request)
    key_id = signing_key_id()
    now = timezone.now()
    _lock_chain()
    prev = (
        AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        or GENESIS_HASH
    )
    rows = []
    for item in events:
        by, obj = item.get("by"), item.get("obj")
        actor = (
            by if by is not None and getattr(by, "is_authenticated", False) else None
        )
        event = SimpleNamespace(
            created_at=now,
            actor_id=actor.pk if actor else None,
            actor_name=(
                item.get("actor_name") or (actor.display_name if actor else "系统")
            )[:150],
            action=item["action"],
            object_type=obj._meta.label_lower
            if obj is not None
            else item.get("object_type", ""),
            object_id=str(obj.pk) if obj is not None else item.get("object_id", ""),
            object_repr=str(obj)[:200]
            if obj is not None
            else item.get("object_repr", "")[:200],
            from_state=item.get("from_state") or "",
            to_state=item.get("to_state") or "",
            reason=item.get("reason") or "",
            changes=_jsonable(item.get("changes") or {}),
            ip_address=ip,
            user_agent=user_agent,
            key_id=key_id,
            prev_hash=prev,
        )
        event.hash = prev = compute_hash(event.prev_hash, event)
        rows.append(vars(event))
    if not rows:
        return 0
    with connection.wrap_database_errors:  # COPY's errors as DatabaseError
        return copy_rows(AuditEvent, rows)


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    problem: str = ""
    truncated: bool = False  # the table no longer reaches the last checkpoint

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.truncated


def audit_verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in id order; report the first event whose link is broken,
    then compare the table with the last checkpoint written outside it."""
    expected_prev = GENESIS_HASH
    checked = 0
    seen_at_checkpoint = None
    checkpoint = last_checkpoint()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        checked += 1
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked, event.pk, "前一记录哈希不一致（记录被删除或插入）"
            )
        try:
            expected = compute_hash(event.prev_hash, event)
        except UnknownKeyError:
            return ChainReport(
                checked,
                event.pk,
                f"记录的签名密钥编号“{event.key_id or '（无）'}”未配置"
                "（记录被伪造，或缺少轮换前的密钥）",
            )
        if not hmac.compare_digest(expected, event.hash):
            return ChainReport(checked, event.pk, "记录内容与哈希不符（记录被篡改）")
        if checkpoint and event.pk == checkpoint["last_id"]:
            seen_at_checkpoint = (checked, event.hash)
        expected_prev = event.hash
    return _against_checkpoint(ChainReport(checked), checkpoint, seen_at_checkpoint)


def _against_checkpoint(report: ChainReport, checkpoint, seen) -> ChainReport:
    if not checkpoint:
        return report
    where = f"检查点（{checkpoint['at']}）记录至第 {checkpoint['last_id']} 条"
    if seen is None:
        report.truncated = True
        report.broken_id = checkpoint["last_id"]
        report.problem = (
            f"审计表已被清空：{where}，现存 0 条"
            if report.checked == 0
            else f"最新记录被删除或表被截断：{where}，该记录已不存在"
        )
    elif seen[1] != checkpoint["hash"]:
        report.broken_id = checkpoint["last_id"]
        report.problem = (
            f"链条被整体重写：第 {checkpoint['last_id']} 条与{where}的哈希不符"
        )
    elif seen[0] != checkpoint["count"]:
        report.broken_id = checkpoint["last_id"]
        report.problem = f"检查点之前的记录数不符：{where}共 {checkpoint['count']} 条，现为 {seen[0]} 条"
    return report


# --- Checkpoints: the chain head, kept outside the database ---------------------


def _checkpoint_path() -> Path:
    from django.conf import settings

    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def last_checkpoint() -> dict | None:
    """The newest checkpoint line (None before the first one)."""
    path = _checkpoint_path()
    if not path.exists():
        return None
    last = None
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                last = line
    return json.loads(last) if last else None


def audit_checkpoint_write() -> dict:
    """Append the chain head (last id, its hash, number of rows) to the
    checkpoint file and return it. Written only after a successful verification,
    so a checkpoint never blesses a broken chain."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash", "key_id").first()
    checkpoint = {
        "at": timezone.localtime().isoformat(timespec="seconds"),
        "last_id": head["id"] if head else None,
        "hash": head["hash"] if head else GENESIS_HASH,
        "key_id": head["key_id"] if head else "",
        "count": AuditEvent.objects.filter(id__lte=head["id"]).count() if head else 0,
    }
    if checkpoint["last_id"] is None:
        return checkpoint  # nothing to hold the table to yet
    path = _checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(checkpoint, ensure_ascii=False) + "\n")
    return checkpoint


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
