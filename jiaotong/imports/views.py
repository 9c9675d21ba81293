"""The data import page (数据导入): upload → background dry run (试导入) →
确认导入 → background import, each followed on the import job's page.

The request only checks the upload (type, size, content) and stores it; every
row is read, checked and written by the job's Celery task
(jiaotong.imports.jobs), never in the web request.  A job belongs to the person
who started it: anyone else gets a 404.
"""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiaotong.imports.framework import MAX_COLUMNS, MAX_ROWS, kinds
from jiaotong.imports.jobs import (
    MAX_ERRORS_KEPT,
    import_job_confirm,
    import_job_start,
)
from jiaotong.imports.tasks import import_job_task
from jiaotong.imports.uploads import MAX_UPLOAD_BYTES, check_upload, upload_extension
from jiaotong.jobs.models import ImportJob
from jiaotong.web import permission_required

RECENT_JOBS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型")
    file = forms.FileField(
        label="Excel 工作簿（.xlsx）",
        help_text=(
            f"第1行为列名，数据从第2行开始；文件不超过 {MAX_UPLOAD_BYTES // 2**20} MB，"
            f"最多 {MAX_ROWS} 行数据、{MAX_COLUMNS} 列。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, f"{importer.label}（{kind}）") for kind, importer in kinds().items()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload_extension(upload) != "xlsx":
            raise ValidationError(
                "只能上传 .xlsx 格式的 Excel 工作簿（不支持 .xls、.csv 等格式）。"
            )
        try:
            check_upload(upload, allowed={"xlsx"}, max_bytes=MAX_UPLOAD_BYTES)
        except ValidationError as error:
            if "不符" not in error.messages[0]:
                raise
            raise ValidationError(
                "文件内容不是 .xlsx 工作簿（可能只是改了扩展名），"
                "请在 Excel 中“另存为 .xlsx”后再上传。"
            ) from None
        return upload


def _kind_help() -> list[dict]:
    return [
        {
            "kind": kind,
            "label": importer.label,
            "key": importer.key,
            "columns": importer.columns,
        }
        for kind, importer in kinds().items()
    ]


@permission_required("jiaotong.import_data")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_start(
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            by=request.user,
            task=import_job_task,
            request=request,
        )
        return redirect("import_job", pk=job.pk)
    context = {
        "form": form,
        "kinds": _kind_help(),
        "recent_jobs": ImportJob.objects.visible_to(request.user)[:RECENT_JOBS],
    }
    return render(request, "imports/import_upload.html", context)


def _job_state(job: ImportJob) -> dict:
    done = job.status == ImportJob.Status.DONE
    failed = job.status == ImportJob.Status.FAILED
    error_count = job.result.get("error_count", 0)
    return {
        "is_done": done,
        "is_failed": failed,
        "is_finished": done or failed,
        "ok": done and not error_count,
        "error_count": error_count,
        "errors_hidden": max(0, error_count - MAX_ERRORS_KEPT),
    }


@permission_required("jiaotong.import_data")
@require_GET
def import_job(request, pk):
    """The job's page: progress while it runs, then its answer — the dry run's
    counts and 确认导入, every bad row, or the import's counts."""
    job = get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("preview"), pk=pk
    )
    importer = kinds().get(job.kind)
    confirmation = (
        ImportJob.objects.filter(preview=job).first() if job.dry_run else None
    )
    context = {
        "job": job,
        "label": importer.label if importer else job.kind,
        "confirmation": confirmation,
        **_job_state(job),
    }
    return render(request, "imports/import_job.html", context)


@permission_required("jiaotong.import_data")
@require_GET
def import_job_progress(request, pk):
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "finished": _job_state(job)["is_finished"],
        }
    )


@permission_required("jiaotong.import_data")
@require_POST
def import_confirm(request):
    try:
        preview_id = int(request.POST.get("job", ""))
    except ValueError:
        preview_id = 0
    job = import_job_confirm(
        preview_id=preview_id, by=request.user, task=import_job_task, request=request
    )
    if job is None:
        messages.error(request, "没有待确认的导入，或预览已失效，请重新上传文件。")
        return redirect("import_upload")
    return redirect("import_job", pk=job.pk)


@permission_required("jiaotong.import_data")
@require_GET
def import_template(request, kind):
    """An empty workbook with the kind's header row (required columns in bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    importer = kinds().get(kind)
    if importer is None:
        raise Http404("没有这种导入类型。")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.label[:31]
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(
            12, 2 * len(column.header) + 4
        )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
