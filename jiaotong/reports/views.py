"""Background exports the user follows: the year-end workbook request page, a
job's progress page and JSON, and the download.  A job is visible to the person
who requested it only (ExportJob.objects.visible_to); any other job is a 404."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jiaotong.accounts.models import OrgUnit
from jiaotong.audit.services import audit_record
from jiaotong.dashboard.selectors import default_year
from jiaotong.jobs.models import ExportJob
from jiaotong.reports.services import year_report_start
from jiaotong.web import permission_required

RECENT_JOBS = 10


class YearReportForm(forms.Form):
    """Which year, and optionally which unit (with its sub-units)."""

    year = forms.IntegerField(label="统计年度", min_value=2000)
    org = forms.ModelChoiceField(
        label="统计单位",
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN).order_by("path"),
        required=False,
        empty_label="全局（全部单位）",
        to_field_name="code",
        help_text="选择某一单位时，只统计该单位及其下级单位。",
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError("统计年度不能晚于本年度。")
        return year


@permission_required("jiaotong.export_report")
@require_http_methods(["GET", "POST"])
def year_report_request(request):
    initial = {"year": default_year()}  # the latest year with records
    form = YearReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = year_report_start(
            year=form.cleaned_data["year"],
            org=form.cleaned_data["org"],
            by=request.user,
            request=request,
        )
        # No flash message: the job page itself says 排队中/生成中/已生成.
        return redirect("job_detail", pk=job.pk)
    recent = ExportJob.objects.visible_to(request.user)[:RECENT_JOBS]
    return render(
        request,
        "jobs/year_report_request.html",
        {"form": form, "recent_jobs": recent},
    )


@require_GET
def job_detail(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    return render(request, "jobs/job_detail.html", {"job": job, **_state(job)})


@require_GET
def job_progress(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    state = _state(job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "finished": state["is_finished"],
            "download_url": (
                reverse("job_download", args=[job.pk]) if state["is_done"] else None
            ),
            "error": job.error,
        }
    )


@require_GET
def job_download(request, pk):
    job = get_object_or_404(
        ExportJob.objects.visible_to(request.user),
        pk=pk,
        status=ExportJob.Status.DONE,
    )
    if not job.file:
        raise Http404("文件不存在。")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在或已被清理。") from exc
    audit_record(
        by=request.user,
        action="export_download",
        obj=job,
        reason=job.params.get("title", ""),
        request=request,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.params.get("filename") or job.file.name.rsplit("/", 1)[-1],
    )


def _state(job: ExportJob) -> dict:
    done = job.status == ExportJob.Status.DONE
    failed = job.status == ExportJob.Status.FAILED
    return {"is_done": done, "is_failed": failed, "is_finished": done or failed}
