"""Enforcement's demo year (``python manage.py load_demo``): officers with their
certificates, the 2023 penalty cases and the publicity of penalty and licensing
decisions, matching the bureau's 2023 report (§一(五)):

- 268 penalty decisions, all published (enforcement.cases, …published_rate);
- 126 of them passed 法制审核 (enforcement.legal_reviews);
- 106 licensing decisions published via the enforcement information system
  (enforcement.licensing_published), taken from licensing's demo decisions;
- plus 不予处罚, 撤销立案 and still-open cases that count in none of them.

Violations are weighted as the report describes the year's work: 超限超载 first,
then 非法营运, with 出租 and 驾培 (the most complained-about trades) next.
Deterministic (seeded); loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from jiaotong import roles
from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days
from jiaotong.dates import LOCAL_TZ
from jiaotong.models import Enterprise, Matter, OrgUnit, User
from jiaotong.registry.models import Industry, PowerType
from jiaotong.validators import resident_id_check_char, validate_plate

from .models import (
    CaseSequence,
    Certificate,
    Hearing,
    LegalReview,
    Officer,
    PenaltyCase,
    PublicityRecord,
)

YEAR = 2023
SEED = 20230268
DECIDED = 268  # 行政处罚案件 268 起
REVIEWED = 126  # 法制审核 126 起
LICENSING_PUBLISHED = 106  # 行政许可案件 106 起 (公示)
SIMPLE = 84  # of DECIDED, on-the-spot decisions (简易程序)
NO_PENALTY = 9
CANCELLED = 5
OPEN = 12
RETURNED_FIRST = 11  # reviewed cases first sent back for more investigation

BRIGADE_SQUADS = ("JTJ-ZFDD-1", "JTJ-ZFDD-2", "JTJ-ZFDD-3")
ISSUER = "河南省人民政府"
# (username, name, squad index): the roster besides the demo account officer1.
OFFICERS = [
    ("zf_wangqiang", "王强", 0),
    ("zf_zhaomin", "赵敏", 0),
    ("zf_sunhao", "孙浩", 0),
    ("zf_liuyang", "刘洋", 1),
    ("zf_chenjie", "陈杰", 1),
    ("zf_yangfan", "杨帆", 1),
    ("zf_huanglei", "黄磊", 1),
    ("zf_zhoubin", "周斌", 2),
    ("zf_wujun", "吴军", 2),
    ("zf_xuli", "徐丽", 2),
    ("zf_maqing", "马青", 0),
    ("zf_zhuhong", "朱宏", 2),
]

# Violation groups: (weight, matter numbers of 411422-CF-NNN, party mix).
# 超限超载 (CF-017/018), 非法营运 (CF-001/002/008/010), 出租 (CF-009/008/010),
# 驾培 (CF-014/015), and the rest of the power list.
GROUPS = [
    ("超限超载", 40, (18, 18, 18, 17), Industry.FREIGHT, 0.35),
    ("非法营运", 25, (1, 2, 8, 10), None, 0.05),
    ("出租", 13, (9, 9, 8, 10), Industry.TAXI, 0.2),
    ("驾培", 10, (14, 15, 15), Industry.DRIVING_SCHOOL, 0.8),
    ("其他", 12, (6, 7, 19, 20, 23, 24, 11, 4, 5), None, 0.3),
]
SOURCES = (
    ["路面巡查"] * 10
    + ["非现场执法"] * 4
    + ["投诉举报"] * 3
    + ["双随机抽查"] * 2
    + ["部门移送"]
)
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宏玉兰海波"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def load(stdout) -> None:
    if PenaltyCase.objects.filter(year=YEAR).exists():
        stdout.write("行政执法：2023 年度演示案件已存在，跳过。")
        return
    with transaction.atomic():
        rng = random.Random(SEED)
        officers = _load_officers()
        counts = _load_cases(rng, officers)
        published = _load_licensing_publicity(random.Random(SEED + 1))
    stdout.write(
        f"行政执法：{len(officers)} 名执法人员，{YEAR} 年处罚决定 {counts['decided']} 起"
        f"（法制审核 {counts['reviewed']} 起），另有不予处罚、撤销立案和在办案件"
        f" {counts['other']} 起；公示行政许可决定 {published} 起。"
    )


# --- Officers ------------------------------------------------------------------------


def _load_officers() -> list[Officer]:
    """The brigade's officers: certificates valid through the demo year; two
    expire within 60 days of loading (so the warnings show), one has lapsed
    and one officer who retired is flagged 待注销 (the report's problem list)."""
    squads = {u.code: u for u in OrgUnit.objects.filter(code__in=BRIGADE_SQUADS)}
    group = Group.objects.get(name=roles.ROLE_OFFICER)
    users = list(User.objects.filter(username="officer1"))
    for username, name, squad in OFFICERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": name, "unit": squads.get(BRIGADE_SQUADS[squad])},
        )
        if created:
            user.set_unusable_password()  # roster entries; only officer1 signs in
            user.save(update_fields=["password"])
        user.groups.add(group)
        users.append(user)
    today = timezone.localdate()
    officers = []
    for n, user in enumerate(users, start=1):
        officer, _ = Officer.objects.get_or_create(user=user)
        valid_to = dt.date(2027, 6, 30)
        status = Certificate.Status.VALID
        if n in (4, 9):
            valid_to = today + dt.timedelta(days=20 if n == 4 else 50)
        elif n == 12:
            valid_to, status = dt.date(2024, 3, 31), Certificate.Status.EXPIRED
        Certificate.objects.get_or_create(
            issuer=ISSUER,
            number=f"豫交执{411422}{2021}{n:04d}",
            defaults={
                "officer": officer,
                "kind": "河南省行政执法证",
                "scope": "交通运输综合执法（睢县）",
                "issued_on": dt.date(2021, 3, 1),
                "valid_to": valid_to,
                "status": status,
            },
        )
        if n == 13:
            officer.pending_cancellation = True
            officer.pending_reason = "2023年12月退休，执法证待注销"
            officer.save(update_fields=["pending_cancellation", "pending_reason"])
        officers.append(officer)
    return officers


