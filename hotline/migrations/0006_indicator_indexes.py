"""A covering index for the hotline.* figures (issue 14): the tickets received
in Y are counted from the index alone (index-only scan).

Database-only: the model state does not carry it (it belongs to the figures,
hotline/indicators.py), so makemigrations leaves it alone. SQLite builds it
without the INCLUDE columns."""

from django.db import migrations, models

from jiaotong.indexes import AddIndexOnline

INDEXES = [
    # received_figures(): the received-in-Y population and every column its
    # counts read.
    models.Index(
        fields=["received_at"],
        include=[
            "id",
            "is_test",
            "source",
            "unit",
            "closed_at",
            "due_date",
            "follow_up_result",
        ],
        name="ticket_received_ind_idx",
    ),
]


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (jiaotong/indexes.py): no transaction.
    atomic = False

    dependencies = [
        ("hotline", "0005_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                AddIndexOnline(model_name="ticket", index=index)
                for index in INDEXES
            ],
        ),
    ]
