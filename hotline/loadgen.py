"""Hotline tickets for ``manage.py generate_load --tickets N``: closed tickets of
past years (handled, answered on the call, a few not accepted) and open ones in
the last weeks, spread over sources, areas and handling units."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from jiaotong.loadgen import LoadContext, copy_rows, generator
from jiaotong.models import Enterprise, OrgUnit

from .models import (
    OPEN_STATUSES,
    Area,
    Category,
    ClosureKind,
    FollowUpResult,
    Source,
    Status,
    Ticket,
)

NUMBER_PREFIX = "GEN"
PLACES = [
    "睢县汽车站",
    "县城北关",
    "蓼堤镇",
    "尤吉屯乡",
    "城郊乡",
    "G343 国道",
    "S211 省道",
]


@generator("tickets", model=Ticket, help="热线工单数")
def tickets(ctx: LoadContext, count: int) -> int:
    units = list(
        OrgUnit.objects.exclude(
            kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.BUREAU]
        ).values_list("pk", flat=True)
    )
    if not units:
        raise CommandError("没有承办单位：请先运行 load_demo。")
    enterprises = list(Enterprise.objects.values_list("pk", flat=True)[:5000])
    start = Ticket.objects.filter(ticket_no__startswith=f"{NUMBER_PREFIX}-").count()
    now = timezone.now()

    def rows():
        rng = ctx.rng
        for n in range(start + 1, start + count + 1):
            day = ctx.day()
            received_at = ctx.moment(day, earliest=0, span=24 * 60)
            area = rng.choice(Area.values)
            category = rng.choices(Category.values, weights=[40, 10, 35, 8, 5, 2])[0]
            due = day + dt.timedelta(days=rng.choice([3, 7, 14]))
            recent = (now - received_at).days < 15
            status = rng.choice(OPEN_STATUSES) if recent else Status.CLOSED
            dispatched = status != Status.RECEIVED
            row = {
                "ticket_no": f"{NUMBER_PREFIX}-{day.year}-{n:08d}",
                "source": rng.choices(Source.values, weights=[60, 40])[0],
                "received_at": received_at,
                "category": category,
                "area": area,
                "content": f"来电人反映{area}方面的{category}事项，请核实处理（第{n}件）。",
                "location": rng.choice(PLACES),
                "caller_name": ctx.people.pick(0)[0],
                "caller_phone": ctx.people.phone(),
                "caller_confidential": category == Category.REPORT
                and rng.random() < 0.5,
                "reply_wanted": True,
                "enterprise_id": rng.choice(enterprises)
                if enterprises and rng.random() < 0.3
                else None,
                "plate": "",
                "unit_id": rng.choice(units) if dispatched else None,
                "status": status,
                "due_date": due,
                "dispatched_at": received_at + dt.timedelta(minutes=30)
                if dispatched
                else None,
                "signed_at": None,
                "reply_text": "",
                "replied_at": None,
                "follow_up_result": "",
                "follow_up_note": "",
                "followed_up_at": None,
                "reopen_count": 0,
                "closure_kind": "",
                "rejection_ground": "",
                "closed_at": None,
                "supervised": False,
                "is_test": False,
                "created_at": received_at,
                "updated_at": received_at,
            }
            if status == Status.CLOSED:
                _close(ctx, row, received_at)
            yield row

    written = copy_rows(Ticket, rows())
    return written


def _close(ctx: LoadContext, row: dict, received_at: dt.datetime) -> None:
    rng = ctx.rng
    fate = rng.random()
    if fate < 0.15:  # answered on the call
        row.update(
            unit_id=None,
            dispatched_at=None,
            closure_kind=ClosureKind.ON_CALL,
            reply_text="已在通话中答复来电人。",
            replied_at=received_at + dt.timedelta(minutes=10),
            closed_at=received_at + dt.timedelta(minutes=10),
        )
        return
    if fate < 0.17:
        row.update(
            unit_id=None,
            dispatched_at=None,
            closure_kind=ClosureKind.NOT_ACCEPTED,
            rejection_ground="other",
            closed_at=received_at + dt.timedelta(hours=1),
        )
        return
    replied = received_at + dt.timedelta(days=rng.randint(1, 6), hours=2)
    row.update(
        signed_at=received_at + dt.timedelta(hours=2),
        reply_text="已核实处理并答复来电人。",
        replied_at=replied,
        follow_up_result=rng.choices(FollowUpResult.values, weights=[75, 15, 6, 4])[0],
        followed_up_at=replied + dt.timedelta(days=1),
        closure_kind=ClosureKind.HANDLED,
        closed_at=replied + dt.timedelta(days=1, hours=1),
        updated_at=replied + dt.timedelta(days=1, hours=1),
    )
