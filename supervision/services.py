"""Writes of the supervision app: tasks, directed picks, draws (and their
verification), conflicts, inspection records, publicity and the credit rule.
Every write is audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from enforcement.selectors import penalty_decisions, qualified_officer_ids
from enforcement.services import case_create
from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days
from jiaotong.models import CreditGradeChange, Enterprise
from jiaotong.registry.services import enterprise_change_grade, enterprise_upsert

from . import draw as algo
from .models import (
    PUBLISH_WORKING_DAYS,
    CreditDowngradeWindow,
    DirectedPick,
    Draw,
    DrawnEnterprise,
    InspectionRecord,
    InspectorConflict,
    SpotCheckTask,
)

S = SpotCheckTask.Status
PENALTY_THRESHOLD = 3  # ≥ 3 penalty decisions within 12 months → grade down one step
WINDOW_DAYS = 365


def _next_number(prefix: str, model, year: int) -> str:
    start = f"{prefix}{year}-"
    last = model.objects.filter(number__startswith=start).aggregate(m=Max("number"))
    n = int(last["m"].rsplit("-", 1)[1]) + 1 if last["m"] else 1
    return f"{start}{n:03d}"


@transaction.atomic
def task_create(*, values: dict, items, by, number: str = "") -> SpotCheckTask:
    """Create a spot-check task (抽查任务) with its items and sampling rule."""
    task = SpotCheckTask(**values, created_by=by)
    task.number = number or _next_number("CC", SpotCheckTask, task.window_start.year)
    task.full_clean(exclude=["items"])
    task.save()
    task.items.set(items)
    audit_record(by=by, action="spotchecktask_create", obj=task, to_state=task.status)
    return task


@transaction.atomic
def directed_add(*, task: SpotCheckTask, enterprise, reason: str, by) -> DirectedPick:
    """Add an approved 定向 enterprise (the caller holds the approval
    permission: a leader approves the system's proposals)."""
    if task.status != S.DRAFT:
        raise ValidationError("任务已抽取，不能再增加定向检查对象。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写定向原因。"})
    pick, _ = DirectedPick.objects.update_or_create(
        task=task, enterprise=enterprise, defaults={"reason": reason, "approved_by": by}
    )
    audit_record(
        by=by,
        action="spotchecktask_directed",
        obj=task,
        reason=f"{enterprise}：{reason}",
    )
    return pick


@transaction.atomic
def conflict_declare(*, officer, enterprise, reason: str, by) -> InspectorConflict:
    if not reason.strip():
        raise ValidationError({"reason": "请填写回避原因。"})
    conflict, _ = InspectorConflict.objects.update_or_create(
        officer=officer,
        enterprise=enterprise,
        defaults={"reason": reason, "declared_on": timezone.localdate()},
    )
    audit_record(by=by, action="inspectorconflict_declare", obj=conflict, reason=reason)
    return conflict


# --- the draw ------------------------------------------------------------------


def population(task: SpotCheckTask):
    """The task's inspection objects: enterprises in its industries and towns."""
    enterprises = Enterprise.objects.all()
    if task.industries:
        enterprises = enterprises.filter(industry__in=task.industries)
    if task.towns:
        enterprises = enterprises.filter(town__in=task.towns)
    return enterprises


def _last_checkers(enterprise_ids) -> dict[int, list[int]]:
    """The inspectors of each enterprise's latest inspection record."""
    latest: dict[int, int] = {}
    rows = (
        InspectionRecord.objects.filter(enterprise_id__in=enterprise_ids)
        .order_by("enterprise_id", "-inspected_on", "-id")
        .values_list("enterprise_id", "pk")
    )
    for enterprise_id, pk in rows:
        latest.setdefault(enterprise_id, pk)
    out: dict[int, list[int]] = defaultdict(list)
    through = InspectionRecord.inspectors.through
    for record_id, officer_id in through.objects.filter(
        inspectionrecord_id__in=latest.values()
    ).values_list("inspectionrecord_id", "officer_id"):
        out[next(e for e, r in latest.items() if r == record_id)].append(officer_id)
    return out


