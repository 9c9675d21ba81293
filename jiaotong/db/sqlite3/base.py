"""SQLite backend whose flush treats the audit table the way PostgreSQL does.

On PostgreSQL, Django's flush (used by ``flush`` and between transactional
tests) empties tables with TRUNCATE, which row-level triggers do not see, while
every row-level UPDATE or DELETE of an audit event is refused.  SQLite has no
TRUNCATE: flush issues ``DELETE FROM``, which the append-only trigger refuses.
So this backend's flush lifts the audit triggers for that one whole-database
reset and puts them back in the same batch — the TRUNCATE semantics — while
ordinary UPDATE and DELETE statements stay refused.
"""

from django.db.backends.sqlite3 import base, operations

from jiaotong import triggers


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if triggers.AUDIT_TABLE not in tables:
            return statements
        return [*triggers.SQLITE_DROP, *statements, *triggers.SQLITE_CREATE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
