"""Refuse UPDATE and DELETE on the audit table, on SQLite and PostgreSQL."""

from django.db import migrations

from jiaotong import triggers


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": triggers.SQLITE_CREATE, "postgresql": triggers.POSTGRES_CREATE}
    for sql in statements.get(vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": triggers.SQLITE_DROP, "postgresql": triggers.POSTGRES_DROP}
    for sql in statements.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("jiaotong", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
