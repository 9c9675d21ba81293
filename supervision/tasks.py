"""Celery tasks for supervision: thin wrappers around services."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from jiaotong.locks import single_run

from .models import SpotCheckTask


@shared_task
def task_draw_task(task_id: int, user_id: int, reason: str = "") -> int | None:
    """Make the draw a user asked for; the task's ``progress`` shows how far it
    got. A refusal (e.g. too few inspectors) puts the task back to its state."""
    from .services import task_draw

    S = SpotCheckTask.Status
    task = SpotCheckTask.objects.filter(pk=task_id, status=S.DRAWING).first()
    if task is None:  # already drawn (redelivery) or cancelled
        return None
    SpotCheckTask.objects.filter(pk=task_id).update(progress=20)
    by = get_user_model().objects.get(pk=user_id)
    try:
        draw = task_draw(task=task, by=by, reason=reason)
    except ValidationError:
        back = S.DRAWN if task.draws.exists() else S.DRAFT
        SpotCheckTask.objects.filter(pk=task_id).update(status=back, progress=0)
        raise
    return draw.pk


@shared_task
@single_run()
def apply_credit_rule_task() -> int:
    """Daily: ≥ 3 penalty decisions within 12 months → grade down one step."""
    from .services import apply_penalty_rule

    return apply_penalty_rule()


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def records_export_task(self, job_id: int) -> None:
    from jiaotong.jobs.services import export_job_run

    from .exports import build_records

    delivery = self.request.delivery_info or {}
    export_job_run(
        job_id, build=build_records, redelivered=bool(delivery.get("redelivered"))
    )
