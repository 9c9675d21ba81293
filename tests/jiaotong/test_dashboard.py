"""The leaders' dashboard: access, the catalog frame, caching, overdue lists,
closing a year, and the demo's figures with their drill-downs."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import jiaotong
from jiaotong.dashboard import selectors
from jiaotong.dashboard.cache import bump_version
from jiaotong.metrics.registry import catalog, registered
from jiaotong.models import AuditEvent, YearClosing
from tests.factories import TEST_PASSWORD, make_matter

CATALOG = Path(jiaotong.__file__).parent / "metrics" / "indicator_catalog.json"
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def test_leader_and_sysadmin_see_the_dashboard(as_user, leader, sysadmin):
    for user in (leader, sysadmin):
        assert as_user(user).get(reverse("dashboard")).status_code == 200


def test_other_roles_are_refused(as_user, clerk, outsider, auditor):
    for user in (clerk, outsider, auditor):
        assert as_user(user).get(reverse("dashboard")).status_code == 403


def test_a_leader_lands_on_the_dashboard_after_login(client, leader, clerk):
    response = client.post(
        reverse("login"), {"username": "leader", "password": TEST_PASSWORD}
    )
    assert response.url == reverse("dashboard")
    client.logout()
    response = client.post(
        reverse("login"), {"username": "clerk", "password": TEST_PASSWORD}
    )
    assert response.url == reverse("home")


def test_every_catalog_indicator_appears_grouped_by_section(as_user, leader):
    response = as_user(leader).get(reverse("dashboard"), {"year": LAST_YEAR})
    sections = response.context["sections"]
    assert [s["title"] for s in sections][:3] == [
        "窗口办件与权责清单",
        "监管",
        "监督与热线",
    ]
    shown = [f.code for s in sections for f in s["figures"]]
    assert shown == list(catalog())
    registered_codes = {ind.code for ind in registered()}
    for figure in (f for s in sections for f in s["figures"]):
        assert figure.implemented == (figure.code in registered_codes)
    body = response.content.decode()
    if any(code not in registered_codes for code in catalog()):
        assert "尚未实现" in body


def test_previous_year_and_change_are_shown(as_user, leader, org):
    make_matter(
        "P1", power_type="行政处罚", effective_from=dt.date(LAST_YEAR - 1, 1, 1)
    )
    make_matter("P2", power_type="行政处罚", effective_from=dt.date(LAST_YEAR, 6, 1))
    response = as_user(leader).get(reverse("dashboard"), {"year": LAST_YEAR})
    figure = next(
        f
        for s in response.context["sections"]
        for f in s["figures"]
        if f.code == "powers.penalty"
    )
    assert (figure.value, figure.previous, figure.change_text) == (2, 1, "+1")
    assert "?power_type=" in figure.url


def test_figures_are_cached_and_a_record_change_invalidates(as_user, leader, org):
    client = as_user(leader)
    make_matter("P1", power_type="行政处罚")
    assert selectors.values(LAST_YEAR, None)["powers.penalty"] == 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        selectors.values(LAST_YEAR, None)
    assert len(ctx.captured_queries) == 0  # served from the cache
    make_matter("P2", power_type="行政处罚")  # post_save, but inside the test
    bump_version()  # on_commit never fires inside a test transaction
    assert selectors.values(LAST_YEAR, None)["powers.penalty"] == 2
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_saved_record_bumps_the_version_after_commit(
    leader, org, django_capture_on_commit_callbacks
):
    from jiaotong.dashboard.cache import version

    before = version()
    with django_capture_on_commit_callbacks(execute=True):
        make_matter("P9", power_type="行政处罚")
    assert version() > before
    before = version()
    with django_capture_on_commit_callbacks(execute=True):
        AuditEvent.objects.none()  # an unrelated read bumps nothing
    assert version() == before


def test_unit_selector_narrows_the_figures(as_user, leader, org):
    make_matter("P1", power_type="行政处罚", unit=org["brigade"])
    make_matter("P2", power_type="行政处罚", unit=org["window"])
    client = as_user(leader)
    response = client.get(
        reverse("dashboard"), {"year": LAST_YEAR, "unit": org["brigade"].pk}
    )
    values = {
        f.code: f.value for s in response.context["sections"] for f in s["figures"]
    }
    assert values["powers.penalty"] == 1
    assert client.get(reverse("dashboard"), {"unit": 999999}).status_code == 404


# --- Closing a year --------------------------------------------------------------


def test_sysadmin_closes_and_reopens_a_year(as_user, sysadmin, leader, org):
    make_matter("P1", power_type="行政处罚")
    client = as_user(sysadmin)
    url = reverse("year_close", args=[LAST_YEAR])
    assert client.get(url).status_code == 405
    client.post(url)
    closing = YearClosing.objects.get(year=LAST_YEAR)
    assert closing.is_closed and closing.closed_by == sysadmin
    assert closing.values["powers.penalty"] == "1"
    assert AuditEvent.objects.filter(action="year_close").count() == 1

    make_matter("P2", power_type="行政处罚")
    bump_version()
    response = client.get(reverse("dashboard"), {"year": LAST_YEAR})
    differences = response.context["differences"]
    assert [(f.code, f.frozen, f.value) for f in differences] == [
        ("powers.penalty", "1", 2),
        ("powers.total", "1", 2),
    ] or ("powers.penalty", "1", 2) in [
        (f.code, f.frozen, f.value) for f in differences
    ]
    assert "与关账时冻结的数值不一致" in response.content.decode()

    client.post(reverse("year_reopen", args=[LAST_YEAR]), {"reason": ""})
    assert YearClosing.objects.get(year=LAST_YEAR).is_closed  # a reason is required
    client.post(reverse("year_reopen", args=[LAST_YEAR]), {"reason": "补录漏报案件"})
    closing.refresh_from_db()
    assert not closing.is_closed and closing.reopen_reason == "补录漏报案件"
    event = AuditEvent.objects.get(action="year_reopen")
    assert event.reason == "补录漏报案件" and event.actor == sysadmin


def test_leader_may_not_close_a_year(as_user, leader):
    response = as_user(leader).post(reverse("year_close", args=[LAST_YEAR]))
    assert response.status_code == 403
    assert not YearClosing.objects.exists()


def test_the_current_year_cannot_be_closed(as_user, sysadmin):
    this_year = timezone.localdate().year
    as_user(sysadmin).post(reverse("year_close", args=[this_year]))
    assert not YearClosing.objects.exists()


# --- The demo: figures, drill-downs, overdue lists ---------------------------------


def _figures_2023() -> dict:
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))
    return {
        e["code"]: e["figure_2023"] for e in entries if e["figure_2023"] is not None
    }


@pytest.fixture
def demo(db):
    """The whole demo, as `make run` loads it: every installed app's demo year."""
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    bump_version()


