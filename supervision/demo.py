"""The demo year 2023 of supervision (report §一(三)): 10 random spot-check
tasks drawing 28 enterprises, a 定向 check of the driving school with the most
hotline complaints, and 64 inspection records of every kind. Every draw is
made by the real service (with a seed derived from the task number, so the
demo is the same on every load) and verifies."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from hotline.selectors import complaint_counts_by_enterprise
from jiaotong.dates import at_local
from jiaotong.models import Enterprise, User

from . import services
from .models import DrawnEnterprise, InspectionItem, InspectionRecord, SpotCheckTask

YEAR = 2023

ITEMS = [
    (
        "JT-SJ-001",
        "道路旅客运输经营者经营行为检查",
        "《道路旅客运输及客运站管理规定》第八十八条",
    ),
    (
        "JT-SJ-002",
        "道路货物运输经营者经营行为检查",
        "《道路货物运输及站场管理规定》第五十九条",
    ),
    (
        "JT-SJ-003",
        "巡游出租汽车经营者经营行为检查",
        "《巡游出租汽车经营服务管理规定》第四十一条",
    ),
    (
        "JT-SJ-004",
        "机动车驾驶员培训机构经营行为检查",
        "《机动车驾驶员培训管理规定》第四十五条",
    ),
    ("JT-SJ-005", "机动车维修经营者经营行为检查", "《机动车维修管理规定》第四十三条"),
    (
        "JT-SJ-006",
        "道路运输企业安全生产主体责任落实情况检查",
        "《中华人民共和国安全生产法》第六十五条",
    ),
]

# (month, name, industries, item codes, fixed number drawn at random)
TASKS = [
    (
        3,
        "道路旅客运输经营者双随机抽查",
        ["道路旅客运输", "公交"],
        ["JT-SJ-001", "JT-SJ-006"],
        2,
    ),
    (3, "道路货物运输经营者第一批双随机抽查", ["道路货物运输"], ["JT-SJ-002"], 3),
    (4, "巡游出租汽车经营者双随机抽查", ["出租汽车"], ["JT-SJ-003"], 2),
    (5, "机动车驾驶员培训机构双随机抽查", ["驾驶员培训"], ["JT-SJ-004"], 2),
    (6, "机动车维修经营者第一批双随机抽查", ["机动车维修"], ["JT-SJ-005"], 3),
    (7, "物流企业双随机抽查", ["物流"], ["JT-SJ-002", "JT-SJ-006"], 3),
    (8, "道路货物运输经营者第二批双随机抽查", ["道路货物运输"], ["JT-SJ-002"], 3),
    (9, "机动车维修经营者第二批双随机抽查", ["机动车维修"], ["JT-SJ-005"], 3),
    (10, "道路运输企业安全生产双随机抽查", [], ["JT-SJ-006"], 4),
    (11, "年末道路运输市场双随机抽查", [], ["JT-SJ-001", "JT-SJ-002"], 3),
]
DRIVING_TASK = 3  # index of the driving-school task: gets the 定向 pick
ROUTINE = 22  # 日常检查 records
SPECIAL = 13  # 专项检查 records (超限超载 and safety campaigns)


def _seed(number: str) -> str:
    return hashlib.sha256(f"jiaotong-demo:{number}".encode()).hexdigest()[:32]


def _result(n: int) -> str:
    R = InspectionRecord.Result
    return R.CASE if n % 9 == 4 else R.RECTIFY if n % 4 == 1 else R.NONE


def load(stdout) -> None:
    if SpotCheckTask.objects.filter(number__startswith=f"CC{YEAR}-").exists():
        stdout.write("双随机监管：演示数据已存在，跳过。")
        return
    with transaction.atomic():
        by = User.objects.get(username="supervisor1")
        leader = User.objects.filter(groups__name="局领导").order_by("pk").first() or by
        items = {}
        for code, name, basis in ITEMS:
            items[code], _ = InspectionItem.objects.get_or_create(
                code=code, defaults={"name": name, "basis": basis, "method": "现场检查"}
            )
        records = 0
        for i, (month, name, industries, codes, fixed) in enumerate(TASKS, 1):
            start = dt.date(YEAR, month, 6)
            task = services.task_create(
                values={
                    "name": f"{YEAR}年{name}",
                    "industries": industries,
                    "window_start": start,
                    "window_end": start + dt.timedelta(days=40),
                    "fixed_count": fixed,
                },
                items=[items[c] for c in codes],
                by=by,
                number=f"CC{YEAR}-{i:03d}",
            )
            if i - 1 == DRIVING_TASK:
                _add_driving_school(task, leader)
            day = start + dt.timedelta(days=2)
            draw = services.task_draw(
                task=task,
                by=by,
                seed=_seed(task.number),
                day=day,
                at=at_local(day, dt.time(9, 30)),
            )
            for n, pick in enumerate(draw.picks.prefetch_related("inspectors"), 1):
                records += 1
                services.record_create(
                    enterprise=pick.enterprise,
                    task=task,
                    kind=(
                        InspectionRecord.Kind.DIRECTED
                        if pick.mode == DrawnEnterprise.Mode.DIRECTED
                        else InspectionRecord.Kind.RANDOM
                    ),
                    inspected_on=day + dt.timedelta(days=7 + 2 * n),
                    inspectors=pick.inspectors.all(),
                    items=task.items.all(),
                    result=_result(records),
                    findings="现场查验经营资质、车辆技术档案和安全生产台账。",
                    rectification="限期十五日内完成整改并报送整改报告。"
                    if _result(records) == InspectionRecord.Result.RECTIFY
                    else "",
                    by=by,
                )
            # Results go out within 20 working days, but one task was late.
            last = task.records.order_by("-inspected_on").first().inspected_on
            late = 40 if i == 7 else 10
            services.task_publish(
                task=task,
                by=by,
                at=at_local(last + dt.timedelta(days=late), dt.time(16)),
            )
        records += _other_records(by)
    stdout.write(
        f"双随机监管：{YEAR} 年抽查任务 {len(TASKS)} 个，检查记录 {records} 条"
        "（含定向、日常、专项检查）。"
    )


def _add_driving_school(task: SpotCheckTask, leader) -> None:
    """定向: the driving school with the most hotline complaints in the 12
    months before the task."""
    counts = complaint_counts_by_enterprise(
        task.window_start - dt.timedelta(days=365), task.window_start
    )
    schools = set(
        Enterprise.objects.filter(industry="驾驶员培训").values_list("pk", flat=True)
    )
    top = next((c for c in counts if c["enterprise_id"] in schools), None)
    school = (
        Enterprise.objects.get(pk=top["enterprise_id"])
        if top
        else Enterprise.objects.filter(industry="驾驶员培训").order_by("pk").first()
    )
    complaints = top["complaints"] if top else 0
    services.directed_add(
        task=task,
        enterprise=school,
        reason=f"12328/12345 热线投诉较多（近一年 {complaints} 件）",
        by=leader,
    )


def _other_records(by) -> int:
    """Routine and special inspections across the year, by two officers each."""
    from enforcement.selectors import qualified_officer_ids

    enterprises = list(Enterprise.objects.order_by("pk"))
    n = 0
    for k in range(ROUTINE + SPECIAL):
        day = dt.date(YEAR, 1 + k % 12, 3 + (k * 7) % 24)
        officer_ids = qualified_officer_ids(day)
        team = [
            officer_ids[k % len(officer_ids)],
            officer_ids[(k + 3) % len(officer_ids)],
        ]
        special = k >= ROUTINE
        record = services.record_create(
            enterprise=enterprises[(k * 5) % len(enterprises)],
            kind=InspectionRecord.Kind.SPECIAL
            if special
            else InspectionRecord.Kind.ROUTINE,
            inspected_on=day,
            inspectors=team,
            result=_result(k + 2),
            findings="超限超载治理专项检查。" if special else "日常巡查。",
            rectification="责令立即整改。"
            if _result(k + 2) == InspectionRecord.Result.RECTIFY
            else "",
            by=by,
        )
        if k % 3 == 0:
            services.record_publish(
                record=record,
                by=by,
                at=timezone.make_aware(
                    dt.datetime.combine(day + dt.timedelta(days=5), dt.time(10))
                ),
            )
        n += 1
    return n