def build_snapshot(task: SpotCheckTask, day: dt.date) -> dict:
    """Freeze the draw's inputs: population sorted by id, directed picks,
    officers with a valid certificate on ``day``, exclusions."""
    directed = {
        p.enterprise_id: p.reason
        for p in task.directed.filter(approved_by__isnull=False)
    }
    # An enterprise drawn at random this year is not drawn again the same year.
    drawn = (
        DrawnEnterprise.objects.filter(
            mode=DrawnEnterprise.Mode.RANDOM,
            draw__superseded_by__isnull=True,
            draw__drawn_on__year=day.year,
        )
        .exclude(draw__task=task)
        .exclude(draw__task__status=S.CANCELLED)
        .values("enterprise_id")
    )
    rows = list(
        population(task)
        .exclude(pk__in=drawn)
        .order_by("pk")
        .values_list("pk", "credit_grade")
    )
    grades = dict(
        Enterprise.objects.filter(pk__in=directed).values_list("pk", "credit_grade")
    )
    ids = [pk for pk, _ in rows] + list(directed)
    excluded: dict[int, set[int]] = defaultdict(set)
    for officer_id, enterprise_id in InspectorConflict.objects.filter(
        enterprise_id__in=ids
    ).values_list("officer_id", "enterprise_id"):
        excluded[enterprise_id].add(officer_id)
    for enterprise_id, officers in _last_checkers(ids).items():
        excluded[enterprise_id].update(officers)
    return {
        "population": [[pk, g] for pk, g in rows if pk not in directed],
        "directed": [[pk, grades[pk], directed[pk]] for pk in sorted(directed)],
        "officers": qualified_officer_ids(day),
        "excluded": {str(k): sorted(v) for k, v in sorted(excluded.items()) if v},
        "ratios": {g: str(r) for g, r in task.ratios.items()},
        "fixed": task.fixed_count,
        "team_size": algo.MIN_TEAM,
    }


@transaction.atomic
def task_draw_request(*, task: SpotCheckTask, by, reason: str = "") -> None:
    """Ask for a draw (the Celery task makes it). A re-draw needs a reason."""
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (S.DRAFT, S.DRAWN):
        raise ValidationError("当前状态不能抽取。")
    if task.status == S.DRAWN and not reason.strip():
        raise ValidationError({"reason": "重新抽取须填写原因。"})
    SpotCheckTask.objects.filter(pk=task.pk).update(status=S.DRAWING, progress=0)
    from .tasks import task_draw_task

    transaction.on_commit(lambda: task_draw_task.delay(task.pk, by.pk, reason))


@transaction.atomic
def task_draw(
    *,
    task: SpotCheckTask,
    by,
    reason: str = "",
    seed: str | None = None,
    day: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Draw:
    """Make the draw: a fresh 128-bit seed from ``secrets``, the frozen
    snapshot and its SHA-256, the picks and teams; a previous draw is kept and
    marked superseded. ``seed``/``day``/``at`` are for the demo loader only."""
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (S.DRAFT, S.DRAWING, S.DRAWN):
        raise ValidationError("当前状态不能抽取。")
    previous = task.current_draw
    if previous is not None and not reason.strip():
        raise ValidationError({"reason": "重新抽取须填写原因。"})
    at = at or timezone.now()
    day = day or timezone.localtime(at).date()
    seed = seed or f"{secrets.randbits(128):032x}"
    snapshot = build_snapshot(task, day)
    try:
        picks = algo.compute(seed, snapshot)
    except algo.DrawError as exc:
        raise ValidationError(str(exc)) from exc
    draw = Draw.objects.create(
        task=task,
        seed=seed,
        algorithm=algo.ALGORITHM,
        snapshot=snapshot,
        snapshot_sha256=algo.snapshot_sha256(snapshot),
        drawn_on=day,
        drawn_at=at,
        drawn_by=by,
    )
    if previous is not None:
        previous.superseded_by = draw
        previous.redraw_reason = reason
        previous.save(update_fields=["superseded_by", "redraw_reason"])
    through = DrawnEnterprise.inspectors.through
    rows = DrawnEnterprise.objects.bulk_create(
        DrawnEnterprise(
            draw=draw,
            enterprise_id=p.enterprise_id,
            mode=p.mode,
            grade=p.grade,
            reason=p.reason,
        )
        for p in picks
    )
    through.objects.bulk_create(
        through(drawnenterprise_id=row.pk, officer_id=o)
        for row, p in zip(rows, picks, strict=True)
        for o in p.inspectors
    )
    from_state = task.status
    task.status, task.progress = S.DRAWN, 100
    task.save(update_fields=["status", "progress"])
    audit_record(
        by=by,
        action="spotchecktask_redraw" if previous else "spotchecktask_draw",
        obj=task,
        from_state=from_state,
        to_state=task.status,
        reason=reason,
        changes={
            "seed": seed,
            "snapshot_sha256": draw.snapshot_sha256,
            "algorithm": algo.ALGORITHM,
            "drawn": len(picks),
        },
    )
    return draw


def draw_verify(draw: Draw) -> tuple[bool, str]:
    """Recompute the draw from its stored seed and snapshot and compare."""
    if algo.snapshot_sha256(draw.snapshot) != draw.snapshot_sha256:
        return False, "名录快照与保存的 SHA-256 不一致：快照已被改动。"
    if draw.algorithm != algo.ALGORITHM:
        return False, f"不支持的算法版本 {draw.algorithm}。"
    try:
        expected = algo.compute(draw.seed, draw.snapshot)
    except algo.DrawError as exc:
        return False, str(exc)
    stored = {
        (d.enterprise_id, d.mode, tuple(sorted(o.pk for o in d.inspectors.all())))
        for d in draw.picks.prefetch_related("inspectors")
    }
    wanted = {(p.enterprise_id, p.mode, p.inspectors) for p in expected}
    if stored != wanted:
        return False, "按种子和快照重新计算的结果与保存的抽取结果不一致。"
    return True, f"验证通过：重新计算得到相同的 {len(wanted)} 家企业及检查组。"


@transaction.atomic
def task_cancel(*, task: SpotCheckTask, reason: str, by) -> SpotCheckTask:
    if task.status in (S.PUBLISHED, S.CANCELLED):
        raise ValidationError("任务已公示或已取消。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写取消原因。"})
    from_state, task.status = task.status, S.CANCELLED
    task.save(update_fields=["status"])
    audit_record(
        by=by,
        action="spotchecktask_cancel",
        obj=task,
        from_state=from_state,
        to_state=task.status,
        reason=reason,
    )
    return task