# --- Cases -----------------------------------------------------------------------------


def _person(rng: random.Random, i: int) -> tuple[str, str]:
    name = (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
    )
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
    body = f"411422{birth:%Y%m%d}{rng.randint(1, 999):03d}"
    return name, body + resident_id_check_char(body)


def _plate(rng: random.Random, nev: bool = False) -> str:
    if nev:
        return validate_plate(
            "豫N"
            + rng.choice("DF")
            + "".join(rng.choice("0123456789") for _ in range(5))
        )
    tail = "".join(rng.choice(PLATE_CHARS) for _ in range(5))
    return validate_plate("豫N" + tail)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), LOCAL_TZ)


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class _Plan:
    """One case to write: its group, matter, party and dates."""

    def __init__(self, rng, matters, enterprises, kind: str, i: int):
        label, _, numbers, industry, org_share = rng.choices(
            GROUPS, weights=[g[1] for g in GROUPS]
        )[0]
        self.group = label
        self.matter = matters[rng.choice(numbers)]
        pool = enterprises.get(industry) or enterprises[None]
        if rng.random() < org_share and pool:
            firm = rng.choice(pool)
            self.party = ("法人", firm.name, firm.credit_code, firm)
        else:
            name, number = _person(rng, i)
            self.party = ("自然人", name, number, None)
        self.plate = _plate(rng, nev=label == "出租" and rng.random() < 0.3)
        self.kind = kind


