"""The list's search box on a trigram index (issue 14): the window list's number
and applicant name. ``icontains`` compares ``UPPER(col::text)``, so the GIN
index holds those expressions' trigrams and a search of three characters or
more is a bitmap index scan instead of a scan of the table. PostgreSQL only
(pg_trgm); nothing is built on SQLite.

Built concurrently (jiaotong/indexes.py), so that writes go on meanwhile: hence
``atomic = False``."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

from jiaotong.indexes import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("licensing", "0004_indicator_indexes"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexOnline(
            model_name="application",
            index=GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"),
                OpClass(Upper("applicant_name"), name="gin_trgm_ops"),
                name="app_search_trgm_idx",
            ),
        ),
    ]
