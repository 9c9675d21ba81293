"""The queue of decisions still to publish (待公示) on a partial index (issue 14):
an officer's home page counts and lists its pending records without reading
the whole publicity table. Built concurrently (jiaotong/indexes.py), so that
writes go on meanwhile: hence ``atomic = False``."""

from django.db import migrations, models

from jiaotong.indexes import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("enforcement", "0006_search_trgm"),
    ]

    operations = [
        AddIndexOnline(
            model_name="publicityrecord",
            index=models.Index(
                condition=models.Q(("published_on__isnull", True)),
                fields=["due_on", "id"],
                name="publicity_pending_idx",
            ),
        ),
    ]
