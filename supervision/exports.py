"""The 互联网+监管 batch file: inspection records of a year for the provincial
platform, built in the background as an ExportJob (openpyxl write-only) with a
progress bar. Text never becomes a formula."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jiaotong.jobs.services import export_job_create, export_job_enqueue
from jiaotong.models import ExportJob

from . import selectors

RECORDS_KIND = "supervision_records"
HEADERS = [
    "检查记录编号",
    "检查对象名称",
    "统一社会信用代码",
    "检查类型",
    "抽查任务",
    "检查事项",
    "检查日期",
    "检查人员",
    "检查结果",
    "整改要求",
    "检查机关",
    "公示日期",
]


@transaction.atomic
def records_export_start(*, by, year: int, request=None) -> ExportJob:
    from .tasks import records_export_task  # the task imports this module

    title = f"{year}年监管检查记录（互联网+监管报送）"
    job = export_job_create(
        kind=RECORDS_KIND,
        params={"year": year},
        title=title,
        filename=f"{title}.xlsx",
        by=by,
        request=request,
    )
    export_job_enqueue(job, records_export_task)
    return job


def _cell(sheet, value) -> WriteOnlyCell:
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # "=..." stays text, never a live formula
    return cell


def build_records(job: ExportJob, stream, progress) -> None:
    records = (
        selectors.record_list(job.requested_by)
        .filter(inspected_on__year=job.params["year"])
        .prefetch_related("items")
        .order_by("inspected_on", "id")
    )
    agency = f"{settings.JIAOTONG_COUNTY_NAME}交通运输局"
    total = records.count() or 1
    book = Workbook(write_only=True)
    sheet = book.create_sheet("监管检查记录")
    sheet.append(HEADERS)
    for done, r in enumerate(records, start=1):
        row = [
            r.number,
            r.enterprise.name,
            r.enterprise.credit_code,
            r.get_kind_display(),
            r.task.name if r.task else "",
            "；".join(i.name for i in r.items.all()),
            r.inspected_on,
            "、".join(str(o) for o in r.inspectors.all()),
            r.get_result_display(),
            r.rectification,
            agency,
            r.published_at.date() if r.published_at else None,
        ]
        sheet.append([_cell(sheet, v) for v in row])
        if done % 50 == 0:
            progress(done * 100 // total)
    book.save(stream)