# --- inspection records and publicity -------------------------------------------


@transaction.atomic
def record_create(
    *,
    enterprise,
    kind: str,
    inspected_on: dt.date,
    inspectors,
    result: str,
    by,
    task: SpotCheckTask | None = None,
    items=(),
    findings: str = "",
    rectification: str = "",
    number: str = "",
    penalty_matter=None,
) -> InspectionRecord:
    """Enter one inspection (录入监管信息). Needs ≥ 2 inspectors; a random
    check belongs to a drawn task and to an enterprise its draw picked. A
    result of 立案查处 with a ``penalty_matter`` opens a penalty case draft
    (待立案) in enforcement, linked to the record."""
    inspectors = list(inspectors)
    if len(inspectors) < algo.MIN_TEAM:
        raise ValidationError({"inspectors": "检查人员不得少于两人。"})
    if kind in (InspectionRecord.Kind.RANDOM, InspectionRecord.Kind.DIRECTED) and task:
        draw = task.current_draw
        if draw is None or not draw.picks.filter(enterprise=enterprise).exists():
            raise ValidationError({"enterprise": "该企业不在本任务的抽取结果中。"})
    if result == InspectionRecord.Result.RECTIFY and not rectification.strip():
        raise ValidationError({"rectification": "发现问题须填写整改要求。"})
    record = InspectionRecord(
        number=number or _next_number("JC", InspectionRecord, inspected_on.year),
        enterprise=enterprise,
        task=task,
        kind=kind,
        inspected_on=inspected_on,
        result=result,
        findings=findings,
        rectification=rectification,
        publish_due=add_working_days(inspected_on, PUBLISH_WORKING_DAYS),
        created_by=by,
    )
    record.full_clean(exclude=["inspectors", "items"])
    record.save()
    record.inspectors.set(inspectors)
    record.items.set(items)
    if result == InspectionRecord.Result.CASE and penalty_matter is not None:
        record.penalty_case = case_create(
            by=by,
            officers=record.inspectors.prefetch_related("certificates"),
            procedure="普通程序",
            source="双随机抽查" if kind == InspectionRecord.Kind.RANDOM else "其他",
            party_type="法人",
            party_name=enterprise.name,
            party_id_number=enterprise.credit_code,
            enterprise=enterprise,
            matter=penalty_matter,
            facts=findings or f"检查记录 {record.number} 发现的违法行为（待调查）。",
        )
        record.save(update_fields=["penalty_case"])
    audit_record(by=by, action="inspectionrecord_create", obj=record, to_state=result)
    return record


