"""Covering indexes for the window.* figures (issue 14): the year's completed
applications, and the year's received ones, are counted from the index alone
(index-only scans) instead of visiting a heap page per row.

Database-only: the model state does not carry them (they belong to the
figures, licensing/indicators.py, not to the model), so makemigrations
leaves them alone. SQLite builds them without the INCLUDE columns."""

from django.db import migrations, models
from django.db.models import Q

from jiaotong.indexes import AddIndexOnline

INDEXES = [
    # completed_figures(): the completed-in-Y population and every column its
    # counts read.
    models.Index(
        fields=["completed_at"],
        include=[
            "id",
            "is_test",
            "accepted_at",
            "result",
            "matter",
            "unit",
            "promised_due_date",
            "evaluation",
            "notify_commit",
        ],
        condition=Q(completed_at__isnull=False),
        name="app_completed_ind_idx",
    ),
    # window.completion_rate: the received-in-Y population.
    models.Index(
        fields=["received_at"],
        include=[
            "id",
            "is_test",
            "accepted_at",
            "status",
            "result",
            "completed_at",
            "unit",
        ],
        name="app_received_ind_idx",
    ),
]


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (jiaotong/indexes.py): no transaction.
    atomic = False

    dependencies = [
        ("licensing", "0003_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                AddIndexOnline(model_name="application", index=index)
                for index in INDEXES
            ],
        ),
    ]
