"""Mediation cases and petitions (DOMAIN.md §7.3)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.workflow import WorkflowError, required_text

from ..models import (
    Mediation,
    Petition,
)
from ..workflow import (
    MEDIATION_WORKFLOW,
    PETITION_WORKFLOW,
)
from .common import (
    apply_changes,
    create_record,
    local_day,
    not_future,
    now_or,
    update_record,
)

# --- Mediation and petitions -----------------------------------------------------------


@transaction.atomic
def mediation_create(*, by, unit, **data) -> Mediation:
    """Register an application for mediation (调解申请)."""
    if Mediation.objects.filter(number=data.get("number")).exists():
        raise ValidationError({"number": "该案号已登记。"})
    return create_record(Mediation, by=by, action="mediation_create", unit=unit, **data)


@transaction.atomic
def mediation_update(*, mediation: Mediation, by, **data) -> Mediation:
    mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
    if mediation.status == Mediation.Status.CLOSED:
        raise WorkflowError("已结案的调解案件不能修改。")
    return update_record(mediation, by=by, action="mediation_update", data=data)


@transaction.atomic
def mediation_accept(
    *, mediation: Mediation, by, moment: dt.datetime | None = None
) -> Mediation:
    mediation = MEDIATION_WORKFLOW.begin(mediation, "accept", by)
    accepted_at = now_or(moment)
    not_future(accepted_at, "受理时间")
    if local_day(accepted_at) < mediation.applied_on:
        raise ValidationError({"moment": "受理时间不能早于申请日期。"})
    changes = apply_changes(mediation, {"accepted_at": accepted_at})
    return MEDIATION_WORKFLOW.finish(mediation, "accept", by, changes=changes)


@transaction.atomic
def mediation_not_accept(*, mediation: Mediation, by, note: str) -> Mediation:
    mediation = MEDIATION_WORKFLOW.begin(mediation, "not_accept", by)
    mediation.not_accepted_reason = required_text(note, "不予受理理由")
    return MEDIATION_WORKFLOW.finish(
        mediation, "not_accept", by, reason=mediation.not_accepted_reason
    )


def _conclusion_time(mediation: Mediation, moment: dt.datetime | None):
    concluded_at = now_or(moment)
    not_future(concluded_at, "时间")
    if concluded_at < mediation.accepted_at:
        raise ValidationError({"concluded_at": "调解结束时间不能早于受理时间。"})
    return concluded_at


@transaction.atomic
def mediation_agree(
    *,
    mediation: Mediation,
    by,
    agreement: str,
    notes: str = "",
    concluded_at: dt.datetime | None = None,
) -> Mediation:
    """The parties signed an agreement (调解协议书)."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "agree", by)
    changes = apply_changes(
        mediation,
        {
            "agreement": required_text(agreement, "调解协议内容"),
            "notes": notes.strip() or mediation.notes,
            "concluded_at": _conclusion_time(mediation, concluded_at),
        },
    )
    return MEDIATION_WORKFLOW.finish(mediation, "agree", by, changes=changes)


@transaction.atomic
def mediation_terminate(*, mediation: Mediation, by, note: str) -> Mediation:
    """No agreement (or a party withdrew): the parties are pointed to
    arbitration or the courts."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "terminate", by)
    mediation.termination_reason = required_text(note, "终止原因")
    mediation.concluded_at = _conclusion_time(mediation, None)
    return MEDIATION_WORKFLOW.finish(
        mediation, "terminate", by, reason=mediation.termination_reason
    )


@transaction.atomic
def mediation_close(*, mediation: Mediation, by, note: str) -> Mediation:
    """履行回访 and close the file."""
    mediation = MEDIATION_WORKFLOW.begin(mediation, "close", by)
    mediation.follow_up = required_text(note, "回访情况")
    mediation.closed_at = timezone.now()
    return MEDIATION_WORKFLOW.finish(mediation, "close", by, reason=mediation.follow_up)


@transaction.atomic
def petition_create(*, by, unit, **data) -> Petition:
    if Petition.objects.filter(number=data.get("number")).exists():
        raise ValidationError({"number": "该信访编号已登记。"})
    return create_record(Petition, by=by, action="petition_create", unit=unit, **data)


@transaction.atomic
def petition_update(*, petition: Petition, by, **data) -> Petition:
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    return update_record(petition, by=by, action="petition_update", data=data)


@transaction.atomic
def petition_resolve(
    *, petition: Petition, by, resolution: str, resolved_at: dt.datetime | None = None
) -> Petition:
    petition = PETITION_WORKFLOW.begin(petition, "resolve", by)
    moment = now_or(resolved_at)
    not_future(moment, "解决时间")
    if local_day(moment) < petition.received_on:
        raise ValidationError({"resolved_at": "解决时间不能早于接访日期。"})
    changes = apply_changes(
        petition,
        {"resolution": required_text(resolution, "解决情况"), "resolved_at": moment},
    )
    return PETITION_WORKFLOW.finish(petition, "resolve", by, changes=changes)
