"""Issue 14's acceptance test for imports: "a 100,000-row import failing at its
last row leaves nothing behind".  The last row passes every check and is
refused by the database while it is written, after the 99 batches before it
have been written: all of them are undone, and not one audit event is left."""

import pytest
from django.db import connection

from jiaotong.imports.framework import BATCH_SIZE, run_import
from jiaotong.models import AuditEvent
from licensing.models import Application
from tests.jiaotong.test_import_jobs import (  # noqa: F401  (window_matter: a fixture)
    applications_workbook,
    refuse_insert_of,
    window_matter,
)

ROWS = 100_000

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the refusing trigger is PostgreSQL's"
    ),
]


def test_a_100000_row_import_failing_at_its_last_row_leaves_nothing_behind(
    tmp_path,
    window_matter,  # noqa: F811
    sysadmin,
):
    path = applications_workbook(tmp_path / "applications.xlsx", ROWS)
    refuse_insert_of(f"A{ROWS:07d}")  # the last row, in the last batch
    events = AuditEvent.objects.count()

    progress = []

    result = run_import(
        "applications",
        path,
        by=sysadmin,
        source_name="big.xlsx",
        progress=progress.append,
    )

    [error] = result.errors
    assert str(error).startswith(f"第{ROWS + 1}行 办件编号: 数据库拒绝写入")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    # The write phase (50-99 %) went through its batches to the last one…
    assert progress[-1] == 99 and len(progress) > ROWS // BATCH_SIZE // 2
    assert not Application.objects.exists()  # …and every batch is undone
    assert AuditEvent.objects.count() == events
