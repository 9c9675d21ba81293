"""Database triggers that keep the audit table append-only, on both engines."""

AUDIT_TABLE = "jiaotong_auditevent"
MESSAGE = "审计记录只能追加，不能修改或删除"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {AUDIT_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {AUDIT_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]

# Takes SQLite's writer lock without touching a row (see audit._lock_chain).
SQLITE_WRITE_LOCK = "UPDATE jiaotong_auditevent SET id = id WHERE 0"

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {AUDIT_TABLE}",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]

# TRUNCATE is a statement of its own that row triggers never see (issue 12:
# "TRUNCATE succeeded and verify_audit then reported an intact chain of 0").
POSTGRES_TRUNCATE_CREATE = [
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
POSTGRES_TRUNCATE_DROP = [f"DROP TRIGGER IF EXISTS audit_no_truncate ON {AUDIT_TABLE}"]
# Django's flush (``manage.py flush``, the reset between transactional tests) is
# a whole-database reset: our PostgreSQL backend lifts the TRUNCATE trigger for
# that one statement batch, the way the SQLite backend lifts its row triggers.
POSTGRES_FLUSH_BEFORE = [f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER audit_no_truncate"]
POSTGRES_FLUSH_AFTER = [f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER audit_no_truncate"]
