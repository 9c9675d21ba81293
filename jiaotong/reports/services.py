"""The service behind the year-end workbook page: queue the build as an export job."""

from django.db import transaction

from jiaotong.accounts.models import OrgUnit
from jiaotong.jobs.models import ExportJob
from jiaotong.jobs.services import export_job_create, export_job_enqueue
from jiaotong.reports.builder import (
    YEAR_REPORT_KIND,
    year_report_filename,
    year_report_title,
)
from jiaotong.reports.tasks import export_year_report_task


@transaction.atomic
def year_report_start(*, year: int, org: OrgUnit | None, by, request=None) -> ExportJob:
    """Queue the workbook for ``year`` as an ExportJob of ``by`` (audited as an
    export); the Celery task is sent only once the job row is committed."""
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
