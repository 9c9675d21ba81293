"""Imports as background jobs, streamed and bounded (issues 12 and 14): the
workbook limits, the bulk writes of `applications` with their audit events,
all-or-nothing when the database refuses a late row, and the job service."""

import datetime as dt
import re
import threading
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from jiaotong.audit.services import audit_verify_chain
from jiaotong.imports import framework
from jiaotong.imports.framework import BATCH_SIZE, PROGRESS_EVERY, run_import
from jiaotong.imports.jobs import (
    MESSAGE_FILE_GONE,
    MESSAGE_INTERRUPTED,
    import_job_run,
    import_job_start,
    upload_path,
)
from jiaotong.imports.tasks import import_job_task
from jiaotong.jobs.models import ImportJob
from jiaotong.models import AuditEvent, Matter
from licensing.models import Application
from tests.factories import make_matter, resident_id
from tests.fixtures.workbooks import matter_row, workbook_bytes

pytestmark = pytest.mark.django_db

APPLICATION_HEADERS = [
    "办件编号",
    "事项编码",
    "申请人",
    "申请人类型",
    "证件号码",
    "联系电话",
    "办理渠道",
    "收件时间",
    "受理结果",
    "办结时间",
    "办理结果",
    "告知承诺",
    "评价",
]
PEOPLE = [resident_id(f"41142219900101{n:03d}") for n in range(1, 40)]


def applications_workbook(path: Path, rows: int, *, applicant="王五") -> Path:
    """``rows`` valid window applications of matter XK001 in 2023, numbered
    A0000001…, streamed to disk (openpyxl write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("窗口办件")
    sheet.append(APPLICATION_HEADERS)
    start = dt.datetime(2023, 1, 2, 9, 0)
    for n in range(1, rows + 1):
        received = start + dt.timedelta(days=n % 360, minutes=n % 480)
        sheet.append(
            [
                f"A{n:07d}",
                "XK001",
                applicant,
                "自然人",
                PEOPLE[n % len(PEOPLE)],
                "13800000000",
                "窗口",
                received,
                "受理",
                received + dt.timedelta(days=2),
                "准予",
                "否",
                "满意",
            ]
        )
    book.save(path)
    return path


@pytest.fixture
def window_matter(org):
    return make_matter(
        "XK001",
        power_type="行政许可",
        promised_limit_days=5,
        statutory_limit_days=20,
        unit=org["window"],
    )


def refuse_insert_of(number: str) -> None:
    """A PostgreSQL trigger that refuses to store the application ``number``:
    the database itself fails the write of that row (as a constraint, a full
    disk or a lost connection would), after every check has passed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION jt_test_refuse_row() RETURNS trigger AS $$
            BEGIN
                IF NEW.number = %s THEN
                    RAISE EXCEPTION 'refused row %%', NEW.number;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            [number],
        )
        cursor.execute(
            "CREATE TRIGGER refuse_row BEFORE INSERT ON licensing_application "
            "FOR EACH ROW EXECUTE FUNCTION jt_test_refuse_row()"
        )


def forge_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with ``<dimension ref=ref/>`` in its first worksheet."""
    source, target = BytesIO(data), BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{ref}"/>'.encode(),
                    content,
                )
                assert count == 1
            new.writestr(item, content)
    return target.getvalue()


def add_cells(data: bytes, cells_xml: str) -> bytes:
    """The same workbook with raw ``<row>`` elements appended to sheet 1."""
    source, target = BytesIO(data), BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>", cells_xml.encode() + b"</sheetData>"
                )
            new.writestr(item, content)
    return target.getvalue()


# --- Workbook limits (issue 12 item 5) ---------------------------------------------


def test_a_forged_dimension_is_not_materialised(tmp_path):
    # Issue 12: "A sheet declaring A1:XFD20000 costs 2.7 GB and 24 s".
    data = workbook_bytes([matter_row("JT-1"), matter_row("JT-2")])
    path = tmp_path / "forged.xlsx"
    path.write_bytes(forge_dimension(data, "A1:XFD20000"))
    run_import("matters", BytesIO(data), by=None, dry_run=True)  # modules loaded

    tracemalloc.start()
    try:
        result = run_import("matters", path, by=None, dry_run=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.ok, result.errors
    assert result.created == 2
    assert peak < 10 * 2**20, f"peak {peak / 2**20:.0f} MiB"  # not 2.7 GB


def test_a_row_far_below_the_cap_is_refused_at_once(tmp_path):
    # A single cell in the sheet's last row must not make the reader walk (or
    # pad) a million empty rows, nor be imported.
    data = workbook_bytes([matter_row("JT-1")])
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = tmp_path / "far.xlsx"
    path.write_bytes(add_cells(data, far))

    result = run_import("matters", path, by=None)

    assert [str(e) for e in result.errors] == [
        "第1行 文件: 数据行超过上限：每个工作簿最多 200000 行数据"
        "（第2行至第200001行），请拆分为多个工作簿后分别导入"
    ]
    assert not Matter.objects.exists()


def test_a_cell_beyond_the_column_cap_refuses_the_workbook(tmp_path):
    data = workbook_bytes([matter_row("JT-1")])
    wide = '<row r="3"><c r="BM3" t="inlineStr"><is><t>x</t></is></c></row>'  # 65th
    path = tmp_path / "wide.xlsx"
    path.write_bytes(add_cells(data, wide))

    result = run_import("matters", path, by=None)

    assert [str(e) for e in result.errors] == [
        "第1行 文件: 第3行有内容的列超过上限：最多 64 列，请删除多余的列后再导入"
    ]
    assert not Matter.objects.exists()


def test_a_row_of_endless_empty_cells_is_refused_while_it_is_read(tmp_path):
    # Empty cells are not columns "with content", but a row of millions of them
    # would be held in memory whole: the reader stops at Excel's 16,384.
    data = workbook_bytes([matter_row("JT-1")])
    endless = '<row r="3">' + "<c/>" * 20_000 + "</row>"
    path = tmp_path / "endless.xlsx"
    path.write_bytes(add_cells(data, endless))

    result = run_import("matters", path, by=None)

    assert [str(e) for e in result.errors] == [
        "第1行 文件: 第3行有内容的列超过上限：最多 64 列，请删除多余的列后再导入"
    ]


def test_shared_strings_beyond_the_text_cap_are_refused(tmp_path, monkeypatch):
    import xlsxwriter

    from jiaotong.imports import xlsx

    monkeypatch.setattr(xlsx, "MAX_SHARED_TEXT", 1000)
    path = tmp_path / "shared.xlsx"
    book = xlsxwriter.Workbook(str(path))  # strings go to the shared table
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["事项编码", "事项名称", "权力类型"])
    for n in range(1, 40):
        sheet.write_row(n, 0, [f"JT-{n}", f"道路运输经营许可{n:02d}" * 3, "行政许可"])
    book.close()

    result = run_import("matters", path, by=None)

    assert [str(e) for e in result.errors] == [
        "第1行 文件: 工作簿中的文字超过上限（共享字符串超过 1000 个字符），"
        "请拆分为多个工作簿后分别导入"
    ]
    monkeypatch.setattr(xlsx, "MAX_SHARED_TEXT", 10_000)
    assert run_import("matters", path, by=None).created == 39


def test_rows_beyond_the_cap_are_refused_before_any_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(framework, "MAX_ROWS", 50)
    rows = [matter_row(f"JT-{n}") for n in range(1, 51)]
    rows += [matter_row(f"JT-{n}", 权力类型="审批") for n in range(51, 61)]
    path = tmp_path / "long.xlsx"
    path.write_bytes(workbook_bytes(rows))

    result = run_import("matters", path, by=None)

    assert [str(e) for e in result.errors] == [
        "第1行 文件: 数据行超过上限：每个工作簿最多 50 行数据"
        "（第2行至第51行），请拆分为多个工作簿后分别导入"
    ]
    assert not Matter.objects.exists()
    path.write_bytes(workbook_bytes(rows[:50]))  # exactly at the cap: imported
    assert run_import("matters", path, by=None).created == 50


# --- Bulk writes (issue 14 item 4) -----------------------------------------------


def test_a_bulk_import_leaves_one_event_per_record_and_a_valid_chain(
    tmp_path, window_matter, sysadmin
):
    rows = 2 * BATCH_SIZE + 500
    path = applications_workbook(tmp_path / "a.xlsx", rows)
    before = AuditEvent.objects.count()

    dry = run_import("applications", path, by=sysadmin, dry_run=True)
    result = run_import("applications", path, by=sysadmin, source_name="a.xlsx")

    assert (dry.created, dry.updated, dry.unchanged) == (rows, 0, 0)
    assert (result.created, result.updated, result.unchanged) == (rows, 0, 0)
    assert Application.objects.count() == rows
    first = Application.objects.get(number="A0000001")
    assert first.status == Application.Status.CLOSED
    assert first.unit == window_matter.unit
    assert first.due_date is not None and first.statutory_due_date is not None
    events = AuditEvent.objects.order_by("id")[before:]
    assert [e.action for e in events] == ["application_import"] * rows + ["import"]
    assert events[0].object_id == str(first.pk) and events[0].actor == sysadmin
    assert events[rows].changes == {"created": rows, "updated": 0, "unchanged": 0}
    assert audit_verify_chain().ok

    # Again with another applicant name: every record updated, one event each.
    path = applications_workbook(tmp_path / "b.xlsx", rows, applicant="赵六")
    again = run_import("applications", path, by=sysadmin)

    assert (again.created, again.updated, again.unchanged) == (0, rows, 0)
    assert Application.objects.filter(applicant_name="赵六").count() == rows
    updates = AuditEvent.objects.filter(
        action="application_import", from_state="closed"
    )
    assert updates.count() == rows
    assert updates.first().changes == {"fields": ["applicant_name"]}
    assert audit_verify_chain().ok
    assert run_import("applications", path, by=sysadmin).unchanged == rows


def test_a_bulk_import_asks_the_database_per_batch_not_per_row(
    tmp_path, window_matter, django_assert_max_num_queries
):
    rows = 3 * BATCH_SIZE
    path = applications_workbook(tmp_path / "a.xlsx", rows)
    run_import("applications", applications_workbook(tmp_path / "w.xlsx", 1), by=None)

    # The matters once, each batch: find, store, read back the ids (plus its
    # savepoint); the working-day calendar once per date; the audit trail once.
    with django_assert_max_num_queries(40 + 3 * 366):
        result = run_import("applications", path, by=None)

    assert result.created == rows - 1 and result.unchanged == 1


def test_tickets_are_written_in_bulk_too(tmp_path, db, django_assert_max_num_queries):
    from hotline.models import Ticket
    from hotline.services.tickets import compute_due_date

    rows = 2 * BATCH_SIZE + 1
    book = Workbook(write_only=True)
    sheet = book.create_sheet("热线工单")
    sheet.append(
        ["工单编号", "热线来源", "来电时间", "诉求类型", "业务类别", "诉求内容"]
    )
    start = dt.datetime(2023, 3, 1, 8, 0)
    for n in range(1, rows + 1):
        called = start + dt.timedelta(hours=7 * n)
        sheet.append([f"T{n:06d}", "12345", called, "咨询", "出租汽车", "询问"])
    book.save(tmp_path / "t.xlsx")

    with django_assert_max_num_queries(40 + 3 * 366):
        result = run_import("tickets", tmp_path / "t.xlsx", by=None)

    assert result.created == rows
    ticket = Ticket.objects.get(ticket_no=f"T{rows:06d}")
    assert ticket.status == "received"
    assert ticket.due_date == compute_due_date(ticket.received_at, "12345", "咨询")
    assert AuditEvent.objects.filter(action="ticket_import").count() == rows
    assert audit_verify_chain().ok


def test_deadlines_of_the_bulk_path_follow_the_working_day_calendar(
    tmp_path, window_matter
):
    from licensing.services import limit_date

    path = applications_workbook(tmp_path / "a.xlsx", 400)

    run_import("applications", path, by=None)

    for application in Application.objects.all():
        received = timezone.localdate(application.received_at)
        assert application.promised_due_date == limit_date(received, 5, 0)
        assert application.statutory_due_date == limit_date(received, 20, 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the refusing trigger is PostgreSQL's"
)
def test_a_row_the_database_refuses_late_leaves_nothing_behind(
    tmp_path, window_matter, sysadmin
):
    rows = 2 * BATCH_SIZE + 10
    path = applications_workbook(tmp_path / "a.xlsx", rows)
    refuse_insert_of(f"A{rows:07d}")
    events = AuditEvent.objects.count()

    result = run_import("applications", path, by=sysadmin)

    [error] = result.errors
    assert (error.row, error.column) == (rows + 1, "办件编号")
    assert error.reason.startswith("数据库拒绝写入")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not Application.objects.exists()  # the batches written before, undone
    assert AuditEvent.objects.count() == events


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lock_timeout is PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_stays_writable_while_an_import_writes(
    tmp_path, window_matter, sysadmin
):
    """Others (a clerk's action, a login) append audit events while a long import
    writes its batches: the chain lock is taken only for the import's final
    append, not from its first row to its commit."""
    from jiaotong.audit.services import audit_record

    path = applications_workbook(tmp_path / "a.xlsx", 2 * PROGRESS_EVERY)
    outcome = []

    def meanwhile():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                audit_record(action="meanwhile", reason="另一操作")
            outcome.append("written")
        except OperationalError as exc:  # the lock was not granted in time
            outcome.append(str(exc))
        finally:
            connection.close()

    def progress(percent):
        if percent > 50 and not outcome:  # writing: batches stored, not committed
            thread = threading.Thread(target=meanwhile)
            thread.start()
            thread.join()

    result = run_import("applications", path, by=sysadmin, progress=progress)

    assert outcome == ["written"]
    assert result.created == 2 * PROGRESS_EVERY
    assert AuditEvent.objects.filter(action="meanwhile").count() == 1
    assert audit_verify_chain().ok


def test_progress_is_reported_every_few_thousand_rows_not_per_row(
    tmp_path, window_matter
):
    rows = 3 * PROGRESS_EVERY
    path = applications_workbook(tmp_path / "a.xlsx", rows)
    seen = []

    result = run_import("applications", path, by=None, progress=seen.append)

    assert result.created == rows
    assert seen == sorted(seen) and 0 < len(seen) <= 3 * (rows // PROGRESS_EVERY)
    assert all(0 <= percent <= 99 for percent in seen)
    assert seen[-1] >= 90


# --- The job service ----------------------------------------------------------------


def _upload(rows, name="m.xlsx"):
    return SimpleUploadedFile(name, workbook_bytes(rows))


def test_a_job_runs_the_dry_run_and_keeps_the_file_for_the_confirmation(
    sysadmin, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(
            kind="matters",
            upload=_upload([matter_row("JT-1")]),
            by=sysadmin,
            task=import_job_task,
        )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.progress == 100
    assert job.result == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "error_count": 0,
        "errors": [],
    }
    assert upload_path(job.token).exists()
    assert not Matter.objects.exists()


def test_a_workbook_over_the_limits_fails_its_dry_run_with_the_reason(
    sysadmin, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = forge_dimension(workbook_bytes([matter_row("JT-1")]), "A1:XFD20000")
    data = add_cells(data, '<row r="5"><c r="CA5"><v>1</v></c></row>')
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(
            kind="matters",
            upload=SimpleUploadedFile("w.xlsx", data),
            by=sysadmin,
            task=import_job_task,
        )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.result["errors"] == [
        "第1行 文件: 第5行有内容的列超过上限：最多 64 列，请删除多余的列后再导入"
    ]
    assert not upload_path(job.token).exists()


def test_a_redelivered_job_is_marked_interrupted_and_its_file_deleted(
    sysadmin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = upload_path("c" * 32)
    path.parent.mkdir(parents=True)
    path.write_bytes(workbook_bytes([matter_row("JT-1")]))
    job = ImportJob.objects.create(
        kind="matters",
        token="c" * 32,
        status=ImportJob.Status.RUNNING,
        requested_by=sysadmin,
    )

    assert import_job_run(job.pk, redelivered=True) is None

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == MESSAGE_INTERRUPTED
    assert not path.exists()
    assert import_job_run(job.pk) is None  # a second delivery does nothing


def test_a_job_whose_file_is_gone_fails_with_a_message(sysadmin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = ImportJob.objects.create(
        kind="matters", token="d" * 32, requested_by=sysadmin
    )

    job = import_job_run(job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert job.error == MESSAGE_FILE_GONE
