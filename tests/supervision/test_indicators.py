"""inspections.* and supervision.* from records worked out by hand, through
the indicator registry."""

import datetime as dt

import pytest
from django.utils import timezone

from jiaotong.dates import at_local
from jiaotong.metrics.registry import compute
from jiaotong.models import CreditGradeChange
from jiaotong.registry.services import enterprise_change_grade
from supervision import services

pytestmark = pytest.mark.django_db
Y = timezone.localdate().year


def test_figures_from_two_tasks(task, officers, supervisor, item, register):
    draw = services.task_draw(task=task, by=supervisor)  # 8 firms drawn
    picks = list(draw.picks.prefetch_related("inspectors"))
    day = draw.drawn_on
    for n, pick in enumerate(picks[:4]):
        services.record_create(
            enterprise=pick.enterprise,
            task=task,
            kind="random",
            inspected_on=day,
            inspectors=pick.inspectors.all(),
            result="none" if n else "rectify",
            rectification="整改" if not n else "",
            by=supervisor,
        )
    services.task_publish(task=task, by=supervisor)  # today: within 20 WD
    services.record_create(
        enterprise=register[-1],
        kind="routine",
        inspected_on=day,
        inspectors=officers[:2],
        result="none",
        by=supervisor,
    )
    cancelled = services.task_create(
        values={"name": "取消", "window_start": day, "window_end": day},
        items=[item],
        by=supervisor,
    )
    services.task_draw(task=cancelled, by=supervisor)
    services.task_cancel(task=cancelled, reason="计划调整", by=supervisor)

    assert compute("inspections.tasks", Y) == 1
    assert compute("inspections.enterprises", Y) == 8
    assert compute("inspections.problem_rate", Y) == 25  # 1 of 4
    assert compute("inspections.published_on_time", Y) == 100
    assert compute("supervision.records", Y) == 5
    assert compute("inspections.tasks", Y - 1) == 0


def test_late_publication_counts_against_on_time(task, officers, supervisor):
    draw = services.task_draw(task=task, by=supervisor)
    pick = draw.picks.first()
    day = draw.drawn_on - dt.timedelta(days=60)
    record = services.record_create(
        enterprise=pick.enterprise,
        task=task,
        kind="random",
        inspected_on=day,
        inspectors=pick.inspectors.all(),
        result="none",
        by=supervisor,
    )
    services.record_publish(
        record=record, by=supervisor, at=at_local(day + dt.timedelta(days=50))
    )
    assert compute("inspections.published_on_time", day.year) == 0


def test_credit_downgrades_count_penalty_downgrades_only(register, supervisor):
    today = timezone.localdate()
    a, b = register[0], register[1]
    enterprise_change_grade(
        enterprise=a,
        to_grade="B",
        changed_on=today,
        cause=CreditGradeChange.Cause.PENALTIES,
        by=supervisor,
    )
    enterprise_change_grade(
        enterprise=b,
        to_grade="C",
        changed_on=today,
        cause=CreditGradeChange.Cause.MANUAL,
        by=supervisor,
    )
    assert compute("supervision.credit_downgrades", today.year) == 1
