"""Penalty cases for ``manage.py generate_load --cases N``: decided cases of past
years (on-the-spot decisions, general-procedure decisions with 法制审核 for the
major ones, a few late past the 90-day limit, a few not penalised, cancelled or
transferred), with the publicity (双公示) of most decisions, and cases still
open in the last weeks; spread over the penalty matters and the brigade's
squads. Every enforcement.* figure has something to count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from jiaotong.loadgen import LoadContext, copy_rows, generator
from jiaotong.models import Matter, OrgUnit, User
from jiaotong.registry.models import PowerType
from jiaotong.roles import ROLE_REVIEWER

from .models import (
    DECISION_DAYS,
    CaseSource,
    LegalReview,
    Officer,
    Outcome,
    PenaltyCase,
    PenaltyType,
    Procedure,
    PublicityRecord,
)

S = PenaltyCase.Status
NUMBER_PREFIX = "GEN"
PLACES = ["G343线睢县段", "S211线睢县段", "S325线睢县段", "X011线", "睢县汽车站"]
PLATE_LETTERS = "ABCDEFGHJK"
OPEN_STATES = [S.FILED, S.INVESTIGATING, S.INVESTIGATED, S.NOTIFIED, S.UNDER_REVIEW]
# Cases filed within this many days of today may still be open.
OPEN_WINDOW_DAYS = 60
CHECKLIST = dict.fromkeys(LegalReview.CHECKLIST, True)


@generator("cases", model=PenaltyCase, help="行政处罚案件数")
def cases(ctx: LoadContext, count: int) -> int:
    matters = list(
        Matter.objects.filter(
            power_type=PowerType.PENALTY, repealed_on__isnull=True
        ).values_list("pk", "name")
    )
    units = list(
        OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.SQUAD, OrgUnit.Kind.BRIGADE]
        ).values_list("pk", flat=True)
    ) or list(
        OrgUnit.objects.exclude(
            kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.BUREAU]
        ).values_list("pk", flat=True)
    )
    if not matters or not units:
        raise CommandError("没有处罚事项或办案单位：请先运行 load_demo。")
    officers = list(Officer.objects.values_list("pk", "user_id"))
    reviewers = list(
        User.objects.filter(groups__name=ROLE_REVIEWER).values_list("pk", flat=True)
    ) or [None]
    start = PenaltyCase.objects.filter(number__startswith=f"{NUMBER_PREFIX}-").count()
    now = timezone.now()
    # number -> (matter name, review plan, publicity plan, officer pks, party)
    extras: dict[str, tuple] = {}

    def rows():
        rng = ctx.rng
        for n in range(start + 1, start + count + 1):
            day = ctx.day()
            filed_at = ctx.moment(day)
            matter_id, matter_name = rng.choice(matters)
            name, party_type, id_number, phone = ctx.people.pick(0.25)
            team = rng.sample(officers, min(2, len(officers)))
            number = f"{NUMBER_PREFIX}-{day.year}-{n:08d}"
            row = {
                "number": number,
                "year": None,
                "sequence": None,
                "status": S.FILED,
                "procedure": Procedure.GENERAL,
                "source": rng.choices(CaseSource.values, weights=[45, 15, 8, 7, 20, 5])[
                    0
                ],
                "source_ticket_id": None,
                "party_type": party_type,
                "party_name": name,
                "party_id_number": id_number,
                "party_address": "河南省商丘市睢县",
                "party_phone": phone,
                "enterprise_id": None,
                "plate": f"豫N{rng.choice(PLATE_LETTERS)}{rng.randrange(10000):04d}",
                "matter_id": matter_id,
                "discretion_item_id": None,
                "discretion_departure_reason": "",
                "unit_id": rng.choice(units),
                "occurred_at": filed_at - dt.timedelta(hours=rng.randint(0, 48)),
                "location": rng.choice(PLACES),
                "facts": f"经查，当事人{_violation(matter_name)}，违法事实清楚（第{n}起）。",
                "legal_basis": "《中华人民共和国道路运输条例》相关条款",
                "penalty_types": "",
                "fine": Decimal("0"),
                "is_complex": False,
                "outcome": "",
                "filed_at": filed_at,
                "investigation_started_at": None,
                "investigated_at": None,
                "notified_at": None,
                "statement_waived": False,
                "statement": "",
                "discussed_at": None,
                "discussion_record": "",
                "decided_at": None,
                "decision_reason": "",
                "copy_filed_at": None,
                "served_at": None,
                "service_method": "",
                "paid_at": None,
                "paid_amount": None,
                "closed_at": None,
                "cancelled_at": None,
                "cancel_reason": "",
                "extension_days": 0,
                "overdue_flagged_at": None,
                "is_test": False,
                "created_by_id": team[0][1] if team else None,
                "created_at": filed_at,
                "updated_at": filed_at,
            }
            recent = (now - filed_at).days < OPEN_WINDOW_DAYS
            if recent and rng.random() < 0.7:
                _open(ctx, row)
                review = publicity = None
            else:
                review, publicity = _finish(ctx, row, now)
            party = (name, party_type, id_number, row["penalty_types"], row["fine"])
            extras[number] = (matter_name, review, publicity, team, party)
            yield row

    written = copy_rows(PenaltyCase, rows())
    ids = dict(
        PenaltyCase.objects.filter(number__startswith=f"{NUMBER_PREFIX}-").values_list(
            "number", "pk"
        )
    )
    copy_rows(LegalReview, _reviews(ctx, extras, ids, reviewers))
    copy_rows(PublicityRecord, _publicity(extras, ids))
    copy_rows(PenaltyCase.officers.through, _teams(extras, ids))
    if connection.vendor == "postgresql":
        # VACUUM needs to be outside the transaction; ANALYZE does not.
        with connection.cursor() as cursor:
            for model in (LegalReview, PublicityRecord, PenaltyCase.officers.through):
                cursor.execute(
                    f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                )
    return written


def _violation(matter_name: str) -> str:
    return matter_name.removeprefix("对").removesuffix("的行政处罚")


def _open(ctx: LoadContext, row: dict) -> None:
    status = ctx.rng.choice(OPEN_STATES)
    row["status"] = status
    if status != S.FILED:
        row["investigation_started_at"] = row["filed_at"] + dt.timedelta(hours=3)
    if status in (S.INVESTIGATED, S.NOTIFIED, S.UNDER_REVIEW):
        row["investigated_at"] = row["filed_at"] + dt.timedelta(days=5)
    if status in (S.NOTIFIED, S.UNDER_REVIEW):
        row["notified_at"] = row["filed_at"] + dt.timedelta(days=6)


def _fine(ctx: LoadContext, row: dict, simple: bool) -> None:
    rng = ctx.rng
    person = row["party_type"] == "自然人"
    if simple:
        amount = rng.choice([50, 100, 200]) if person else rng.choice([500, 1000, 3000])
    else:
        amount = (
            rng.choice([300, 500, 1000, 2000, 5000])
            if person
            else rng.choice([2000, 5000, 10000, 30000])
        )
    if rng.random() < 0.08:
        row["penalty_types"] = PenaltyType.WARNING
        return
    row["penalty_types"] = PenaltyType.FINE
    row["fine"] = Decimal(amount)


def _finish(ctx: LoadContext, row: dict, now: dt.datetime):
    """A case that reached its end; returns its review and publicity plans:
    ``(review rounds [(concluded_at, result)], (decided_at, published days))``."""
    rng = ctx.rng
    filed_at = row["filed_at"]
    fate = rng.random()
    if fate < 0.32:  # 简易程序: decided on the spot
        row["procedure"] = Procedure.SIMPLE
        row["source"] = CaseSource.PATROL
        decided = filed_at + dt.timedelta(minutes=rng.randint(20, 60))
        row.update(
            decided_at=decided,
            served_at=decided,
            copy_filed_at=decided + dt.timedelta(days=rng.randint(1, 4)),
            service_method="直接送达",
        )
        _fine(ctx, row, simple=True)
        return None, _decided(ctx, row, now)
    row["investigation_started_at"] = filed_at + dt.timedelta(hours=2)
    investigated = filed_at + dt.timedelta(days=rng.randint(8, 25))
    row["investigated_at"] = investigated
    if fate < 0.37:
        row.update(
            outcome=Outcome.NO_PENALTY,
            status=S.CLOSED,
            decided_at=investigated + dt.timedelta(days=2),
            decision_reason="违法行为轻微并及时改正，没有造成危害后果（首违不罚）",
            closed_at=investigated + dt.timedelta(days=5),
        )
        return None, None
    if fate < 0.40:
        row.update(
            outcome=Outcome.CANCELLED,
            status=S.CANCELLED,
            cancelled_at=investigated,
            cancel_reason="经调查，违法事实不能成立",
        )
        return None, None
    if fate < 0.42:
        row.update(
            outcome=Outcome.TRANSFER,
            status=S.TRANSFERRED,
            decided_at=investigated + dt.timedelta(days=1),
            decision_reason="涉嫌犯罪，移送公安机关",
        )
        return None, None
    notified = investigated + dt.timedelta(days=rng.randint(1, 3))
    row["notified_at"] = notified
    decided = notified + dt.timedelta(days=rng.randint(5, 30))
    late = rng.random()
    if late < 0.05:  # past the 90-day limit (some covered by an extension)
        decided = filed_at + dt.timedelta(days=DECISION_DAYS + rng.randint(2, 40))
        if late < 0.02:
            row["extension_days"] = 60
    row.update(
        decided_at=decided,
        served_at=decided + dt.timedelta(days=rng.randint(0, 3)),
        service_method=rng.choice(["直接送达"] * 4 + ["邮寄送达"]),
    )
    _fine(ctx, row, simple=False)
    review = None
    if row["fine"] >= 5000 or rng.random() < 0.25:  # 重大执法决定: 法制审核
        row["is_complex"] = row["fine"] >= 30000
        concluded = decided - dt.timedelta(days=rng.randint(1, 4))
        review = [(concluded, "同意")]
        if rng.random() < 0.1:
            review.insert(0, (concluded - dt.timedelta(days=7), "退回补充调查"))
    return review, _decided(ctx, row, now)


def _decided(ctx: LoadContext, row: dict, now: dt.datetime):
    """A penalty decision: paid and closed (or still being executed), published
    within days in most cases."""
    rng = ctx.rng
    row["outcome"] = Outcome.PENALTY
    row["status"] = S.CLOSED
    paid = row["served_at"] + dt.timedelta(days=rng.randint(0, 14))
    row["paid_at"] = paid
    row["paid_amount"] = row["fine"]
    row["closed_at"] = paid + dt.timedelta(days=rng.randint(1, 10))
    if row["closed_at"] > now:
        row.update(status=S.SERVED, paid_at=None, paid_amount=None, closed_at=None)
    row["updated_at"] = row["closed_at"] or row["decided_at"]
    published = rng.choice([1, 2, 3, 5, 7, 9]) if rng.random() < 0.93 else None
    return row["decided_at"], published


def _reviews(ctx: LoadContext, extras: dict, ids: dict, reviewers: list):
    for number, (_, review, _, team, _) in extras.items():
        submitter = team[0][1] if team else None
        for concluded, result in review or ():
            agree = result == "同意"
            yield {
                "case_id": ids[number],
                "submitted_at": concluded - dt.timedelta(days=2),
                "submitted_by_id": submitter,
                "reviewer_id": ctx.rng.choice(reviewers),
                **(CHECKLIST if agree else dict.fromkeys(CHECKLIST, False)),
                "result": result,
                "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。"
                if agree
                else "证据不足，请补充调查后重新送审。",
                "concluded_at": concluded,
            }


def _publicity(extras: dict, ids: dict):
    from jiaotong.dates import local_date

    for number, (title, _, publicity, _, party) in extras.items():
        if publicity is None:
            continue
        decided_at, published_after = publicity
        decided = local_date(decided_at)
        name, party_type, code, penalties, fine = party
        yield {
            "kind": PublicityRecord.Kind.PENALTY,
            "case_id": ids[number],
            "application_id": None,
            "decision_no": number,
            "title": title[:200],
            "party_name": name,
            "party_type": party_type,
            "party_code": code,
            "content": penalties + (f"，罚款{fine:.0f}元" if fine else ""),
            "decision_date": decided,
            "due_on": decided + dt.timedelta(days=9),
            "channel": "信用河南",
            "published_on": decided + dt.timedelta(days=published_after)
            if published_after is not None
            else None,
            "published_by_id": None,
            "withdraw_due": None,
            "withdrawn_on": None,
            "withdraw_reason": "",
            "created_at": decided_at,
        }


def _teams(extras: dict, ids: dict):
    for number, (_, _, _, team, _) in extras.items():
        for officer_id, _ in team:
            yield {"penaltycase_id": ids[number], "officer_id": officer_id}