def _fine(rng, plan: _Plan, kind: str) -> tuple[str, Decimal]:
    person = plan.party[0] == "自然人"
    if kind == "simple":
        if rng.random() < 0.15:
            return "警告", Decimal("0")
        top = 200 if person else 3000
        amount = rng.choice([50, 100, 150, 200, 500, 1000, 2000, 3000])
        return "罚款", Decimal(min(amount, top))
    if kind == "major":
        amount = rng.choice([3000, 5000, 8000, 10000, 20000, 30000])
        if not person:
            amount = rng.choice([20000, 30000, 50000])
        if plan.group == "驾培" and not person and rng.random() < 0.3:
            return "罚款、责令停产停业", Decimal(amount)
        return "罚款", Decimal(amount)
    amount = (
        rng.choice([300, 500, 800, 1000, 1500, 2000])
        if person
        else rng.choice([1000, 2000, 5000, 10000])
    )
    return "罚款", Decimal(amount)


def _load_cases(rng: random.Random, officers: list[Officer]) -> dict:
    matters = {
        int(m.code.rsplit("-", 1)[1]): m
        for m in Matter.objects.filter(
            code__startswith="411422-CF-", power_type=PowerType.PENALTY
        )
    }
    enterprises: dict = {None: list(Enterprise.objects.order_by("credit_code"))}
    for firm in enterprises[None]:
        enterprises.setdefault(firm.industry, []).append(firm)
    qualified = [o for o in officers if o.certificates.filter(status="有效").exists()]
    squads = {o.pk: o.user.unit for o in officers}
    recorder = User.objects.filter(username="officer1").first()
    reviewer = User.objects.filter(username="reviewer1").first()

    kinds = (
        ["simple"] * SIMPLE
        + ["major"] * REVIEWED
        + ["minor"] * (DECIDED - SIMPLE - REVIEWED)
        + ["no_penalty"] * NO_PENALTY
        + ["cancelled"] * CANCELLED
        + ["open"] * OPEN
    )
    rng.shuffle(kinds)
    plans = [_Plan(rng, matters, enterprises, kind, i) for i, kind in enumerate(kinds)]
    returned = set(
        rng.sample([i for i, k in enumerate(kinds) if k == "major"], RETURNED_FIRST)
    )

    cases, officer_links, reviews, hearings, publicity = [], [], [], [], []
    for i, plan in enumerate(plans):
        kind = plan.kind
        # Late enough to be open at the year's end, or early enough that the
        # longest general procedure (review sent back, hearing) ends in 2023.
        latest = {"open": None, "major": dt.date(2023, 10, 10)}.get(
            kind, dt.date(2023, 11, 20)
        )
        if kind == "open":
            filed_day = _day_in(rng, dt.date(2023, 11, 10), dt.date(2023, 12, 28))
        else:
            filed_day = _day_in(rng, dt.date(2023, 1, 3), latest)
        filed_at = _at(filed_day, rng)
        penalties, fine = _fine(rng, plan, kind)
        party_type, party_name, party_id, firm = plan.party
        team = rng.sample(qualified, 2)
        case = PenaltyCase(
            procedure="简易程序" if kind == "simple" else "普通程序",
            source="路面巡查" if kind == "simple" else rng.choice(SOURCES),
            party_type=party_type,
            party_name=party_name,
            party_id_number=party_id,
            party_address=f"河南省商丘市睢县{firm.town if firm else '城关镇'}",
            enterprise=firm,
            plate=plan.plate,
            matter=plan.matter,
            unit=squads[team[0].pk],
            occurred_at=filed_at - dt.timedelta(hours=rng.randint(0, 48)),
            location=f"{rng.choice(['G343', 'S211', 'S325', 'X011'])}线睢县段",
            facts=f"经查，当事人{_violation(plan.matter)}，违法事实清楚。",
            legal_basis="《中华人民共和国道路运输条例》《公路安全保护条例》相关条款",
            penalty_types="" if kind in ("no_penalty", "cancelled") else penalties,
            fine=Decimal("0") if kind in ("no_penalty", "cancelled") else fine,
            filed_at=filed_at,
            created_by=recorder,
        )
        if kind == "simple":
            case.decided_at = filed_at + dt.timedelta(minutes=rng.randint(20, 60))
            case.served_at = case.decided_at
            case.copy_filed_at = case.decided_at + dt.timedelta(days=rng.randint(1, 4))
            case.service_method = "直接送达"
        elif kind != "open":
            case.investigation_started_at = filed_at + dt.timedelta(hours=2)
            case.investigated_at = filed_at + dt.timedelta(days=rng.randint(8, 25))
        if kind in ("major", "minor"):
            case.notified_at = case.investigated_at + dt.timedelta(
                days=rng.randint(1, 3)
            )
            review_at = case.notified_at + dt.timedelta(days=rng.randint(4, 8))
            if kind == "major":
                if fine >= 5000 and party_type == "自然人" and i % 4 == 0:
                    # the party asked for a hearing, held before the review
                    requested = timezone.localdate(case.notified_at) + dt.timedelta(2)
                    held_at = case.notified_at + dt.timedelta(days=16)  # ≥ 7 WD notice
                    hearings.append((i, requested, held_at))
                    review_at = held_at + dt.timedelta(days=3)
                if i in returned:
                    reviews.append((i, review_at, "退回补充调查"))
                    review_at += dt.timedelta(days=rng.randint(10, 20))
                reviews.append((i, review_at, "同意"))
            case.decided_at = review_at + dt.timedelta(days=rng.randint(1, 4))
            case.served_at = case.decided_at + dt.timedelta(days=rng.randint(0, 3))
            case.service_method = rng.choice(["直接送达"] * 4 + ["邮寄送达"])
        if kind in ("simple", "major", "minor"):
            # every decision of the year lies in 2023 (the report's 268)
            last = dt.datetime(2023, 12, 29, 17, 0, tzinfo=LOCAL_TZ)
            if case.decided_at > last:
                case.decided_at = last - dt.timedelta(minutes=rng.randint(0, 600))
                case.served_at = case.decided_at
            case.outcome = "处罚"
            case.paid_at = case.served_at + dt.timedelta(days=rng.randint(0, 14))
            case.paid_amount = case.fine
            case.closed_at = case.paid_at + dt.timedelta(days=rng.randint(1, 10))
            case.status = PenaltyCase.Status.CLOSED
            if case.closed_at.year > YEAR:
                case.status = PenaltyCase.Status.EXECUTED
                case.closed_at = None
            decided_day = timezone.localdate(case.decided_at)
            published = add_working_days(decided_day, rng.randint(1, 6))
            publicity.append((i, decided_day, published))
        elif kind == "no_penalty":
            case.decided_at = case.investigated_at + dt.timedelta(days=2)
            case.outcome = "不予处罚"
            case.decision_reason = (
                "违法行为轻微并及时改正，没有造成危害后果（首违不罚）"
            )
            case.status = PenaltyCase.Status.CLOSED
            case.closed_at = case.decided_at + dt.timedelta(days=3)
        elif kind == "cancelled":
            case.outcome = "撤销立案"
            case.cancelled_at = case.investigated_at
            case.cancel_reason = "经调查，违法事实不能成立"
            case.status = PenaltyCase.Status.CANCELLED
        else:
            case.status = rng.choice(
                [
                    PenaltyCase.Status.FILED,
                    PenaltyCase.Status.INVESTIGATING,
                    PenaltyCase.Status.INVESTIGATING,
                ]
            )
            if case.status == PenaltyCase.Status.INVESTIGATING:
                case.investigation_started_at = filed_at + dt.timedelta(hours=3)
        cases.append(case)
        officer_links.append(team)

    # Numbers follow the order of filing, as they were issued.
    order = sorted(range(len(cases)), key=lambda k: (cases[k].filed_at, k))
    for n, k in enumerate(order, start=1):
        cases[k].year, cases[k].sequence = YEAR, n
        cases[k].number = f"睢交罚〔{YEAR}〕{n}号"
    PenaltyCase.objects.bulk_create(cases, batch_size=500)
    CaseSequence.objects.update_or_create(year=YEAR, defaults={"last": len(cases)})
    through = PenaltyCase.officers.through
    through.objects.bulk_create(
        [
            through(penaltycase_id=case.pk, officer_id=officer.pk)
            for case, team in zip(cases, officer_links, strict=True)
            for officer in team
        ]
    )
    checks = dict.fromkeys(LegalReview.CHECKLIST, True)
    LegalReview.objects.bulk_create(
        [
            LegalReview(
                case=cases[i],
                submitted_at=at - dt.timedelta(days=2),
                submitted_by=recorder,
                reviewer=reviewer,
                result=result,
                opinion="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。"
                if result == "同意"
                else "证据不足，请补充当事人询问笔录和现场照片后重新送审。",
                concluded_at=at,
                **(checks if result == "同意" else {}),
            )
            for i, at, result in reviews
        ]
    )
    Hearing.objects.bulk_create(
        [
            Hearing(
                case=cases[i],
                status=Hearing.Status.HELD,
                requested_on=requested,
                notice_sent_on=requested + dt.timedelta(days=1),
                scheduled_for=held_at,
                chair="法制股 王慧",
                transcript="当事人对违法事实无异议，请求从轻处罚。",
                concluded_on=held_at.date(),
            )
            for i, requested, held_at in hearings
        ]
    )
    PublicityRecord.objects.bulk_create(
        [
            PublicityRecord(
                kind=PublicityRecord.Kind.PENALTY,
                case=cases[i],
                decision_no=cases[i].number,
                title=cases[i].matter.name,
                party_name=cases[i].party_name,
                party_type=cases[i].party_type,
                party_code=cases[i].party_id_number,
                content=f"{cases[i].penalty_types}"
                + (f"，罚款{cases[i].fine:.0f}元" if cases[i].fine else ""),
                decision_date=decided,
                due_on=add_working_days(decided, 7),
                published_on=published,
                channel="信用河南",
            )
            for i, decided, published in publicity
        ]
    )
    for case in cases:
        audit_record(
            by=None,
            actor_name="演示数据",
            action="case_create",
            obj=case,
            to_state=case.status,
            reason=f"演示数据：{YEAR}年度历史案件，办理过程未逐步记录",
        )
    return {
        "decided": len(publicity),
        "reviewed": len({i for i, _, _ in reviews}),
        "other": NO_PENALTY + CANCELLED + OPEN,
    }