def test_demo_workbook_states_every_2023_figure(demo, tmp_path):
    """Every 2023 figure of the catalog that the landed apps compute, read back
    from the exported workbook's 指标汇总."""
    from openpyxl import load_workbook

    from jiaotong.reports.builder import write_year_report

    path = tmp_path / "2023.xlsx"
    write_year_report(2023, None, path)
    sheet = load_workbook(path)["指标汇总"]
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=6, values_only=True)}
    registered_codes = {ind.code for ind in registered()}
    expected = {c: v for c, v in _figures_2023().items() if c in registered_codes}
    assert len(expected) >= 19  # window, powers, hotline and org today
    for code, figure in expected.items():
        assert values[code] == pytest.approx(figure), code


def _total(page) -> int:
    """A list's exact total: a keyset page's count, or a Paginator's."""
    return page.total.exact if hasattr(page, "total") else page.paginator.count


def test_demo_dashboard_figures_and_drilldowns(demo, client):
    from jiaotong.models import User
    from tests.factories import enrol_second_factor

    leader = User.objects.filter(groups__name="局领导").first()
    enrol_second_factor(leader)  # a leader signs in with a code
    client.force_login(leader)
    response = client.get(reverse("dashboard"))
    assert response.context["year"] == 2023  # the latest year with records
    figures = {f.code: f for s in response.context["sections"] for f in s["figures"]}
    expected = _figures_2023()
    for code, figure in figures.items():
        if figure.implemented and code in expected:
            assert str(figure.value) == str(expected[code]), code

    linked = [f for f in figures.values() if f.url]
    assert {
        "window.completed",
        "window.completed.licensing",
        "window.completed.public_service",
        "window.notify_commit",
        "hotline.12328.received",
        "hotline.12345.received",
        "powers.licensing",
        "powers.penalty",
    } <= {f.code for f in linked}
    for figure in linked:
        listing = client.get(figure.url)
        assert listing.status_code == 200, figure.code
        page = listing.context.get("page_obj") or listing.context["page"]
        assert _total(page) == figure.value, figure.code
        assert f'共 <span class="app-row-total">{figure.value}</span> 条' in (
            listing.content.decode()
        )

    for item in response.context["overdue"]:
        listing = client.get(item["url"])
        page = listing.context.get("page_obj") or listing.context["page"]
        assert _total(page) == item["count"], item["title"]
    assert {item["title"] for item in response.context["overdue"]} >= {
        "超期办件",
        "超期工单",
    }
    charts = [c["id"] for c in response.context["charts"]]
    assert [c for c in charts if c != "credit-grades"] == [
        "window-trend",
        "window-composition",
        "hotline-trend",
        "hotline-areas",
    ]
    assert "credit-grades" in charts  # the register's enterprises (jiaotong)


# --- The report draft --------------------------------------------------------------


