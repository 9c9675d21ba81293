"""Indexes of the big tables (issue 14): the trigram index behind a list's
search box, and the migration operation that builds an index without blocking
writes.

``search_index(*fields)``: the lists' ``q`` boxes match with ``icontains``, which
PostgreSQL runs as ``UPPER(col::text) LIKE UPPER('%x%')`` — a scan of the whole
table unless a trigram (pg_trgm) GIN index holds exactly those expressions.
With it a search of three characters or more ("王伟明", "有限公司", a plate or
number fragment) is a bitmap index scan. One or two characters hold no
trigram: such a search still finds the same rows, by a scan (pg_trgm cannot
help; the figures are in docs/deployment.md).

A plain ``CREATE INDEX`` holds a lock that blocks every write to the table while
it builds: 15–23 s on a million applications. ``AddIndexOnline`` builds the
index with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (writes go on; the build
takes two table scans instead of one) and as a plain ``CREATE INDEX`` on the
embedded SQLite database. An index only PostgreSQL has (a ``PostgresIndex``:
GIN, trigram operator classes) is not built on SQLite at all.

A migration that uses it sets ``atomic = False``: PostgreSQL refuses a
concurrent build inside a transaction, and Django says so when it is forgotten.
The model state is ``AddIndex``'s, so using it instead of ``AddIndex`` leaves
``makemigrations --check`` quiet. How it runs on a big database:
docs/deployment.md, "Index migrations on a big database".
"""

from django.contrib.postgres.indexes import GinIndex, OpClass, PostgresIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex
from django.db.models.functions import Upper


def search_index(*fields: str, name: str) -> GinIndex:
    """A GIN index with a column of ``UPPER(field)`` trigrams per searched
    field: the expressions ``field__icontains`` compares on PostgreSQL, so that an OR of
    the fields is a BitmapOr of scans of this one index. PostgreSQL only (a
    migration adds it with ``AddIndexOnline``, which skips it on SQLite); the
    pg_trgm extension comes first (``TrigramExtension()``)."""
    return GinIndex(
        *(OpClass(Upper(field), name="gin_trgm_ops") for field in fields), name=name
    )


class AddIndexOnline(AddIndexConcurrently):
    """``AddIndex`` without blocking writes: concurrently on PostgreSQL, plain
    elsewhere; PostgreSQL-only indexes are skipped elsewhere.

    Safe to run again after an interruption (the migration is not atomic): on
    PostgreSQL an index of that name already built is kept, and one a failed
    or cancelled concurrent build left INVALID is dropped and built again."""

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently)"

    def _elsewhere(self, schema_editor) -> bool | None:
        """None on PostgreSQL; elsewhere, whether the index is built there."""
        if schema_editor.connection.vendor == "postgresql":
            return None
        return not isinstance(self.index, PostgresIndex)

    def _already_valid(self, schema_editor) -> bool:
        """Whether a valid index of this name exists (an INVALID one, the
        remains of a failed concurrent build, is dropped)."""
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c"
                " ON c.oid = i.indexrelid"
                " WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                [self.index.name],
            )
            row = cursor.fetchone()
        if row is not None and not row[0]:
            schema_editor.execute(
                "DROP INDEX CONCURRENTLY IF EXISTS "
                + schema_editor.quote_name(self.index.name)
            )
        return bool(row and row[0])

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        elsewhere = self._elsewhere(schema_editor)
        if elsewhere is None:
            self._ensure_not_in_transaction(schema_editor)
            if not self._already_valid(schema_editor):
                super().database_forwards(
                    app_label, schema_editor, from_state, to_state
                )
        elif elsewhere:
            AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        elsewhere = self._elsewhere(schema_editor)
        if elsewhere is None:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        elif elsewhere:
            AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
