"""Covering indexes for the enforcement.* figures (issue 14): the penalty
decisions of Y, their publicity and the legal reviews concluded in Y are
counted from indexes alone (index-only scans).

Database-only: the model state does not carry them (they belong to the
figures, enforcement/indicators.py), so makemigrations leaves them alone.
SQLite builds them without the INCLUDE columns."""

from django.db import migrations, models
from django.db.models import Q

from jiaotong.indexes import AddIndexOnline

INDEXES = [
    (
        "penaltycase",
        # decided_figures(): penalty decisions by date, with every column
        # their counts read.
        models.Index(
            fields=["decided_at"],
            include=[
                "id",
                "is_test",
                "unit",
                "fine",
                "procedure",
                "filed_at",
                "extension_days",
            ],
            condition=Q(outcome="处罚"),
            name="case_decided_ind_idx",
        ),
    ),
    (
        "penaltycase",
        # enforcement.legal_reviews: is a reviewed case a counted one?
        models.Index(
            fields=["id"], include=["is_test", "unit"], name="case_counted_ind_idx"
        ),
    ),
    (
        "publicityrecord",
        # enforcement.cases_published_rate: is a decision published?
        models.Index(
            fields=["case"],
            include=["published_on"],
            condition=Q(case__isnull=False),
            name="publicity_case_ind_idx",
        ),
    ),
    (
        "legalreview",
        # enforcement.legal_reviews: reviews concluded in Y and their cases.
        models.Index(
            fields=["concluded_at"], include=["case"], name="review_concluded_ind_idx"
        ),
    ),
]


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (jiaotong/indexes.py): no transaction.
    atomic = False

    dependencies = [
        ("enforcement", "0004_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                AddIndexOnline(model_name=model, index=index)
                for model, index in INDEXES
            ],
        ),
    ]
