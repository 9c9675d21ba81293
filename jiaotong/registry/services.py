"""Writes to the shared registries: the power list (Matter) and the enterprises.

The registry edit pages and the spreadsheet imports both call these services,
so a record changes the same way whichever door the change came through: the
values are validated, the record is saved, and one ``AuditEvent`` lists the
fields that changed as ``{field: [old, new]}``.  An upsert whose values equal
what is stored changes nothing and writes no event (imports are idempotent).

Decisions recorded here:

- ``Matter.pinyin_initials`` is derived from the name on every save through
  ``matter_upsert`` (pypinyin first letters, upper case), so search by 拼音首字母
  always matches the current name.
- 告知承诺 turning from 否 to 是 on an *existing* matter is a dated adjustment of
  the power list (权责清单动态调整): it records ``MatterChange(kind="告知承诺",
  effective_on=today)``.  A matter created with 告知承诺=是 gets no change row
  (it is the list's starting state, not an adjustment), and turning it back to
  否 is recorded only by the audit event.
- A credit-grade change of an existing enterprise always records a
  ``CreditGradeChange`` (cause given by the caller: ``import`` for imports,
  ``manual`` by default).  A new enterprise's first grade is its starting state
  and records none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from jiaotong.audit.changes import (
    UNCHANGED,
    apply_changes,
    locked_or_new,
    record_upsert,
)
from jiaotong.audit.services import audit_record
from jiaotong.validators import validate_credit_code

from .models import CreditGrade, CreditGradeChange, Enterprise, Matter, MatterChange

MATTER_FIELDS = frozenset(
    {
        "name",
        "power_type",
        "basis",
        "statutory_limit_days",
        "promised_limit_days",
        "source",
        "notify_commit",
        "publicity_required",
        "effective_from",
        "repealed_on",
        "unit",
    }
)
ENTERPRISE_FIELDS = frozenset(
    {
        "name",
        "industry",
        "town",
        "credit_grade",
        "contact",
        "phone",
        "address",
        "key_supervision",
    }
)


def pinyin_initials(name: str) -> str:
    """道路运输经营许可 → DLYSJYXK (non-Chinese characters are kept as typed)."""
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER)).upper()[:200]


def _check_matter(matter: Matter, *, exclude=()) -> None:
    errors = {}
    if (
        matter.effective_from
        and matter.repealed_on
        and matter.repealed_on < matter.effective_from
    ):
        errors["repealed_on"] = "废止日期不能早于生效日期。"
    if (
        matter.statutory_limit_days is not None
        and matter.promised_limit_days is not None
        and matter.promised_limit_days > matter.statutory_limit_days
    ):
        errors["promised_limit_days"] = "承诺时限不能超过法定时限。"
    if errors:
        raise ValidationError(errors)
    # Field shape (choices, lengths, required name); uniqueness is the lookup's.
    matter.full_clean(
        exclude=exclude, validate_unique=False, validate_constraints=False
    )


def _matter_changes(matter: Matter, values: dict[str, Any]) -> dict:
    """``apply_changes`` of ``values``, and the 拼音首字母 derived from the name."""
    changes = apply_changes(matter, values, MATTER_FIELDS)
    initials = pinyin_initials(matter.name)
    if matter.pinyin_initials != initials:
        changes["pinyin_initials"] = [matter.pinyin_initials, initials]
        matter.pinyin_initials = initials
    return changes


NOTIFY_COMMIT_NOTE = "告知承诺由“否”改为“是”。"


@transaction.atomic
def matter_upsert(
    *, code: str, values: dict[str, Any], by, actor_name: str = ""
) -> tuple[Matter, str]:
    """Create the matter with this 事项编码 or update the fields given in ``values``.

    ``values`` holds model field names (``MATTER_FIELDS``); fields not named keep
    their stored value.  Raises ``ValidationError`` (keyed by field) when the
    result would break a rule: 废止日期 before 生效日期, 承诺时限 above 法定时限,
    a value outside its choices.  Returns ``(matter, created|updated|unchanged)``.
    """
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "事项编码不能为空。"})
    matter, created = locked_or_new(Matter, code=code)
    was_notify_commit = matter.notify_commit
    changes = _matter_changes(matter, values)
    if not created and not changes:
        return matter, UNCHANGED
    _check_matter(matter)
    matter.save()
    if not created and matter.notify_commit and not was_notify_commit:
        MatterChange.objects.get_or_create(
            matter=matter,
            kind=MatterChange.Kind.NOTIFY_COMMIT,
            effective_on=timezone.localdate(),
            defaults={"note": NOTIFY_COMMIT_NOTE},
        )
    return matter, record_upsert(
        matter, created=created, changes=changes, by=by, actor_name=actor_name
    )


def _grade_change(
    enterprise: Enterprise, from_grade: str, *, changed_on, cause, reason
) -> CreditGradeChange:
    """The (unsaved) record of an enterprise's new grade."""
    return CreditGradeChange(
        enterprise=enterprise,
        from_grade=from_grade,
        to_grade=enterprise.credit_grade,
        changed_on=changed_on,
        cause=cause,
        reason=reason,
    )


