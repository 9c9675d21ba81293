"""Supervision pages: tasks (draw, progress, verify, publish), inspection
records, and the public item list and results page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiaotong.web import add_service_errors, permission_required

from . import selectors, services
from .forms import RecordForm, TaskForm, TaskRecordForm
from .models import InspectionRecord, SpotCheckTask

PAGE = 30


def _message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@require_GET
@permission_required("supervision.view_spotchecktask")
def task_list(request):
    page = Paginator(selectors.task_list(request.user), PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "supervision/task_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@permission_required("supervision.add_spotchecktask")
def task_create(request):
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "items"}
        try:
            task = services.task_create(
                values=values, items=form.cleaned_data["items"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建抽查任务 {task}。")
            return redirect(task)
    return render(request, "supervision/task_form.html", {"form": form})


def _task(request, pk) -> SpotCheckTask:
    return get_object_or_404(SpotCheckTask.objects.visible_to(request.user), pk=pk)


@require_GET
@permission_required("supervision.view_spotchecktask")
def task_detail(request, pk):
    task = _task(request, pk)
    draw = task.current_draw
    picks = selectors.task_picks(draw)
    entered = set(task.records.values_list("enterprise_id", flat=True))
    form = None
    if draw and request.user.has_perm("supervision.add_inspectionrecord"):
        form = TaskRecordForm(enterprises=task_enterprises(draw))
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "draw": draw,
            "picks": picks,
            "entered": entered,
            "old_draws": task.draws.filter(superseded_by__isnull=False),
            "records": task.records.select_related("enterprise"),
            "form": form,
            "can_draw": request.user.has_perm("supervision.draw_spotchecktask"),
            "proposals": (
                selectors.directed_proposals(task, timezone.localdate())
                if task.status == SpotCheckTask.Status.DRAFT
                else []
            ),
        },
    )


def task_enterprises(draw):
    from jiaotong.models import Enterprise

    return Enterprise.objects.filter(pk__in=draw.picks.values("enterprise_id"))


@require_POST
@permission_required("supervision.draw_spotchecktask")
def task_draw(request, pk):
    task = _task(request, pk)
    try:
        services.task_draw_request(
            task=task, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "已提交随机抽取，正在后台计算。")
    return redirect(task)


@require_POST
@permission_required("supervision.add_directedpick")
def task_directed(request, pk):
    """A leader approves a 定向 proposal (or names another enterprise)."""
    from jiaotong.models import Enterprise

    task = _task(request, pk)
    enterprise = get_object_or_404(Enterprise, pk=request.POST.get("enterprise"))
    try:
        services.directed_add(
            task=task,
            enterprise=enterprise,
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"已将{enterprise}列为定向检查对象。")
    return redirect(task)


@require_GET
@permission_required("supervision.view_spotchecktask")
def task_progress(request, pk):
    from django.http import JsonResponse

    task = _task(request, pk)
    return JsonResponse(
        {
            "status": task.status,
            "label": task.get_status_display(),
            "progress": task.progress,
        }
    )


@require_GET
@permission_required("supervision.view_spotchecktask")
def draw_verify(request, pk):
    task = _task(request, pk)
    draws = list(task.draws.all())
    results = [(d, *services.draw_verify(d)) for d in draws]
    return render(
        request, "supervision/draw_verify.html", {"task": task, "results": results}
    )


@require_POST
@permission_required("supervision.change_spotchecktask")
def task_publish(request, pk):
    task = _task(request, pk)
    try:
        services.task_publish(task=task, by=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "检查结果已公示。")
    return redirect(task)


@require_POST
@permission_required("supervision.add_inspectionrecord")
def task_record(request, pk):
    task = _task(request, pk)
    draw = task.current_draw
    if draw is None:
        messages.error(request, "任务尚未抽取。")
        return redirect(task)
    form = TaskRecordForm(request.POST, enterprises=task_enterprises(draw))
    if form.is_valid():
        data = form.cleaned_data
        pick = draw.picks.filter(enterprise=data["enterprise"]).first()
        kind = (
            InspectionRecord.Kind.DIRECTED
            if pick and pick.mode == "directed"
            else InspectionRecord.Kind.RANDOM
        )
        try:
            services.record_create(**{**data, "kind": kind}, task=task, by=request.user)
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, f"已录入 {data['enterprise']} 的检查结果。")
    else:
        messages.error(
            request, "；".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect(task)


@require_GET
@permission_required("supervision.view_inspectionrecord")
def record_list(request):
    page = Paginator(selectors.record_list(request.user), PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "supervision/record_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@permission_required("supervision.add_inspectionrecord")
def record_create(request):
    form = RecordForm(request.POST or None, initial={"kind": "routine"})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已录入检查记录 {record}。")
            return redirect("supervision:record_list")
    return render(request, "supervision/record_form.html", {"form": form})


@require_POST
@permission_required("supervision.view_inspectionrecord")
def record_export(request):
    """Queue the 互联网+监管 file of a year; the job page shows its progress."""
    from .exports import records_export_start

    try:
        year = int(request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    job = records_export_start(by=request.user, year=year, request=request)
    messages.success(request, "已提交后台生成，完成后可在本页下载。")
    return redirect("job_detail", pk=job.pk)


@require_GET
@login_not_required
def public_items(request):
    return render(
        request, "supervision/public_items.html", {"items": selectors.public_items()}
    )


@require_GET
@login_not_required
def public_results(request):
    page = Paginator(selectors.public_results(), PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/public_results.html", {"page_obj": page})