def _violation(matter: Matter) -> str:
    return matter.name.removeprefix("对").removesuffix("的行政处罚")


# --- Licensing decisions published (双公示) ------------------------------------------------


def _load_licensing_publicity(rng: random.Random) -> int:
    """Publicity records for 106 of the year's licensing decisions on matters
    marked for publicity: road permits (超限运输、涉路施工) first, the rest drawn
    at random; each published within 7 working days, inside 2023."""
    from licensing.models import Application

    last = dt.datetime(2023, 12, 15, tzinfo=LOCAL_TZ)
    candidates = list(
        Application.objects.filter(
            matter__publicity_required=True,
            matter__power_type=PowerType.LICENSING,
            result="准予",
            decided_at__gte=dt.datetime(YEAR, 1, 1, tzinfo=LOCAL_TZ),
            decided_at__lt=last,
            is_test=False,
        )
        .select_related("matter")
        .order_by("number")
    )
    road = [a for a in candidates if "超限" in a.matter.name or "涉路" in a.matter.name]
    rest = [a for a in candidates if a not in set(road)]
    chosen = road[:LICENSING_PUBLISHED]
    chosen += rng.sample(rest, min(len(rest), LICENSING_PUBLISHED - len(chosen)))
    records = []
    for application in chosen:
        decided = timezone.localdate(application.decided_at)
        records.append(
            PublicityRecord(
                kind=PublicityRecord.Kind.LICENSING,
                application=application,
                decision_no=application.number,
                title=application.matter.name,
                party_name=application.applicant_name,
                party_type=application.applicant_type,
                party_code=application.applicant_id_number,
                content="准予行政许可",
                decision_date=decided,
                due_on=add_working_days(decided, 7),
                published_on=add_working_days(decided, rng.randint(1, 5)),
                channel="河南省交通综合执法信息系统—信用河南",
            )
        )
    PublicityRecord.objects.bulk_create(records)
    return len(records)
