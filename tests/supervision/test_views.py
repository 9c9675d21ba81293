"""Supervision pages: happy paths, roles refused, GET on POST-only views, the
public pages and the enterprise section."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import services
from supervision.models import InspectionRecord, SpotCheckTask

from .conftest import decide_penalty

pytestmark = pytest.mark.django_db


def test_supervisor_creates_a_task(client, supervisor, item, register):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:task_create")).status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("supervision:task_create"),
        {
            "name": "出租汽车抽查",
            "items": [item.pk],
            "industries": ["出租汽车"],
            "towns": "城关镇，凤城街道",
            "window_start": today,
            "window_end": today,
            "ratio_a": "0.05",
            "ratio_b": "0.10",
            "ratio_c": "0.30",
            "ratio_d": "0.60",
        },
    )
    task = SpotCheckTask.objects.get()
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert task.towns == ["城关镇", "凤城街道"]


def test_draw_verify_record_and_publish_through_the_pages(
    client, supervisor, task, officers, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:task_draw", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.DRAWN  # eager Celery in tests
    page = client.get(task.get_absolute_url()).content.decode()
    assert "抽取结果（8 家）" in page and task.current_draw.seed in page
    progress = client.get(reverse("supervision:task_progress", args=[task.pk])).json()
    assert progress["progress"] == 100
    verify = client.get(reverse("supervision:draw_verify", args=[task.pk]))
    assert "验证通过" in verify.content.decode()
    pick = task.current_draw.picks.first()
    response = client.post(
        reverse("supervision:task_record", args=[task.pk]),
        {
            "enterprise": pick.enterprise_id,
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [o.pk for o in pick.inspectors.all()],
            "result": "none",
        },
    )
    assert response.status_code == 302
    assert InspectionRecord.objects.get().kind == "random"
    client.post(reverse("supervision:task_publish", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == SpotCheckTask.Status.PUBLISHED
    client.logout()
    public = client.get(reverse("supervision:public_results")).content.decode()
    assert pick.enterprise.name in public


def test_redraw_without_reason_is_refused_with_a_message(
    client, supervisor, task, officers
):
    services.task_draw(task=task, by=supervisor)
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:task_draw", args=[task.pk]), follow=True
    )
    assert "重新抽取须填写原因" in response.content.decode()
    assert task.draws.count() == 1


def test_leader_reads_but_may_not_draw(client, leader, task):
    client.force_login(leader)
    assert client.get(reverse("supervision:task_list")).status_code == 200
    assert client.get(task.get_absolute_url()).status_code == 200
    assert (
        client.post(reverse("supervision:task_draw", args=[task.pk])).status_code == 403
    )


def test_outsider_and_wrong_roles_are_refused(client, outsider, clerk, task):
    for user in (outsider, clerk):
        client.force_login(user)
        assert client.get(reverse("supervision:task_list")).status_code == 403
        assert client.get(task.get_absolute_url()).status_code == 403


def test_get_on_post_only_views_is_405(client, supervisor, task):
    client.force_login(supervisor)
    for name in ("task_draw", "task_publish", "task_record"):
        assert (
            client.get(reverse(f"supervision:{name}", args=[task.pk])).status_code
            == 405
        )


def test_public_pages_need_no_login(client, item):
    page = client.get(reverse("supervision:public_items")).content.decode()
    assert item.basis in page
    assert client.get(reverse("supervision:public_results")).status_code == 200


def test_record_entry_page_and_list(
    client, supervisor, officers, register, django_assert_max_num_queries
):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:record_create")).status_code == 200
    response = client.post(
        reverse("supervision:record_create"),
        {
            "enterprise": register[0].pk,
            "kind": "routine",
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [officers[0].pk],
            "result": "none",
        },
    )
    assert "不得少于两人" in response.content.decode()
    for n in range(35):
        services.record_create(
            enterprise=register[n],
            kind="routine",
            inspected_on=timezone.localdate(),
            inspectors=officers[:2],
            result="none",
            by=supervisor,
        )
    with django_assert_max_num_queries(15):
        assert client.get(reverse("supervision:record_list")).status_code == 200


def test_enterprise_page_shows_inspections(client, supervisor, officers, register):
    services.record_create(
        enterprise=register[0],
        kind="special",
        inspected_on=timezone.localdate(),
        inspectors=officers[:2],
        result="rectify",
        rectification="整改",
        by=supervisor,
    )
    client.force_login(supervisor)
    page = client.get(register[0].get_absolute_url()).content.decode()
    assert "监管检查与信用" in page and "发现问题责令整改" in page


def test_leader_approves_a_proposed_directed_pick(
    client, leader, supervisor, task, register, officers
):
    firm = register[3]
    today = timezone.localdate()
    for days in (200, 100, 10):
        decide_penalty(firm, today - dt.timedelta(days=days), supervisor)
    client.force_login(supervisor)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "近12个月受到行政处罚 3 次" in page and "待领导批准" in page
    assert (
        client.post(
            reverse("supervision:task_directed", args=[task.pk]),
            {"enterprise": firm.pk, "reason": "x"},
        ).status_code
        == 403
    )
    client.force_login(leader)
    client.post(
        reverse("supervision:task_directed", args=[task.pk]),
        {"enterprise": firm.pk, "reason": "近12个月受到行政处罚 3 次"},
    )
    draw = services.task_draw(task=task, by=supervisor)
    assert draw.picks.get(enterprise=firm).mode == "directed"


def test_home_page_shows_the_supervisors_queues(
    client, supervisor, task, officers, register
):
    services.record_create(
        enterprise=register[0],
        kind="routine",
        inspected_on=timezone.localdate(),
        inspectors=officers[:2],
        result="none",
        by=supervisor,
    )
    client.force_login(supervisor)
    page = client.get("/").content.decode()
    assert "进行中的抽查任务" in page and task.number in page
    assert "待公示的检查结果" in page


def test_records_export_for_the_provincial_platform(
    client, supervisor, officers, register, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from jiaotong.models import ExportJob

    services.record_create(
        enterprise=register[0],
        kind="routine",
        inspected_on=timezone.localdate(),
        inspectors=officers[:2],
        result="none",
        by=supervisor,
    )
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:record_export"))
    job = ExportJob.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done"
    with job.file.open("rb") as handle:
        rows = list(
            load_workbook(handle, read_only=True).active.iter_rows(values_only=True)
        )
    assert rows[0][0] == "检查记录编号" and rows[1][1] == register[0].name