def test_draft_marks_each_number_with_its_code(as_user, leader, org):
    make_matter("P1", power_type="行政处罚")
    make_matter("L1", power_type="行政许可")
    response = as_user(leader).get(reverse("report_draft"), {"year": LAST_YEAR})
    body = response.content.decode()
    assert response.status_code == 200
    assert "目前我局共有" in body and "项行政权力" in body
    assert 'data-code="powers.total" title="powers.total">2<sub' in body
    assert 'data-code="powers.penalty" title="powers.penalty">1<sub' in body
    assert f"{LAST_YEAR}年度" in body


def test_draft_docx_has_the_heading_and_figures(as_user, leader, org):
    import docx

    make_matter("P1", power_type="行政处罚")
    response = as_user(leader).get(reverse("report_draft_docx"), {"year": LAST_YEAR})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "睢县交通运输局"
    assert texts[1] == f"{LAST_YEAR}年度法治政府建设工作报告"
    assert any("目前我局共有1项行政权力" in t for t in texts)
    assert AuditEvent.objects.filter(action="export", actor=leader).count() == 1


def test_draft_uses_the_report_phrasing_for_rates():
    from decimal import Decimal

    from jiaotong.dashboard.draft import draft

    paragraphs = draft(
        2023,
        {
            "window.completion_rate": Decimal("100.0"),
            "window.coverage": Decimal("88.7"),
            "window.completed": 2370,
        },
    )
    text = "".join(p.text for p in paragraphs[0]["parts"])
    assert "2023年交通窗口共受理办结2370件业务事项" in text
    assert "受理办结率100%，办件覆盖率88.7%" in text
    assert "许可改备案制【待补】项" in text  # not computed: a visible gap


def test_draft_refused_without_dashboard_permission(as_user, clerk):
    client = as_user(clerk)
    assert client.get(reverse("report_draft")).status_code == 403
    assert client.get(reverse("report_draft_docx")).status_code == 403


# --- Consistency checks --------------------------------------------------------------


def test_checks_pass_on_consistent_figures(org):
    from jiaotong.dashboard.checks import consistency_problems, failures

    make_matter("P1", power_type="行政处罚")
    values = selectors.values(LAST_YEAR, None)
    problems = consistency_problems(LAST_YEAR, None, values)
    assert failures(problems) == []
    flagged = {p.code for p in problems if p.kind == "未实现"}
    assert flagged == {c for c in catalog() if c not in values}


def test_checks_report_parts_registers_and_rates(org):
    from decimal import Decimal

    from jiaotong.dashboard.checks import consistency_problems, failures

    make_matter("P1", power_type="行政处罚")
    values = dict(selectors.values(LAST_YEAR, None))
    values["window.completed"] = values["window.completed.licensing"] + 5
    values["powers.penalty"] = 7  # the register holds 1
    values["window.coverage"] = Decimal("120.0")
    kinds = {
        (p.kind, p.code)
        for p in failures(consistency_problems(LAST_YEAR, None, values))
    }
    assert ("合计", "window.completed") in kinds
    assert ("合计", "powers.total") in kinds  # 7 + … no longer adds up to 1
    assert ("清单", "powers.penalty") in kinds
    assert ("比率", "window.coverage") in kinds


def test_dashboard_shows_failed_checks(as_user, leader, org):
    """An application completed under a matter that is neither licensing nor a
    public service counts in window.completed but in neither part."""
    from licensing.models import Application

    matter = make_matter("Q1", power_type="行政确认")
    moment = dt.datetime(LAST_YEAR, 3, 1, 10, tzinfo=dt.UTC)
    Application.objects.create(
        number="T-1",
        matter=matter,
        applicant_name="张三",
        applicant_type="自然人",
        applicant_id_number="",
        unit=org["window"],
        status=Application.Status.CLOSED,
        received_at=moment,
        accepted_at=moment,
        completed_at=moment,
        result="办结",
    )
    bump_version()
    body = as_user(leader).get(reverse("dashboard"), {"year": LAST_YEAR}).content
    body = body.decode()
    assert "数据一致性检查未通过" in body
    assert "窗口受理办结业务事项为1，各分项之和为0" in body


def test_cached_dashboard_runs_a_bounded_number_of_queries(
    as_user, leader, org, django_assert_max_num_queries
):
    client = as_user(leader)
    make_matter("P1", power_type="行政处罚")
    client.get(reverse("dashboard"), {"year": LAST_YEAR})  # fills the cache
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboard"), {"year": LAST_YEAR})
    assert response.status_code == 200


def test_figures_link_only_for_users_who_may_open_the_list(as_user, sysadmin, org):
    make_matter("P1", power_type="行政处罚")
    response = as_user(sysadmin).get(reverse("dashboard"), {"year": LAST_YEAR})
    figures = {f.code: f for s in response.context["sections"] for f in s["figures"]}
    assert figures["powers.penalty"].url  # 系统管理员 keeps the power list
    assert figures["window.completed"].url is None  # but sees no applications
    assert figures["hotline.12328.received"].url is None
