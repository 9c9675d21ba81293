"""Window applications for ``manage.py generate_load --applications N``: closed
applications of past years (a few withdrawn, refused or denied) and some still
running in the current year, spread over the window matters and units."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from jiaotong.loadgen import LoadContext, copy_rows, generator
from jiaotong.models import Matter, OrgUnit, User
from jiaotong.registry.models import PowerType
from jiaotong.roles import ROLE_WINDOW

from .models import WINDOW_POWER_TYPES, Application, Channel, Evaluation, Result

S = Application.Status
NUMBER_PREFIX = "GEN"
# Share of the rows in the window unit; the rest in the other units (a city
# bureau's counties, or agencies with their own windows).
WINDOW_SHARE = 0.7


@generator("applications", model=Application, help="窗口办件数")
def applications(ctx: LoadContext, count: int) -> int:
    matters = list(
        Matter.objects.filter(
            power_type__in=WINDOW_POWER_TYPES, repealed_on__isnull=True
        ).values_list("pk", "power_type", "promised_limit_days")
    )
    units = list(
        OrgUnit.objects.exclude(kind__in=[OrgUnit.Kind.TOWN, OrgUnit.Kind.BUREAU])
        .order_by("path")
        .values_list("pk", "code")
    )
    if not matters or not units:
        raise CommandError("没有窗口事项或单位：请先运行 load_demo。")
    window = [pk for pk, code in units if code == "JTJ-XZSP"] or [units[0][0]]
    others = [pk for pk, _ in units] or window
    clerks = list(
        User.objects.filter(groups__name=ROLE_WINDOW).values_list("pk", flat=True)
    ) or [None]
    start = Application.objects.filter(number__startswith=f"{NUMBER_PREFIX}-").count()
    now = timezone.now()

    def rows():
        rng = ctx.rng
        for n in range(start + 1, start + count + 1):
            matter_id, power_type, promised = rng.choice(matters)
            day = ctx.day()
            received_at = ctx.moment(day)
            limit = promised if promised is not None else 5
            # Calendar days for the working days (weekends; holidays ignored).
            due = day + dt.timedelta(days=limit + 2 * (limit // 5) + 2)
            licence = power_type == PowerType.LICENSING
            running = (now - received_at).days < 20 and rng.random() < 0.6
            name, kind, id_number, phone = ctx.people.pick()
            row = {
                "number": f"{NUMBER_PREFIX}-{day.year}-{n:08d}",
                "matter_id": matter_id,
                "applicant_name": name,
                "applicant_type": kind,
                "applicant_id_number": id_number,
                "applicant_phone": phone,
                "channel": rng.choices(Channel.values, weights=[70, 26, 4])[0],
                "status": S.CLOSED,
                "notify_commit": licence and rng.random() < 0.05,
                "deemed_accepted": False,
                "clerk_id": rng.choice(clerks),
                "unit_id": rng.choice(window)
                if rng.random() < WINDOW_SHARE
                else rng.choice(others),
                "received_at": received_at,
                "accepted_at": received_at,
                "not_accepted_at": None,
                "not_accepted_reason": "",
                "decided_at": None,
                "result": "",
                "decision_reason": "",
                "remedies": "",
                "completed_at": None,
                "withdrawn_at": None,
                "revoked_at": None,
                "promised_due_date": due if promised is not None else None,
                "due_date": due if promised is not None else None,
                "statutory_due_date": day + dt.timedelta(days=28),
                "paused_days": 0,
                "overdue_flagged_at": None,
                "evaluation": "",
                "evaluated_at": None,
                "is_test": False,
                "created_at": received_at,
                "updated_at": received_at,
            }
            if running:
                row["status"] = rng.choice([S.RECEIVED, S.ACCEPTED, S.UNDER_REVIEW])
                if row["status"] == S.RECEIVED:
                    row["accepted_at"] = None
            else:
                _finish(ctx, row, received_at, licence)
            yield row

    written = copy_rows(Application, rows())
    return written


def _finish(ctx: LoadContext, row: dict, received_at: dt.datetime, licence: bool):
    """A completed application: mostly granted or done; a few refused at the
    door, withdrawn or denied."""
    rng = ctx.rng
    done_at = received_at + dt.timedelta(
        days=rng.choice([0, 0, 1, 1, 2, 3, 5, 7]), minutes=rng.randint(15, 120)
    )
    fate = rng.random()
    if fate < 0.03:
        row.update(
            status=S.NOT_ACCEPTED,
            accepted_at=None,
            not_accepted_at=done_at,
            not_accepted_reason="申请事项不属于本机关职权范围",
        )
        return
    if fate < 0.05:
        row.update(status=S.WITHDRAWN, withdrawn_at=done_at)
        return
    result = Result.DONE
    if licence:
        result = Result.DENIED if fate < 0.065 else Result.APPROVED
    row.update(
        status=S.CLOSED,
        result=result,
        decided_at=done_at if licence else None,
        decision_reason="经审查，申请人不符合法定条件"
        if result == Result.DENIED
        else "",
        completed_at=done_at,
        updated_at=done_at,
    )
    if rng.random() < 0.85:
        row["evaluation"] = rng.choices(
            Evaluation.values, weights=[70, 22, 6, 1.5, 0.5]
        )[0]
        row["evaluated_at"] = done_at + dt.timedelta(minutes=5)
