"""Draw service, verification, records and the credit rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from jiaotong.models import AuditEvent, CreditGradeChange
from supervision import services
from supervision.models import DrawnEnterprise, InspectionRecord, SpotCheckTask
from supervision.tasks import task_draw_task
from tests.factories import make_enterprise

from .conftest import decide_penalty as _decide

pytestmark = pytest.mark.django_db


def test_draw_stores_seed_snapshot_and_teams_and_is_audited(task, officers, supervisor):
    draw = services.task_draw(task=task, by=supervisor)
    assert len(draw.seed) == 32 and len(draw.snapshot_sha256) == 64
    assert draw.algorithm == "v1"
    # only taxi firms are in scope; the quota is ceil(ratio × stratum)
    assert len(draw.snapshot["population"]) == 45
    assert draw.picks.count() == 1 + 1 + 3 + 3
    eligible = {o.pk for o in officers}
    assert draw.snapshot["officers"] == sorted(eligible)  # suspended/expired left out
    for pick in draw.picks.prefetch_related("inspectors"):
        team = {o.pk for o in pick.inspectors.all()}
        assert len(team) >= 2 and team <= eligible
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.DRAWN
    assert AuditEvent.objects.filter(action="spotchecktask_draw").count() == 1
    assert services.draw_verify(draw)[0]


def test_changed_snapshot_fails_verification(task, officers, supervisor):
    draw = services.task_draw(task=task, by=supervisor)
    draw.snapshot["population"].pop()
    draw.save()
    ok, message = services.draw_verify(draw)
    assert not ok and "SHA-256" in message


def test_changed_result_fails_verification(task, officers, supervisor):
    draw = services.task_draw(task=task, by=supervisor)
    pick = draw.picks.first()
    pick.inspectors.set(
        officers[:2] if pick.inspectors.first() != officers[0] else officers[2:4]
    )
    ok, _ = services.draw_verify(draw)
    assert not ok


def test_conflicts_and_last_checkers_are_never_drawn(
    task, officers, supervisor, register
):
    firm = register[0]
    services.conflict_declare(
        officer=officers[0],
        enterprise=firm,
        reason="近亲属任该企业负责人",
        by=supervisor,
    )
    services.record_create(
        enterprise=firm,
        kind="routine",
        inspected_on=timezone.localdate(),
        inspectors=officers[1:3],
        result="none",
        by=supervisor,
    )
    task.ratio_a = 1  # every A firm is drawn, firm included
    task.save()
    draw = services.task_draw(task=task, by=supervisor)
    team = set(draw.picks.get(enterprise=firm).inspectors.all())
    assert team.isdisjoint(officers[:3])
    assert len(team) == 2


def test_redraw_needs_a_reason_and_keeps_the_old_draw(task, officers, supervisor):
    first = services.task_draw(task=task, by=supervisor)
    with pytest.raises(ValidationError, match="重新抽取须填写原因"):
        services.task_draw(task=task, by=supervisor)
    second = services.task_draw(task=task, by=supervisor, reason="检查人员调离")
    first.refresh_from_db()
    assert first.superseded_by == second and first.redraw_reason == "检查人员调离"
    assert task.current_draw == second
    assert AuditEvent.objects.filter(action="spotchecktask_redraw").count() == 1


def test_celery_draw_task_runs_the_requested_draw(task, officers, supervisor):
    services.task_draw_request(task=task, by=supervisor)
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.DRAWING
    draw_id = task_draw_task(task.pk, supervisor.pk)
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.DRAWN and task.progress == 100
    assert task.current_draw.pk == draw_id


def test_draw_with_too_few_inspectors_is_refused(task, supervisor, officer):
    with pytest.raises(ValidationError, match="不足 2 人"):
        services.task_draw(task=task, by=supervisor)


def test_verify_draw_command_exits_0_or_1(task, officers, supervisor):
    draw = services.task_draw(task=task, by=supervisor)
    call_command("verify_draw", task.number)
    draw.snapshot["officers"].reverse()
    draw.save()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_draw", task.number)
    assert exc.value.code == 1


def test_directed_picks_are_labelled_and_not_random(
    task, officers, supervisor, leader, register
):
    school = register[-1]
    services.directed_add(task=task, enterprise=school, reason="投诉较多", by=leader)
    draw = services.task_draw(task=task, by=supervisor)
    pick = draw.picks.get(enterprise=school)
    assert pick.mode == DrawnEnterprise.Mode.DIRECTED
    assert draw.picks.filter(mode="random").count() == 8
    assert services.draw_verify(draw)[0]


def test_record_needs_two_inspectors_and_a_drawn_enterprise(
    task, officers, supervisor, register
):
    draw = services.task_draw(task=task, by=supervisor)
    with pytest.raises(ValidationError, match="不得少于两人"):
        services.record_create(
            enterprise=register[0],
            kind="routine",
            inspected_on=timezone.localdate(),
            inspectors=officers[:1],
            result="none",
            by=supervisor,
        )
    outside = next(e for e in register if not draw.picks.filter(enterprise=e).exists())
    with pytest.raises(ValidationError, match="不在本任务"):
        services.record_create(
            enterprise=outside,
            task=task,
            kind="random",
            inspected_on=timezone.localdate(),
            inspectors=officers[:2],
            result="none",
            by=supervisor,
        )
    pick = draw.picks.first()
    record = services.record_create(
        enterprise=pick.enterprise,
        task=task,
        kind="random",
        inspected_on=timezone.localdate(),
        inspectors=pick.inspectors.all(),
        result="rectify",
        rectification="限期整改车辆安全设施",
        by=supervisor,
    )
    assert record.publish_due > record.inspected_on
    services.task_publish(task=task, by=supervisor)
    record.refresh_from_db()
    assert record.published_at is not None
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.PUBLISHED


# --- credit rule ----------------------------------------------------------------


def test_third_penalty_within_a_year_lowers_the_grade_once(db, supervisor, officers):
    firm = make_enterprise(credit_grade="A")
    today = timezone.localdate()
    _decide(firm, today - dt.timedelta(days=200), supervisor)
    _decide(firm, today - dt.timedelta(days=100), supervisor)
    assert services.apply_penalty_rule(today=today) == 0
    _decide(firm, today - dt.timedelta(days=1), supervisor)
    assert services.apply_penalty_rule(today=today) == 1
    assert services.apply_penalty_rule(today=today) == 0  # once per window
    firm.refresh_from_db()
    assert firm.credit_grade == "B"
    change = CreditGradeChange.objects.get(enterprise=firm)
    assert change.cause == CreditGradeChange.Cause.PENALTIES
    assert AuditEvent.objects.filter(action="enterprise_change_grade").count() == 1
    # a fourth decision in the same stretch does not lower it again
    _decide(firm, today, supervisor)
    assert services.apply_penalty_rule(today=today) == 0
    firm.refresh_from_db()
    assert firm.credit_grade == "B"


def test_downgrade_raises_the_sampling_ratio_in_the_next_draw(
    supervisor, item, officers
):
    firm = make_enterprise(credit_grade="A", industry="道路货物运输")
    for _ in range(19):
        make_enterprise(credit_grade="A", industry="道路货物运输")
    today = timezone.localdate()
    for days in (300, 200, 1):
        _decide(firm, today - dt.timedelta(days=days), supervisor)
    services.apply_penalty_rule(today=today)
    task = services.task_create(
        values={
            "name": "货运",
            "industries": ["道路货物运输"],
            "window_start": today,
            "window_end": today,
        },
        items=[item],
        by=supervisor,
    )
    draw = services.task_draw(task=task, by=supervisor)
    assert [firm.pk, "B"] in draw.snapshot["population"]
    # B stratum of one firm at 10% → ceil(0.1) = 1: the firm is now always drawn
    assert draw.picks.filter(enterprise=firm, grade="B").exists()


def test_records_are_listed_for_the_enterprise(task, officers, supervisor, register):
    services.record_create(
        enterprise=register[0],
        kind="special",
        inspected_on=timezone.localdate(),
        inspectors=officers[:2],
        result="none",
        by=supervisor,
    )
    assert InspectionRecord.objects.filter(enterprise=register[0]).count() == 1


def test_case_result_opens_a_penalty_case_draft_linked_back(
    officers, supervisor, register
):
    from tests.factories import make_matter

    matter = make_matter(name="未按规定维护出租汽车", power_type="行政处罚")
    record = services.record_create(
        enterprise=register[0],
        kind="special",
        inspected_on=timezone.localdate(),
        inspectors=officers[:2],
        result="case",
        findings="车辆安全设施缺失",
        penalty_matter=matter,
        by=supervisor,
    )
    case = record.penalty_case
    assert case.status == "draft" and case.enterprise == register[0]
    assert set(case.officers.all()) == set(officers[:2])
    assert case.facts == "车辆安全设施缺失"


def test_three_overload_penalties_put_the_enterprise_under_key_supervision(
    db, supervisor, officers
):
    firm = make_enterprise(credit_grade="B", industry="道路货物运输")
    today = timezone.localdate()
    for days in (90, 60, 30):
        _decide(firm, today - dt.timedelta(days=days), supervisor, name="货车超限运输")
    services.apply_penalty_rule(today=today)
    firm.refresh_from_db()
    assert firm.key_supervision is True
    assert AuditEvent.objects.filter(
        action__in=["enterprise_update", "enterprise_change_grade"],
        object_id=str(firm.pk),
    ).exists()
