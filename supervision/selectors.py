"""Reads for the supervision screens, the public pages and the enterprise file."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import (
    Draw,
    DrawnEnterprise,
    InspectionItem,
    InspectionRecord,
    SpotCheckTask,
)


def task_list(user) -> QuerySet[SpotCheckTask]:
    return SpotCheckTask.objects.visible_to(user).prefetch_related("items")


def task_picks(draw: Draw | None) -> list[DrawnEnterprise]:
    if draw is None:
        return []
    return list(
        draw.picks.select_related("enterprise").prefetch_related(
            Prefetch("inspectors", queryset=_officers())
        )
    )


def _officers():
    from enforcement.models import Officer

    return Officer.objects.select_related("user")


def record_list(user) -> QuerySet[InspectionRecord]:
    return (
        InspectionRecord.objects.visible_to(user)
        .select_related("enterprise", "task", "penalty_case")
        .prefetch_related(Prefetch("inspectors", queryset=_officers()))
    )


def public_results() -> QuerySet[InspectionRecord]:
    """Published results (结果公示), newest first; no personal data."""
    return (
        InspectionRecord.objects.published()
        .select_related("enterprise", "task")
        .order_by("-published_at", "-id")
    )


def public_items() -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(active=True)


def enterprise_file(enterprise, user) -> dict | None:
    """The enterprise page's 检查与信用 section, or None for a user who may not
    see inspections."""
    if not user.has_perm("supervision.view_inspectionrecord"):
        return None
    records = list(record_list(user).filter(enterprise=enterprise)[:10])
    return {
        "template": "supervision/includes/_enterprise_inspections.html",
        "rows": records,
        "grade_changes": list(enterprise.grade_changes.all()[:10]),
        "enterprise": enterprise,
    }


def directed_proposals(task: SpotCheckTask, today, limit: int = 5) -> list[dict]:
    """定向 candidates the system proposes for a task (a leader approves them):
    enterprises in scope with ≥ 3 penalty decisions in the last 12 months, and
    those with the most hotline complaints (投诉、举报) in that time."""
    import datetime as dt
    from collections import Counter

    from enforcement.selectors import penalty_decisions
    from hotline.selectors import complaint_counts_by_enterprise
    from jiaotong.models import Enterprise

    start = today - dt.timedelta(days=365)
    scope = Enterprise.objects.all()
    if task.industries:
        scope = scope.filter(industry__in=task.industries)
    if task.towns:
        scope = scope.filter(town__in=task.towns)
    in_scope = set(scope.values_list("pk", flat=True))
    taken = set(task.directed.values_list("enterprise_id", flat=True))
    proposals: dict[int, str] = {}
    penalties = Counter(e for e, _ in penalty_decisions(start=start, end=today))
    for enterprise_id, n in penalties.most_common():
        if n >= 3 and enterprise_id in in_scope:
            proposals[enterprise_id] = f"近12个月受到行政处罚 {n} 次"
    for enterprise_id in scope.filter(key_supervision=True).values_list(
        "pk", flat=True
    ):
        proposals.setdefault(enterprise_id, "列入重点监管（超限超载处罚三次以上）")
    complaints = [
        c
        for c in complaint_counts_by_enterprise(start, today)
        if c["enterprise_id"] in in_scope
    ]
    for row in complaints[:limit]:
        reason = f"近12个月热线投诉举报 {row['complaints']} 件"
        proposals[row["enterprise_id"]] = "；".join(
            filter(None, [proposals.get(row["enterprise_id"]), reason])
        )
    names = dict(Enterprise.objects.filter(pk__in=proposals).values_list("pk", "name"))
    return [
        {"enterprise_id": pk, "name": names[pk], "reason": reason}
        for pk, reason in proposals.items()
        if pk not in taken
    ]


def home_queues(user) -> list[dict]:
    """The 监管人员's work: tasks to draw or to inspect, and inspection results
    waiting for publication (due date first)."""
    from django.urls import reverse

    if not user.has_perm("supervision.add_inspectionrecord"):
        return []
    S = SpotCheckTask.Status
    open_tasks = task_list(user).filter(status__in=[S.DRAFT, S.DRAWING, S.DRAWN])
    unpublished = (
        record_list(user)
        .filter(published_at__isnull=True)
        .order_by("publish_due", "id")
    )
    return [
        {
            "title": "进行中的抽查任务",
            "url": reverse("supervision:task_list"),
            "count": open_tasks.count(),
            "rows": [
                {
                    "label": f"{t.number} {t.name}（{t.get_status_display()}）",
                    "url": t.get_absolute_url(),
                    "due": t.window_end,
                }
                for t in open_tasks.order_by("window_end")[:5]
            ],
        },
        {
            "title": "待公示的检查结果（20个工作日）",
            "url": reverse("supervision:record_list"),
            "count": unpublished.count(),
            "rows": [
                {
                    "label": f"{r.number} {r.enterprise}",
                    "url": r.get_absolute_url(),
                    "due": r.publish_due,
                }
                for r in unpublished[:5]
            ],
        },
    ]
