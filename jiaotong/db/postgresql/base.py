"""PostgreSQL backend whose flush may empty the audit table.

The audit table refuses TRUNCATE by trigger. Django's flush (``manage.py
flush`` and the reset between transactional tests) is a deliberate reset of the
whole database, so this backend lifts that one trigger around the flush's
TRUNCATE and restores it in the same transaction — the counterpart of
``jiaotong.db.sqlite3``. Any other TRUNCATE of the table stays refused, and a
reset of a live trail is caught by ``verify_audit`` against the last checkpoint.
"""

from django.db.backends.postgresql import base, operations

from jiaotong import triggers


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if triggers.AUDIT_TABLE not in tables or not statements:
            return statements
        return [
            *triggers.POSTGRES_FLUSH_BEFORE,
            *statements,
            *triggers.POSTGRES_FLUSH_AFTER,
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
