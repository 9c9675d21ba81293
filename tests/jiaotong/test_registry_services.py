"""Writes to the power list and the enterprise register (jiaotong.registry.services)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from jiaotong.imports.framework import CREATED, UNCHANGED, UPDATED
from jiaotong.registry.services import (
    enterprise_change_grade,
    enterprise_upsert,
    matter_upsert,
)

from jiaotong.models import AuditEvent, CreditGradeChange, Matter, MatterChange
from tests.factories import credit_code, make_enterprise, make_matter

pytestmark = pytest.mark.django_db


def test_matter_upsert_creates_with_pinyin_and_audits_every_field(sysadmin):
    matter, outcome = matter_upsert(
        code="JT-1",
        values={"name": "巡游出租汽车经营许可", "power_type": "行政许可"},
        by=sysadmin,
    )

    assert outcome == CREATED
    assert matter.pk and matter.pinyin_initials == "XYCZQCJYXK"
    event = AuditEvent.objects.for_object(matter).get()
    assert event.action == "matter_create"
    assert event.actor == sysadmin
    assert set(event.changes) == {"name", "power_type", "pinyin_initials"}


def test_matter_upsert_with_the_stored_values_is_unchanged_and_silent(sysadmin):
    matter_upsert(
        code="JT-1", values={"name": "名称", "power_type": "行政许可"}, by=sysadmin
    )
    events = AuditEvent.objects.count()

    matter, outcome = matter_upsert(
        code="JT-1", values={"name": "名称", "power_type": "行政许可"}, by=sysadmin
    )

    assert outcome == UNCHANGED
    assert AuditEvent.objects.count() == events


def test_matter_upsert_fills_missing_pinyin_of_an_existing_matter(sysadmin):
    matter = make_matter("JT-1", name="公交线路审批")
    assert matter.pinyin_initials == ""

    _, outcome = matter_upsert(code="JT-1", values={}, by=sysadmin)

    matter.refresh_from_db()
    assert outcome == UPDATED
    assert matter.pinyin_initials == "GJXLSP"


def test_matter_upsert_refuses_promised_above_statutory(sysadmin):
    make_matter("JT-1", statutory_limit_days=5)

    with pytest.raises(ValidationError) as caught:
        matter_upsert(code="JT-1", values={"promised_limit_days": 6}, by=sysadmin)

    assert caught.value.message_dict == {
        "promised_limit_days": ["承诺时限不能超过法定时限。"]
    }
    assert Matter.objects.get(code="JT-1").promised_limit_days is None


def test_matter_upsert_refuses_repeal_before_effect(sysadmin):
    with pytest.raises(ValidationError) as caught:
        matter_upsert(
            code="JT-1",
            values={
                "name": "名称",
                "power_type": "行政许可",
                "effective_from": dt.date(2023, 5, 1),
                "repealed_on": dt.date(2023, 1, 1),
            },
            by=sysadmin,
        )

    assert "repealed_on" in caught.value.message_dict
    assert not Matter.objects.exists()


def test_matter_upsert_refuses_unknown_power_type(sysadmin):
    with pytest.raises(ValidationError) as caught:
        matter_upsert(
            code="JT-1", values={"name": "名称", "power_type": "审批"}, by=sysadmin
        )

    assert "power_type" in caught.value.message_dict


def test_notify_commit_flip_is_recorded_once_per_day(sysadmin):
    make_matter("JT-1")

    for flag in (True, False, True):
        matter_upsert(code="JT-1", values={"notify_commit": flag}, by=sysadmin)

    change = MatterChange.objects.get()
    assert change.kind == "告知承诺"
    assert change.effective_on == timezone.localdate()


def test_command_line_actor_name_is_recorded(db):
    matter, _ = matter_upsert(
        code="JT-1",
        values={"name": "名称", "power_type": "行政许可"},
        by=None,
        actor_name="命令行导入",
    )

    event = AuditEvent.objects.for_object(matter).get()
    assert event.actor is None
    assert event.actor_name == "命令行导入"


def test_enterprise_upsert_refuses_a_bad_credit_code(sysadmin):
    good = credit_code("91411422MA0000011")
    bad = good[:17] + ("1" if good[17] != "1" else "2")

    with pytest.raises(ValidationError) as caught:
        enterprise_upsert(
            credit_code=bad,
            values={"name": "企业", "industry": "公交"},
            by=sysadmin,
        )

    assert caught.value.message_dict == {
        "credit_code": ["统一社会信用代码校验位错误。"]
    }


def test_enterprise_upsert_grade_change_records_change_with_given_cause(sysadmin):
    enterprise = make_enterprise(credit_grade="A")

    _, outcome = enterprise_upsert(
        credit_code=enterprise.credit_code,
        values={"credit_grade": "C", "phone": "0370-1234567"},
        by=sysadmin,
        grade_cause=CreditGradeChange.Cause.IMPORT,
    )

    assert outcome == UPDATED
    change = CreditGradeChange.objects.get()
    assert (change.from_grade, change.to_grade, change.cause) == ("A", "C", "import")
    event = AuditEvent.objects.for_object(enterprise).get()
    assert event.changes == {
        "credit_grade": ["A", "C"],
        "phone": ["", "0370-1234567"],
    }


def test_enterprise_change_grade_records_change_and_audit(supervisor):
    enterprise = make_enterprise(credit_grade="B")

    change = enterprise_change_grade(
        enterprise=enterprise,
        to_grade="C",
        changed_on=dt.date(2023, 6, 30),
        cause=CreditGradeChange.Cause.PENALTIES,
        reason="一年内受到三次行政处罚",
        by=supervisor,
    )

    enterprise.refresh_from_db()
    assert enterprise.credit_grade == "C"
    assert (change.from_grade, change.to_grade) == ("B", "C")
    assert change.changed_on == dt.date(2023, 6, 30)
    event = AuditEvent.objects.for_object(enterprise).get()
    assert (event.action, event.from_state, event.to_state) == (
        "enterprise_change_grade",
        "B",
        "C",
    )
    assert event.reason == "一年内受到三次行政处罚"


def test_enterprise_change_grade_refuses_the_current_grade(supervisor):
    enterprise = make_enterprise(credit_grade="B")

    with pytest.raises(ValidationError):
        enterprise_change_grade(
            enterprise=enterprise,
            to_grade="B",
            changed_on=dt.date(2023, 6, 30),
            cause=CreditGradeChange.Cause.MANUAL,
            reason="",
            by=supervisor,
        )

    assert not CreditGradeChange.objects.exists()


@pytest.mark.parametrize(("grade", "cause"), [("E", "manual"), ("C", "whim")])
def test_enterprise_change_grade_refuses_unknown_grade_or_cause(
    supervisor, grade, cause
):
    enterprise = make_enterprise(credit_grade="B")

    with pytest.raises(ValidationError):
        enterprise_change_grade(
            enterprise=enterprise,
            to_grade=grade,
            changed_on=dt.date(2023, 6, 30),
            cause=cause,
            by=supervisor,
        )
