"""Intake from the registries (issue 13): a credit code or a name fills the
applicant from 企业名录, with warnings on grade C/D and 重点监管; unknown codes are
offered to 企业名录; earlier phone numbers stay masked on the page."""

import pytest
from django.urls import reverse

from jiaotong.models import Enterprise
from licensing.models import Application
from tests.factories import credit_code

pytestmark = pytest.mark.django_db

CODE = credit_code("91411422MA0008ABC")


@pytest.fixture
def anda(db):
    return Enterprise.objects.create(
        credit_code=CODE,
        name="睢县安达货运有限公司",
        industry="道路货物运输",
        credit_grade="B",
        phone="13903700008",
    )


def _lookup(client, number, applicant_type="法人"):
    response = client.post(
        reverse("licensing:applicant_lookup"),
        {"applicant_id_number": number, "applicant_type": applicant_type},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_credit_code_fills_the_name_from_the_register(client, clerk, anda):
    client.force_login(clerk)

    body = _lookup(client, CODE.lower())

    assert 'data-name="睢县安达货运有限公司"' in body
    assert 'data-type="法人"' in body
    assert "139****0008" in body and "13903700008" not in body
    assert "data-enterprise-warning" not in body


@pytest.mark.parametrize(
    "grade, key, words",
    [
        ("C", False, "C（失信）"),
        ("D", False, "不适用告知承诺制"),
        ("A", True, "重点监管"),
    ],
)
def test_grade_c_d_and_key_supervision_warn(client, clerk, anda, grade, key, words):
    Enterprise.objects.filter(pk=anda.pk).update(
        credit_grade=grade, key_supervision=key
    )
    client.force_login(clerk)

    body = _lookup(client, CODE)

    assert "data-enterprise-warning" in body and words in body


def test_unknown_credit_code_is_offered_to_the_register(client, clerk):
    client.force_login(clerk)

    body = _lookup(client, CODE)

    assert "data-enterprise-unknown" in body
    assert f"{reverse('enterprise_create')}?credit_code={CODE}" in body
    create = client.get(reverse("enterprise_create"), {"credit_code": CODE})
    assert create.status_code == 200 and f'value="{CODE}"' in create.content.decode()


def test_name_suggests_enterprises_for_organisations_only(client, clerk, anda):
    client.force_login(clerk)
    url = reverse("licensing:applicant_suggest")

    body = client.get(url, {"applicant_name": "安达", "applicant_type": "法人"})
    person = client.get(url, {"applicant_name": "安达", "applicant_type": "自然人"})

    assert f'data-fill-code="{CODE}"' in body.content.decode()
    assert person.content == b""


def test_blank_phone_reuses_the_registered_one(client, clerk, anda, licensing_matter):
    client.force_login(clerk)

    response = client.post(
        reverse("licensing:application_create"),
        {
            "matter": licensing_matter.pk,
            "applicant_type": "法人",
            "applicant_id_number": CODE,
            "applicant_name": "睢县安达货运有限公司",
            "applicant_phone": "",
            "channel": "窗口",
        },
    )

    assert response.status_code == 302
    assert Application.objects.get().applicant_phone == "13903700008"


def test_lookup_refuses_get_and_outsiders(client, clerk, outsider):
    client.force_login(clerk)
    assert client.get(reverse("licensing:applicant_lookup")).status_code == 405
    client.force_login(outsider)
    assert _lookup_status(client) == 403


def _lookup_status(client):
    return client.post(
        reverse("licensing:applicant_lookup"), {"applicant_id_number": CODE}
    ).status_code


def test_suggestions_refused_to_leaders_and_to_post(client, leader, clerk):
    url = reverse("licensing:applicant_suggest")
    client.force_login(leader)
    assert client.get(url, {"applicant_name": "安达"}).status_code == 403
    client.force_login(clerk)
    assert client.post(url).status_code == 405