@transaction.atomic
def record_publish(*, record: InspectionRecord, by, at: dt.datetime | None = None):
    if record.published_at is not None:
        raise ValidationError("该检查结果已公示。")
    record.published_at = at or timezone.now()
    record.save(update_fields=["published_at"])
    audit_record(by=by, action="inspectionrecord_publish", obj=record)
    return record


@transaction.atomic
def task_publish(*, task: SpotCheckTask, by, at: dt.datetime | None = None):
    """Mark the task's inspections done and publish every unpublished result."""
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (S.DRAWN, S.COMPLETED):
        raise ValidationError("任务尚未抽取或已公示。")
    records = task.records.filter(published_at__isnull=True)
    if not task.records.exists():
        raise ValidationError("尚未录入任何检查结果。")
    at = at or timezone.now()
    last = task.records.aggregate(m=Max("inspected_on"))["m"]
    records.update(published_at=at)
    from_state = task.status
    task.status, task.completed_on, task.published_at = S.PUBLISHED, last, at
    task.save(update_fields=["status", "completed_on", "published_at"])
    audit_record(
        by=by,
        action="spotchecktask_publish",
        obj=task,
        from_state=from_state,
        to_state=task.status,
    )
    return task


# --- credit rule ---------------------------------------------------------------


def _one_step_down(grade: str) -> str | None:
    grades = algo.GRADES
    i = grades.index(grade)
    return grades[i + 1] if i + 1 < len(grades) else None


def apply_penalty_rule(*, today: dt.date | None = None, by=None) -> int:
    """≥ 3 penalty decisions within 12 months → grade down one step, once per
    window: an enterprise is downgraded at its third decision, and again only
    when three decisions fall after the window that triggered the last one.
    Returns the number of downgrades made."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=WINDOW_DAYS * 2)
    by_enterprise: dict[int, list[dt.date]] = defaultdict(list)
    for enterprise_id, day in penalty_decisions(start=start, end=today):
        by_enterprise[enterprise_id].append(day)
    done = 0
    for enterprise_id, days in by_enterprise.items():
        if len(days) >= PENALTY_THRESHOLD and _downgrade_if_due(
            enterprise_id, days, today=today, by=by
        ):
            done += 1
    _flag_overloaders(today=today, by=by)
    return done


def _flag_overloaders(*, today: dt.date, by=None) -> int:
    """≥ 3 超限超载 penalty decisions within 12 months → 重点监管 (the task page
    then proposes the enterprise for a special check). Audited through the
    registry's upsert."""
    start = today - dt.timedelta(days=WINDOW_DAYS - 1)
    counts: dict[int, int] = defaultdict(int)
    for enterprise_id, _ in penalty_decisions(
        start=start, end=today, overload_only=True
    ):
        counts[enterprise_id] += 1
    flagged = 0
    for enterprise in Enterprise.objects.filter(
        pk__in=[e for e, n in counts.items() if n >= PENALTY_THRESHOLD],
        key_supervision=False,
    ):
        enterprise_upsert(
            credit_code=enterprise.credit_code,
            values={"key_supervision": True},
            by=by,
            actor_name="" if by else "系统（信用规则）",
        )
        flagged += 1
    return flagged


@transaction.atomic
def _downgrade_if_due(enterprise_id: int, days: list[dt.date], *, today, by) -> bool:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise_id)
    last_end = CreditDowngradeWindow.objects.filter(enterprise=enterprise).aggregate(
        m=Max("window_end")
    )["m"]
    counted = [d for d in days if last_end is None or d > last_end]
    for i in range(PENALTY_THRESHOLD - 1, len(counted)):
        first, third = counted[i - PENALTY_THRESHOLD + 1], counted[i]
        if (third - first).days < WINDOW_DAYS:
            break
    else:
        return False
    to_grade = _one_step_down(enterprise.credit_grade)
    if to_grade is None:
        return False
    reason = (
        f"{first:%Y-%m-%d}至{third:%Y-%m-%d}十二个月内受到"
        f"{PENALTY_THRESHOLD}次以上行政处罚，信用等级下调一级。"
    )
    change = enterprise_change_grade(
        enterprise=enterprise,
        to_grade=to_grade,
        changed_on=third,
        cause=CreditGradeChange.Cause.PENALTIES,
        reason=reason,
        by=by,
        actor_name="" if by else "系统（信用规则）",
    )
    CreditDowngradeWindow.objects.create(
        enterprise=enterprise, window_start=first, window_end=third, change=change
    )
    return True
