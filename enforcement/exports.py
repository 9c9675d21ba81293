"""The publicity batch file (双公示报送): the penalty and licensing decisions to
publish, with the fields of DOMAIN.md §4.8, built in the background as an
ExportJob (openpyxl write-only) with a progress bar. Natural persons' ID
numbers are masked (APL art. 50); text never becomes a formula."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jiaotong.jobs.services import export_job_create, export_job_enqueue
from jiaotong.models import ExportJob
from jiaotong.validators import mask_id_number

from . import selectors
from .models import PartyType, PublicityRecord

PUBLICITY_KIND = "publicity_batch"
PENALTY_HEADERS = [
    "行政处罚决定书文号",
    "处罚名称",
    "处罚类别",
    "处罚事由",
    "处罚依据",
    "行政相对人名称",
    "行政相对人代码",
    "处罚结果",
    "处罚决定日期",
    "处罚机关",
    "公示期限",
    "公示日期",
]
LICENSING_HEADERS = [
    "行政许可决定书文号",
    "项目名称",
    "审批类别",
    "许可内容",
    "行政相对人名称",
    "行政相对人代码",
    "许可决定日期",
    "许可机关",
    "公示期限",
    "公示日期",
]


@transaction.atomic
def publicity_batch_start(*, by, only_pending: bool, request=None) -> ExportJob:
    """Queue the batch file for ``by`` (audited as an export)."""
    from .tasks import publicity_batch_task  # the task imports this module

    title = "双公示报送清单（待公示）" if only_pending else "双公示报送清单（全部）"
    job = export_job_create(
        kind=PUBLICITY_KIND,
        params={"only_pending": only_pending},
        title=title,
        filename=f"{title}.xlsx",
        by=by,
        request=request,
    )
    export_job_enqueue(job, publicity_batch_task)
    return job


def _code(record: PublicityRecord) -> str:
    if record.party_type == PartyType.PERSON:
        return mask_id_number(record.party_code)
    return record.party_code


def _cell(sheet, value) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # "=..." stays text, never a live formula
    return cell


def build_publicity_batch(job: ExportJob, stream, progress) -> None:
    """The ExportJob builder for PUBLICITY_KIND: rows from the requester's
    ``publicity_list`` (the same scope as the screen)."""
    records = selectors.publicity_list(job.requested_by).filter(
        withdrawn_on__isnull=True
    )
    if job.params.get("only_pending"):
        records = records.filter(published_on__isnull=True)
    records = records.select_related("case__matter", "application__matter")
    agency = f"{settings.JIAOTONG_COUNTY_NAME}交通运输局"
    total = records.count() or 1
    book = Workbook(write_only=True)
    sheets = {
        PublicityRecord.Kind.PENALTY: book.create_sheet("行政处罚"),
        PublicityRecord.Kind.LICENSING: book.create_sheet("行政许可"),
    }
    sheets[PublicityRecord.Kind.PENALTY].append(PENALTY_HEADERS)
    sheets[PublicityRecord.Kind.LICENSING].append(LICENSING_HEADERS)
    for done, record in enumerate(records.iterator(chunk_size=1000), start=1):
        sheet = sheets[record.kind]
        if record.kind == PublicityRecord.Kind.PENALTY:
            case = record.case
            row = [
                record.decision_no,
                record.title,
                case.penalty_types,
                case.facts,
                case.legal_basis,
                record.party_name,
                _code(record),
                record.content,
                record.decision_date,
                agency,
                record.due_on,
                record.published_on,
            ]
        else:
            row = [
                record.decision_no,
                record.title,
                "普通",
                record.content,
                record.party_name,
                _code(record),
                record.decision_date,
                agency,
                record.due_on,
                record.published_on,
            ]
        sheet.append([_cell(sheet, value) for value in row])
        if done % 200 == 0:
            progress(done * 100 // total)
    book.save(stream)
