"""The registry pages: power list (权责清单) and enterprise register (企业名录)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from jiaotong.registry.models import PowerType
from jiaotong.registry.services import enterprise_upsert, matter_upsert

from jiaotong.models import AuditEvent, CreditGradeChange, Enterprise, Matter
from tests.factories import credit_code, make_enterprise, make_matter

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _names(response, key="page_obj"):
    return [str(obj) for obj in response.context[key]]


# --- matter_list ---------------------------------------------------------------------


def test_matter_list_shows_the_power_list_to_a_clerk(client, clerk):
    make_matter("JT-001", name="道路旅客运输经营许可")
    client.force_login(clerk)

    response = client.get(reverse("matter_list"))

    assert response.status_code == 200
    assert "道路旅客运输经营许可" in response.content.decode()


@pytest.mark.parametrize("who", ["auditor", "secadmin", "outsider"])
def test_matter_list_without_view_permission_is_403(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("matter_list"))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_matter_list_refuses_post(client, clerk):
    client.force_login(clerk)

    assert client.post(reverse("matter_list")).status_code == 405


def test_matter_search_matches_pinyin_initials_code_and_name(client, clerk):
    for code, name in [("JT-A", "道路旅客运输经营许可"), ("JT-B", "出租汽车经营许可")]:
        matter_upsert(
            code=code, values={"name": name, "power_type": "行政许可"}, by=None
        )
    client.force_login(clerk)
    url = reverse("matter_list")

    assert _names(client.get(url, {"q": "dllk"})) == ["JT-A 道路旅客运输经营许可"]
    assert _names(client.get(url, {"q": "jt-b"})) == ["JT-B 出租汽车经营许可"]
    assert _names(client.get(url, {"q": "出租"})) == ["JT-B 出租汽车经营许可"]


def test_matter_filters_by_type_source_and_notify_commit(client, clerk):
    make_matter("JT-1", power_type="行政许可", source="省下放", notify_commit=True)
    make_matter("JT-2", power_type="行政许可", source="本级", notify_commit=True)
    make_matter("JT-3", power_type="行政处罚", source="省下放", notify_commit=True)
    make_matter("JT-4", power_type="行政许可", source="省下放", notify_commit=False)
    client.force_login(clerk)

    response = client.get(
        reverse("matter_list"),
        {"power_type": "行政许可", "source": "省下放", "notify_commit": "true"},
    )

    assert [m.code for m in response.context["page_obj"]] == ["JT-1"]


def test_matter_in_force_filter_leaves_out_repealed_and_future_matters(client, clerk):
    day = dt.date(2023, 6, 1)
    make_matter("JT-1", effective_from=dt.date(2020, 1, 1))
    make_matter("JT-2", effective_from=dt.date(2020, 1, 1), repealed_on=day)
    make_matter("JT-3", effective_from=dt.date(2023, 6, 2))
    make_matter("JT-4")
    client.force_login(clerk)

    response = client.get(reverse("matter_list"), {"in_force_on": day.isoformat()})

    assert [m.code for m in response.context["page_obj"]] == ["JT-1", "JT-4"]


def test_matter_list_with_a_bad_date_explains_it_instead_of_failing(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("matter_list"), {"in_force_on": "2023-13-45"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["in_force_on"]


def test_counts_by_power_type_follow_the_other_filters_not_the_type(client, clerk):
    for n, power_type in enumerate(["行政许可"] * 3 + ["行政处罚"] * 2 + ["公共服务"]):
        make_matter(
            f"JT-{n}", power_type=power_type, source="本级" if n % 2 else "省下放"
        )
    client.force_login(clerk)

    response = client.get(
        reverse("matter_list"), {"source": "省下放", "power_type": "行政许可"}
    )

    expected = {
        value: Matter.objects.filter(source="省下放", power_type=value).count()
        for value in PowerType.values
    }
    got = {item["power_type"]: item["count"] for item in response.context["counts"]}
    assert got == expected
    assert [item["label"] for item in response.context["counts"]] == PowerType.labels


def test_matter_list_paginates_by_25_and_page_links_keep_the_filters(client, clerk):
    for n in range(30):
        make_matter(f"JT-{n:03d}", power_type="行政许可")
    make_matter("JT-X", power_type="行政处罚")
    client.force_login(clerk)
    url = reverse("matter_list")

    first = client.get(url, {"power_type": "行政许可"})
    second = client.get(url, {"power_type": "行政许可", "page": 2})

    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 30 - 25
    assert "?power_type=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF&amp;page=2" in (
        first.content.decode()
    )


def test_matter_list_queries_do_not_grow_with_rows(
    client, clerk, org, django_assert_max_num_queries
):
    for n in range(60):
        make_matter(f"JT-{n:03d}", unit=org["window"])
    client.force_login(clerk)
    url = reverse("matter_list")
    client.get(url)  # the session row and permission caches settle

    for page in (1, 2, 3):
        with django_assert_max_num_queries(10):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
    assert len(response.context["page_obj"]) == 60 - 2 * 25


# --- matter_detail -------------------------------------------------------------------


def test_matter_detail_shows_fields_changes_and_timeline(client, clerk, sysadmin):
    matter, _ = matter_upsert(
        code="JT-1",
        values={"name": "道路货物运输经营许可", "power_type": "行政许可"},
        by=sysadmin,
    )
    matter_upsert(code="JT-1", values={"notify_commit": True}, by=sysadmin)
    client.force_login(clerk)

    response = client.get(matter.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "道路货物运输经营许可" in page
    assert "推行告知承诺制" in page  # the MatterChange row the service recorded
    assert [e.action for e in response.context["timeline"]] == [
        "matter_update",
        "matter_create",
    ]
    assert "修改事项" in page and sysadmin.display_name in page
    assert response.context["can_change"] is False


def test_matter_detail_of_unknown_matter_is_404(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("matter_detail", args=[987654]))

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


# --- matter_create / matter_edit ----------------------------------------------------


def _matter_post(**overrides):
    data = {
        "code": "JT-NEW",
        "name": "道路运输从业人员从业资格证核发",
        "power_type": "行政许可",
        "source": "本级",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "basis": "《道路运输从业人员管理规定》",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_matter_through_the_service(client, sysadmin, org):
    client.force_login(sysadmin)

    response = client.post(
        reverse("matter_create"), _matter_post(unit=org["window"].pk)
    )

    matter = Matter.objects.get(code="JT-NEW")
    assert response.status_code == 302 and response.url == matter.get_absolute_url()
    assert matter.unit == org["window"]
    assert matter.pinyin_initials == "DLYSCYRYCYZGZHF"
    assert AuditEvent.objects.for_object(matter).get().action == "matter_create"


def test_clerk_may_not_create_a_matter(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("matter_create")).status_code == 403
    assert client.post(reverse("matter_create"), _matter_post()).status_code == 403
    assert not Matter.objects.exists()


def test_matter_create_refuses_an_existing_code_in_chinese(client, sysadmin):
    make_matter("JT-NEW", name="原有事项")
    client.force_login(sysadmin)

    response = client.post(reverse("matter_create"), _matter_post())

    assert response.status_code == 200
    assert "事项编码已存在" in response.content.decode()
    assert Matter.objects.get(code="JT-NEW").name == "原有事项"


def test_matter_form_explains_inconsistent_dates_and_limits(client, sysadmin):
    client.force_login(sysadmin)

    response = client.post(
        reverse("matter_create"),
        _matter_post(
            effective_from="2023-05-01",
            repealed_on="2023-01-01",
            promised_limit_days="30",
        ),
    )

    errors = response.context["form"].errors
    assert errors["repealed_on"] == ["废止日期不能早于生效日期。"]
    assert errors["promised_limit_days"] == ["承诺时限不能超过法定时限。"]
    assert not Matter.objects.exists()


def test_admin_edits_a_matter_and_the_code_stays(client, sysadmin):
    matter = make_matter("JT-1", name="旧名称")
    client.force_login(sysadmin)

    response = client.post(
        reverse("matter_edit", args=[matter.pk]),
        _matter_post(code="JT-HACKED", name="新名称"),
    )

    matter.refresh_from_db()
    assert response.status_code == 302
    assert (matter.code, matter.name) == ("JT-1", "新名称")
    assert not Matter.objects.filter(code="JT-HACKED").exists()
    event = AuditEvent.objects.for_object(matter).get()
    assert event.action == "matter_update" and event.changes["name"] == [
        "旧名称",
        "新名称",
    ]


def test_matter_edit_needs_the_change_permission(client, clerk):
    matter = make_matter("JT-1")
    client.force_login(clerk)

    assert client.get(reverse("matter_edit", args=[matter.pk])).status_code == 403


def test_matter_edit_of_unknown_matter_is_404(client, sysadmin):
    client.force_login(sysadmin)

    assert client.get(reverse("matter_edit", args=[987654])).status_code == 404


# --- matter_public_list -----------------------------------------------------------


def test_public_power_list_needs_no_login_and_shows_only_matters_in_force(client, org):
    today = TODAY()
    make_matter("JT-1", name="现行许可", power_type="行政许可", unit=org["window"])
    make_matter("JT-2", name="现行处罚", power_type="行政处罚")
    make_matter("JT-3", name="已废止事项", repealed_on=today)
    make_matter("JT-4", name="尚未生效事项", effective_from=today + dt.timedelta(1))

    response = client.get(reverse("matter_public_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "现行许可" in page and "现行处罚" in page and "行政审批股" in page
    assert "已废止事项" not in page and "尚未生效事项" not in page
    groups = response.context["groups"]
    assert [g["label"] for g in groups] == ["行政许可", "行政处罚"]
    assert response.context["total"] == 2


def test_public_power_list_shows_no_staff_data(client, clerk):
    make_matter("JT-1")

    page = client.get(reverse("matter_public_list")).content.decode()

    assert clerk.username not in page
    assert "退出" not in page


def test_public_power_list_refuses_post(client):
    assert client.post(reverse("matter_public_list")).status_code == 405


# --- enterprise_list ------------------------------------------------------------------


def test_enterprise_list_masks_phones_and_contacts(client, clerk):
    make_enterprise("睢县顺达运输有限公司", phone="13803701234", contact="王建国")
    client.force_login(clerk)

    page = client.get(reverse("enterprise_list")).content.decode()

    assert "睢县顺达运输有限公司" in page
    assert "138****1234" in page and "13803701234" not in page
    assert "王*国" in page and "王建国" not in page


def test_enterprise_search_and_filters(client, clerk):
    wanted = make_enterprise(
        "顺达运输", industry="道路货物运输", town="城关镇", credit_grade="C"
    )
    make_enterprise("顺达驾校", industry="驾驶员培训", town="城关镇", credit_grade="C")
    make_enterprise(
        "顺达物流", industry="道路货物运输", town="平岗镇", credit_grade="C"
    )
    make_enterprise(
        "顺达货运", industry="道路货物运输", town="城关镇", credit_grade="A"
    )
    client.force_login(clerk)
    url = reverse("enterprise_list")

    filtered = client.get(
        url,
        {
            "q": "顺达",
            "industry": "道路货物运输",
            "town": "城关镇",
            "credit_grade": "C",
        },
    )
    by_code = client.get(url, {"q": wanted.credit_code[-8:].lower()})

    assert _names(filtered) == ["顺达运输"]
    assert _names(by_code) == ["顺达运输"]
    assert [c[0] for c in filtered.context["filter"].form.fields["town"].choices] == [
        "",
        "城关镇",
        "平岗镇",
    ]


def test_enterprise_list_without_view_permission_is_403(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("enterprise_list")).status_code == 403


def test_enterprise_list_queries_do_not_grow_with_rows(
    client, clerk, django_assert_max_num_queries
):
    for n in range(55):
        make_enterprise(f"企业{n:03d}", town=f"镇{n % 3}", phone="13800000000")
    client.force_login(clerk)
    url = reverse("enterprise_list")
    client.get(url)

    for page in (1, 2, 3):
        with django_assert_max_num_queries(10):
            response = client.get(url, {"page": page, "industry": "出租汽车"})
        assert response.status_code == 200
    assert len(response.context["page_obj"]) == 55 - 2 * 25


# --- enterprise_detail / create / edit / grade --------------------------------------


def test_enterprise_detail_shows_grade_history_and_masked_phone(client, clerk):
    enterprise = make_enterprise("顺达运输", phone="13803701234", credit_grade="C")
    CreditGradeChange.objects.create(
        enterprise=enterprise,
        from_grade="B",
        to_grade="C",
        changed_on=dt.date(2023, 3, 1),
        cause="penalties",
    )
    client.force_login(clerk)

    response = client.get(enterprise.get_absolute_url())

    page = response.content.decode()
    assert "2023-03-01" in page and "一年内受到三次以上行政处罚" in page
    assert "138****1234" in page and "13803701234" not in page
    assert response.context["can_change"] is False
    assert reverse("enterprise_edit", args=[enterprise.pk]) not in page


def test_enterprise_detail_of_unknown_enterprise_is_404(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("enterprise_detail", args=[987654])).status_code == 404


def _enterprise_post(**overrides):
    data = {
        "credit_code": credit_code("91411422MA9XK0001"),
        "name": "睢县安达汽车维修有限公司",
        "industry": "机动车维修",
        "town": "城关镇",
        "credit_grade": "A",
        "contact": "赵六",
        "phone": "138-0370-5678",
        "address": "睢县北湖路1号",
    }
    data.update(overrides)
    return data


def test_supervisor_creates_an_enterprise_with_normalised_code_and_phone(
    client, supervisor
):
    client.force_login(supervisor)
    data = _enterprise_post()
    data["credit_code"] = " " + data["credit_code"].lower() + " "

    response = client.post(reverse("enterprise_create"), data)

    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert enterprise.credit_code == data["credit_code"].strip().upper()
    assert (enterprise.phone, enterprise.credit_grade) == ("13803705678", "A")
    assert AuditEvent.objects.for_object(enterprise).get().actor == supervisor


def test_enterprise_form_explains_bad_credit_code_and_phone(client, supervisor):
    client.force_login(supervisor)
    good = credit_code("91411422MA9XK0001")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")

    response = client.post(
        reverse("enterprise_create"),
        _enterprise_post(credit_code=wrong_check, phone="12345"),
    )

    errors = response.context["form"].errors
    assert errors["credit_code"] == ["统一社会信用代码校验位错误。"]
    assert "11位手机号码" in errors["phone"][0]
    assert not Enterprise.objects.exists()


def test_enterprise_form_accepts_a_landline(client, supervisor):
    client.force_login(supervisor)

    client.post(reverse("enterprise_create"), _enterprise_post(phone="0370-8123456"))

    assert Enterprise.objects.get().phone == "0370-8123456"


def test_officer_may_edit_but_not_create_enterprises(client, officer):
    enterprise = make_enterprise("顺达运输")
    client.force_login(officer)

    assert client.get(reverse("enterprise_create")).status_code == 403
    edit = client.get(reverse("enterprise_edit", args=[enterprise.pk]))
    assert edit.status_code == 200


def test_clerk_may_not_edit_an_enterprise(client, clerk):
    enterprise = make_enterprise("顺达运输")
    client.force_login(clerk)

    response = client.post(
        reverse("enterprise_edit", args=[enterprise.pk]), _enterprise_post()
    )

    assert response.status_code == 403


def test_enterprise_edit_never_shows_the_phone_and_blank_keeps_it(client, officer):
    enterprise = make_enterprise("顺达运输", phone="13803701234", credit_grade="B")
    client.force_login(officer)
    url = reverse("enterprise_edit", args=[enterprise.pk])

    form_page = client.get(url).content.decode()
    response = client.post(
        url, _enterprise_post(name="顺达运输集团", phone="", credit_grade="D")
    )

    enterprise.refresh_from_db()
    assert "13803701234" not in form_page and "138****1234" in form_page
    assert response.status_code == 302
    assert enterprise.name == "顺达运输集团"
    assert enterprise.phone == "13803701234"
    assert enterprise.credit_grade == "B"  # grades change only by their own action


def test_grade_change_records_the_dated_change_and_audits_it(client, officer):
    enterprise = make_enterprise("顺达运输", credit_grade="B")
    client.force_login(officer)

    response = client.post(
        reverse("enterprise_change_grade", args=[enterprise.pk]),
        {
            "to_grade": "C",
            "changed_on": "2023-04-03",
            "cause": "manual",
            "reason": "年度信用考核",
        },
    )

    enterprise.refresh_from_db()
    change = enterprise.grade_changes.get()
    assert response.status_code == 302
    assert enterprise.credit_grade == "C"
    assert (change.from_grade, change.to_grade, change.changed_on) == (
        "B",
        "C",
        dt.date(2023, 4, 3),
    )
    event = AuditEvent.objects.for_object(enterprise).get()
    assert event.action == "enterprise_change_grade" and event.actor == officer


def test_grade_change_to_the_same_grade_is_refused_with_a_message(client, officer):
    enterprise = make_enterprise("顺达运输", credit_grade="B")
    client.force_login(officer)

    response = client.post(
        reverse("enterprise_change_grade", args=[enterprise.pk]),
        {"to_grade": "B", "changed_on": "2023-04-03", "cause": "manual", "reason": "x"},
    )

    assert response.status_code == 400
    assert "信用等级已是 B，无需调整。" in response.content.decode()
    assert not CreditGradeChange.objects.exists()


def test_grade_change_needs_a_reason(client, officer):
    enterprise = make_enterprise("顺达运输", credit_grade="B")
    client.force_login(officer)

    response = client.post(
        reverse("enterprise_change_grade", args=[enterprise.pk]),
        {"to_grade": "A", "changed_on": "2023-04-03", "cause": "manual"},
    )

    assert response.status_code == 400
    assert response.context["grade_form"].errors["reason"] == ["这个字段是必填项。"]


def test_grade_change_refuses_get_and_wrong_role(client, officer, clerk):
    enterprise = make_enterprise("顺达运输", credit_grade="B")
    url = reverse("enterprise_change_grade", args=[enterprise.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 405

    client.force_login(clerk)
    response = client.post(
        url,
        {"to_grade": "A", "changed_on": "2023-04-03", "cause": "manual", "reason": "x"},
    )

    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.credit_grade == "B"


def test_grade_change_of_unknown_enterprise_is_404(client, officer):
    client.force_login(officer)

    response = client.post(reverse("enterprise_change_grade", args=[987654]), {})

    assert response.status_code == 404


def test_enterprise_timeline_masks_recorded_personal_data(client, clerk, supervisor):
    enterprise, _ = enterprise_upsert(
        credit_code=credit_code("91411422MA9XK0002"),
        values={
            "name": "顺达运输",
            "industry": "出租汽车",
            "contact": "王建国",
            "phone": "13803701234",
        },
        by=supervisor,
    )
    client.force_login(clerk)

    response = client.get(enterprise.get_absolute_url())

    page = response.content.decode()
    assert response.context["timeline"][0].change_rows  # the creation is shown
    assert "13803701234" not in page and "王建国" not in page
    assert "138****1234" in page


@pytest.mark.parametrize(
    "url_of",
    [
        lambda m, e: reverse("matter_list"),
        lambda m, e: reverse("matter_detail", args=[m.pk]),
        lambda m, e: reverse("matter_create"),
        lambda m, e: reverse("matter_edit", args=[m.pk]),
        lambda m, e: reverse("matter_public_list"),
        lambda m, e: reverse("enterprise_list"),
        lambda m, e: reverse("enterprise_detail", args=[e.pk]),
        lambda m, e: reverse("enterprise_create"),
        lambda m, e: reverse("enterprise_edit", args=[e.pk]),
    ],
)
def test_registry_pages_carry_no_inline_script_or_style(client, sysadmin, url_of):
    matter = make_matter("JT-1")
    enterprise = make_enterprise("顺达运输")
    client.force_login(sysadmin)

    response = client.get(url_of(matter, enterprise))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in page and "style=" not in page
    assert " onclick=" not in page and " onchange=" not in page