def _record_grade_change(
    enterprise: Enterprise, from_grade: str, *, changed_on, cause, reason
) -> CreditGradeChange:
    change = _grade_change(
        enterprise, from_grade, changed_on=changed_on, cause=cause, reason=reason
    )
    change.save(force_insert=True)
    return change


@transaction.atomic
def enterprise_upsert(
    *,
    credit_code: str,
    values: dict[str, Any],
    by,
    actor_name: str = "",
    grade_cause: str = CreditGradeChange.Cause.MANUAL,
    grade_reason: str = "",
) -> tuple[Enterprise, str]:
    """Create the enterprise with this 统一社会信用代码 or update the fields given.

    The code is checked (GB 32100 check character) and normalised.  A changed
    credit grade of an existing enterprise also records a ``CreditGradeChange``
    dated today with ``grade_cause``.  Returns ``(enterprise, outcome)``.
    """
    try:
        credit_code = validate_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from exc
    enterprise, created = locked_or_new(Enterprise, credit_code=credit_code)
    from_grade = enterprise.credit_grade
    changes = apply_changes(enterprise, values, ENTERPRISE_FIELDS)
    if not created and not changes:
        return enterprise, UNCHANGED
    enterprise.full_clean(validate_unique=False, validate_constraints=False)
    enterprise.save()
    if not created and "credit_grade" in changes:
        _record_grade_change(
            enterprise,
            from_grade,
            changed_on=timezone.localdate(),
            cause=grade_cause,
            reason=grade_reason,
        )
    reason = grade_reason if "credit_grade" in changes else ""
    return enterprise, record_upsert(
        enterprise,
        created=created,
        changes=changes,
        by=by,
        actor_name=actor_name,
        reason=reason,
    )


@transaction.atomic
def enterprise_change_grade(
    *,
    enterprise: Enterprise,
    to_grade: str,
    changed_on: dt.date,
    cause: str,
    reason: str = "",
    by,
    actor_name: str = "",
) -> CreditGradeChange:
    """Set an enterprise's credit grade and record the dated change with its cause.

    Refuses (``ValidationError``) a grade outside A–D, an unknown cause, or the
    grade the enterprise already has.  Writes one audit event.
    """
    if to_grade not in CreditGrade.values:
        raise ValidationError({"credit_grade": "信用等级应为 A、B、C、D 之一。"})
    if cause not in CreditGradeChange.Cause.values:
        raise ValidationError({"cause": "原因类型不正确。"})
    # Re-read under lock: two concurrent changes must not record the same from_grade.
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    from_grade = locked.credit_grade
    if from_grade == to_grade:
        raise ValidationError({"credit_grade": f"信用等级已是 {to_grade}，无需调整。"})
    locked.credit_grade = enterprise.credit_grade = to_grade
    locked.save(update_fields=["credit_grade", "updated_at"])
    enterprise = locked
    change = _record_grade_change(
        enterprise, from_grade, changed_on=changed_on, cause=cause, reason=reason
    )
    audit_record(
        by=by,
        actor_name=actor_name,
        action="enterprise_change_grade",
        obj=enterprise,
        from_state=from_grade,
        to_state=to_grade,
        reason=reason,
        changes={"credit_grade": [from_grade, to_grade], "cause": cause},
    )
    return change
