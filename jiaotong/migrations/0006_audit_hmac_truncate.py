"""Key the audit chain with HMAC (key id and user agent on each row), re-sign
the rows written before under the old unkeyed SHA-256 chain (after verifying
it: a broken legacy chain stops the migration instead of being blessed), and
refuse TRUNCATE of the audit table on PostgreSQL."""

import hashlib
import json

from django.db import migrations, models

from jiaotong import triggers

GENESIS = "0" * 64


def _legacy_payload(event) -> str:
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


def resign(apps, schema_editor):
    from jiaotong.audit.services import compute_hash, signing_key_id

    AuditEvent = apps.get_model("jiaotong", "AuditEvent")
    events = list(AuditEvent.objects.using(schema_editor.connection.alias).order_by("id"))
    if not events:
        return
    prev = GENESIS
    for event in events:
        legacy = hashlib.sha256((prev + _legacy_payload(event)).encode()).hexdigest()
        if event.prev_hash != prev or event.hash != legacy:
            raise RuntimeError(
                f"审计链在第 {event.pk} 条断开，拒绝用新密钥重新签名；请先调查。"
            )
        prev = event.hash
    vendor = schema_editor.connection.vendor
    lift = {"sqlite": triggers.SQLITE_DROP, "postgresql": [
        f"ALTER TABLE {triggers.AUDIT_TABLE} DISABLE TRIGGER audit_no_update_delete"
    ]}.get(vendor, [])
    restore = {"sqlite": triggers.SQLITE_CREATE, "postgresql": [
        f"ALTER TABLE {triggers.AUDIT_TABLE} ENABLE TRIGGER audit_no_update_delete"
    ]}.get(vendor, [])
    for sql in lift:
        schema_editor.execute(sql)
    prev = GENESIS
    key_id = signing_key_id()
    for event in events:
        event.key_id = key_id
        event.prev_hash = prev
        event.hash = compute_hash(prev, event)
        event.save(update_fields=["key_id", "prev_hash", "hash"])
        prev = event.hash
    for sql in restore:
        schema_editor.execute(sql)


def truncate_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        # SQLite's AddField above rebuilt the table, which drops its triggers.
        for sql in triggers.SQLITE_CREATE:
            schema_editor.execute(sql)
    if schema_editor.connection.vendor == "postgresql":
        for sql in triggers.POSTGRES_TRUNCATE_CREATE:
            schema_editor.execute(sql)


def drop_truncate_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in triggers.POSTGRES_TRUNCATE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('jiaotong', '0005_bounds_checks'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, db_default='', default='', max_length=32, verbose_name='签名密钥编号'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='user_agent',
            field=models.CharField(blank=True, db_default='', default='', max_length=300, verbose_name='客户端标识'),
        ),
        migrations.RunPython(resign, migrations.RunPython.noop),
        migrations.RunPython(truncate_trigger, drop_truncate_trigger),
    ]
