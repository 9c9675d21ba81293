"""The year-end workbook (年度指标汇总): every registered indicator, then the
records behind the figures.

The first worksheet, ``指标汇总``, holds one row per indicator in catalog order
under ``指标代码 | 指标 | 数值 | 单位 | 口径说明`` (spec/indicators.md).  Further
worksheets come from the ``report_sheets(year, org)`` hook of each indicators
module (see jiaotong.metrics.registry), in INSTALLED_APPS order.

openpyxl write-only mode keeps memory flat however many rows the hooks stream
(QUALITY.md).  Text is always written as text: a value such as ``=HYPERLINK(..)``
from a record never becomes a live formula.  The management command and the
Celery task both call ``write_year_report``; ``year_report_start`` is the
service behind the web page that queues the background build.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from jiaotong.jobs.services import export_job_create, export_job_enqueue
from jiaotong.metrics.registry import LOCAL_TZ, indicator_modules, registered
from jiaotong.models import ExportJob, OrgUnit
from jiaotong.validators import mask_personal_numbers

SUMMARY_TITLE = "指标汇总"
SUMMARY_HEADERS = ["指标代码", "指标", "数值", "单位", "口径说明"]
YEAR_REPORT_KIND = "year_report"

Progress = Callable[[int], None]
Sheet = tuple[str, list[str], Iterable[tuple]]

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_year_report(
    year: int, org, path_or_stream, progress: Progress | None = None
) -> None:
    """Write the workbook for ``year`` (``org`` and its sub-units, None = the whole
    bureau) to a path or a binary stream.  ``progress(percent)`` is called as
    indicators and sheets are done (0..100)."""
    report = progress or (lambda percent: None)
    indicators = registered()
    sheets = list(_record_sheets(year, org))
    steps = max(1, len(indicators) + len(sheets))
    done = 0

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY_TITLE)
    summary.append(_header_row(summary, SUMMARY_HEADERS))
    for ind in indicators:
        value = ind.compute(year, org)
        summary.append(
            [
                _cell(summary, ind.code),
                _cell(summary, ind.label),
                _cell(summary, value),
                _cell(summary, ind.unit),
                _cell(summary, ind.definition),
            ]
        )
        done += 1
        report(done * 100 // steps)

    used_titles = {SUMMARY_TITLE}
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(_unique_title(title, used_titles))
        sheet.append(_header_row(sheet, headers))
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
        done += 1
        report(done * 100 // steps)

    workbook.save(path_or_stream)


@transaction.atomic
def year_report_start(*, year: int, org: OrgUnit | None, by, request=None) -> ExportJob:
    """Queue the workbook for ``year`` as an ExportJob of ``by`` (audited as an
    export); the Celery task is sent only once the job row is committed."""
    from jiaotong.reports.tasks import (
        export_year_report_task,  # the task imports this module
    )

    job = export_job_create(
        kind=YEAR_REPORT_KIND,
        params={"year": year, "org": org.code if org else None},
        title=year_report_title(year, org),
        filename=year_report_filename(year, org),
        by=by,
        request=request,
    )
    export_job_enqueue(job, export_year_report_task)
    return job


def build_year_report(job: ExportJob, stream, progress: Progress) -> None:
    """The ExportJob builder for YEAR_REPORT_KIND (see jiaotong.jobs.services)."""
    org_code = job.params.get("org")
    org = OrgUnit.objects.get(code=org_code) if org_code else None
    write_year_report(int(job.params["year"]), org, stream, progress=progress)


def year_report_title(year: int, org) -> str:
    return f"{year}年度指标汇总（{org.name if org else '全局'}）"


def year_report_filename(year: int, org) -> str:
    return f"{year}年度指标汇总_{org.code if org else '全局'}.xlsx"


def _record_sheets(year: int, org) -> Iterable[Sheet]:
    for module in indicator_modules():
        hook = getattr(module, "report_sheets", None)
        if hook is not None:
            yield from hook(year, org)


def _header_row(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = _cell(sheet, header)
        cell.font = bold
        cells.append(cell)
    return cells


def _cell(sheet, value) -> WriteOnlyCell:
    """One cell: numbers as numbers, text always as text, never a formula."""
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, Decimal):
        # Rates are Decimal('88.7'): a number cell holding 88.7.
        value = float(value)
    elif isinstance(value, dt.datetime):
        # Excel has no time zones: write the local (Asia/Shanghai) wall time.
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    elif value is not None and not isinstance(value, int | float | dt.date):
        value = str(value)
    if isinstance(value, str):
        # PIPL: ID and mobile numbers typed into free text are masked in exports.
        value = mask_personal_numbers(ILLEGAL_CHARACTERS_RE.sub("", value))
        cell = WriteOnlyCell(sheet, value=value)
        # openpyxl makes any text starting with "=" a formula; force plain text.
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)


def _unique_title(title: str, used: set[str]) -> str:
    """Excel sheet titles: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    candidate = base[:31]
    n = 2
    while candidate in used:
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate
