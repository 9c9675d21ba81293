"""Supervision fixtures: a small register of enterprises over the four credit
grades, officers with certificates, an inspection item and a task."""

import datetime as dt

import pytest
from django.utils import timezone

from enforcement.models import Certificate, PenaltyCase
from jiaotong import roles
from supervision import services
from supervision.models import InspectionItem
from tests.enforcement.conftest import make_officer
from tests.factories import make_enterprise, make_matter, make_user


@pytest.fixture
def officers(org):
    """Five officers with a valid certificate, one with a suspended one and one
    whose certificate has expired."""
    valid = [
        make_officer(
            make_user(f"insp{i}", roles=[roles.ROLE_OFFICER], unit=org["squad"]), n=i
        )
        for i in range(1, 6)
    ]
    make_officer(
        make_user("insp_susp", roles=[roles.ROLE_OFFICER], unit=org["squad"]),
        n=90,
        status=Certificate.Status.SUSPENDED,
    )
    expired = make_officer(
        make_user("insp_old", roles=[roles.ROLE_OFFICER], unit=org["squad"]), n=91
    )
    expired.certificates.update(
        issued_on=timezone.localdate() - dt.timedelta(days=900),
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    return valid


@pytest.fixture
def register(db):
    """20 A, 10 B, 10 C, 5 D taxi firms, plus 3 driving schools."""
    out = []
    for grade, n in (("A", 20), ("B", 10), ("C", 10), ("D", 5)):
        out += [make_enterprise(credit_grade=grade, town="城关镇") for _ in range(n)]
    out += [make_enterprise(industry="驾驶员培训", credit_grade="B") for _ in range(3)]
    return out


@pytest.fixture
def item(db):
    return InspectionItem.objects.create(
        code="JT-CC-001",
        name="出租汽车经营者经营行为检查",
        basis="《巡游出租汽车经营服务管理规定》第四十九条",
    )


@pytest.fixture
def task(supervisor, item, register):
    today = timezone.localdate()
    return services.task_create(
        values={
            "name": "出租汽车经营者双随机抽查",
            "industries": ["出租汽车"],
            "window_start": today,
            "window_end": today + dt.timedelta(days=30),
        },
        items=[item],
        by=supervisor,
    )


def decide_penalty(enterprise, day, by, name=""):
    """A decided penalty case of the enterprise dated ``day`` (the fields the
    rule reads; the case's own workflow is enforcement's concern)."""
    matter = make_matter(power_type="行政处罚", **({"name": name} if name else {}))
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return PenaltyCase.objects.create(
        status=PenaltyCase.Status.DECIDED,
        procedure="普通程序",
        source="路面巡查",
        party_type="法人",
        party_name=enterprise.name,
        party_id_number=enterprise.credit_code,
        enterprise=enterprise,
        matter=matter,
        facts="超限运输",
        legal_basis="《公路安全保护条例》",
        outcome="处罚",
        filed_at=at - dt.timedelta(days=5),
        decided_at=at,
        unit=by.unit,
        created_by=by,
    )
