"""Governance screens: every page renders for its owner, is refused or hidden
for others, writes only by POST through the services, and lists stay within a
bounded number of queries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import (
    Attachment,
    DraftingStepKind,
    Feedback,
    NormativeDocument,
    Suggestion,
    TrainingAttendance,
)
from jiaotong import roles
from tests.factories import make_user

from .conftest import at, make_suggestion, replied_suggestion

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"governance:{name}", args=args)


@pytest.fixture
def records(legal):
    suggestion = make_suggestion(legal)
    document = services.document_create(by=legal, unit=legal.unit, title="草案")
    mediation = services.mediation_create(
        by=legal,
        unit=legal.unit,
        number="TJ-1",
        applicant="甲",
        respondent="乙",
        industry="物流",
        summary="纠纷",
        applied_on=dt.date(2023, 3, 1),
    )
    petition = services.petition_create(
        by=legal,
        unit=legal.unit,
        number="XF-1",
        petitioner="丙",
        industry="物流",
        received_on=dt.date(2023, 3, 1),
        subject="事由",
    )
    education = services.education_create(
        by=legal, unit=legal.unit, title="宪法宣传", theme="宪法宣传周",
        held_at=at(2023, 12, 4), banners=2,
    )  # fmt: skip
    campaign = services.campaign_create(
        by=legal, unit=legal.unit, title="专项整治",
        plan_issued_on=dt.date(2023, 5, 14), starts_on=dt.date(2023, 5, 14),
    )  # fmt: skip
    training = services.training_create(
        by=legal, unit=legal.unit, topic="执法培训", held_at=at(2023, 2, 1), hours="2"
    )
    return {
        "suggestion": suggestion,
        "document": document,
        "mediation": mediation,
        "petition": petition,
        "education": education,
        "campaign": campaign,
        "training": training,
    }


PAGES = [
    ("suggestion_list", None),
    ("suggestion_create", None),
    ("suggestion_detail", "suggestion"),
    ("suggestion_edit", "suggestion"),
    ("document_list", None),
    ("document_create", None),
    ("document_register", None),
    ("document_detail", "document"),
    ("document_edit", "document"),
    ("mediation_list", None),
    ("mediation_create", None),
    ("mediation_detail", "mediation"),
    ("mediation_edit", "mediation"),
    ("petition_list", None),
    ("petition_create", None),
    ("petition_detail", "petition"),
    ("petition_edit", "petition"),
    ("education_list", None),
    ("education_create", None),
    ("education_detail", "education"),
    ("education_edit", "education"),
    ("campaign_list", None),
    ("campaign_create", None),
    ("campaign_detail", "campaign"),
    ("campaign_edit", "campaign"),
    ("training_list", None),
    ("training_create", None),
    ("training_detail", "training"),
    ("training_edit", "training"),
    ("training_attendance", "training"),
]


def _page_url(records, name, key):
    return url(name, records[key].pk) if key else url(name)


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_legal_affairs_officer_opens_every_page(client, legal, records, name, key):
    client.force_login(legal)
    response = client.get(_page_url(records, name, key))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_outsider_is_refused_or_gets_404(client, outsider, records, name, key):
    client.force_login(outsider)
    response = client.get(_page_url(records, name, key))
    assert response.status_code == (404 if key else 403)


def test_another_units_records_are_404_even_with_the_role(client, records, org):
    stranger = make_user("w", roles=[roles.ROLE_LEGAL_AFFAIRS], unit=org["window"])
    client.force_login(stranger)
    assert (
        client.get(url("suggestion_detail", records["suggestion"].pk)).status_code
        == 404
    )
    response = client.get(url("suggestion_list"))
    assert records["suggestion"].number not in response.content.decode()


def test_co_handling_unit_sees_the_suggestion(client, legal, org):
    suggestion = make_suggestion(legal, co_units=[org["window"]])
    helper = make_user("w", roles=[roles.ROLE_OFFICE], unit=org["window"])
    client.force_login(helper)
    assert client.get(url("suggestion_detail", suggestion.pk)).status_code == 200


def test_leader_sees_but_cannot_record(client, leader, records):
    client.force_login(leader)
    assert client.get(url("document_detail", records["document"].pk)).status_code == 200
    assert client.get(url("document_create")).status_code == 403


def test_office_clerk_has_no_documents_or_mediation(client, office, records):
    client.force_login(office)
    assert client.get(url("document_list")).status_code == 403
    assert client.get(url("mediation_list")).status_code == 403
    assert client.get(url("training_list")).status_code == 200


def test_create_suggestion_through_the_form(client, legal):
    client.force_login(legal)
    response = client.post(
        url("suggestion_create"),
        {
            "kind": "npc",
            "number": "RD2024-9",
            "title": "关于公交的建议",
            "proposers": "张三",
            "unit": legal.unit_id,
            "assigned_on": "2024-03-10",
        },
    )
    suggestion = Suggestion.objects.get(number="RD2024-9")
    assert response.status_code == 302
    assert response["Location"] == suggestion.get_absolute_url()
    assert suggestion.due_date == dt.date(2024, 6, 10)


def test_edit_form_shows_the_service_refusal(client, legal, records, org):
    client.force_login(legal)
    suggestion = records["suggestion"]
    response = client.post(
        url("suggestion_edit", suggestion.pk),
        {
            "title": "新标题",
            "proposers": "张卫国",
            "unit": org["window"].pk,  # not offered: outside the user's subtree
            "assigned_on": "2023-03-10",
        },
    )
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.title != "新标题"


def test_workflow_moves_by_post_from_assignment_to_closed(client, legal, records):
    client.force_login(legal)
    suggestion = records["suggestion"]
    do = lambda action: url("record_action", "suggestion", suggestion.pk, action)  # noqa: E731
    assert client.get(do("start")).status_code == 405
    client.post(do("start"))
    client.post(
        do("reply"),
        {
            "reply-reply_doc_no": "睢交建〔2023〕1号",
            "reply-outcome": "A",
            "reply-replied_at": "2023-05-10T10:00",
        },
    )
    client.post(
        do("feedback"),
        {"feedback-feedback": Feedback.SATISFIED, "feedback-feedback_on": "2023-05-15"},
    )
    response = client.post(do("close"), follow=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CLOSED
    assert suggestion.replied_at == at(2023, 5, 10, 10)
    page = response.content.decode()
    assert "已办结。" in page
    assert "登记反馈意见" in page  # the timeline names each move in Chinese


def test_refused_move_is_reported_not_performed(client, legal, records):
    client.force_login(legal)
    document = records["document"]
    response = client.post(
        url("record_action", "document", document.pk, "publish"),
        {"publish-doc_no": "1号", "publish-published_on": "2023-10-10"},
        follow=True,
    )
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.DRAFTING
    assert (
        "不能公布" in response.content.decode()
        or "调查研究" in response.content.decode()
    )


def test_unknown_register_or_move_is_404(client, legal, records):
    client.force_login(legal)
    pk = records["document"].pk
    assert client.post(url("record_action", "nothing", pk, "x")).status_code == 404
    assert (
        client.post(url("record_action", "document", pk, "repeal")).status_code == 404
    )


def test_publication_through_the_pages(client, legal, records):
    client.force_login(legal)
    document = records["document"]
    for kind in DraftingStepKind.values:
        client.post(
            url("document_step", document.pk),
            {
                "step-kind": kind,
                "step-done_on": "2023-09-01",
                "step-conclusion": "完成",
            },
        )
    client.post(
        url("record_action", "document", document.pk, "publish"),
        {"publish-doc_no": "睢交〔2023〕1号", "publish-published_on": "2023-10-10"},
    )
    client.post(url("record_action", "document", document.pk, "enforce"))
    document.refresh_from_db()
    assert document.status == NormativeDocument.Status.IN_FORCE
    client.logout()
    public = client.get(url("document_public_list"))
    assert public.status_code == 200
    assert "睢交〔2023〕1号" in public.content.decode()


def test_public_list_shows_only_documents_in_force(client, legal):
    kept = services.document_register_existing(
        by=legal, unit=legal.unit, title="保留的文件", doc_no="1号",
        published_on=dt.date(2019, 1, 1),
    )  # fmt: skip
    gone = services.document_register_existing(
        by=legal, unit=legal.unit, title="废止的文件", doc_no="2号",
        published_on=dt.date(2019, 1, 1),
    )  # fmt: skip
    services.document_review(document=gone, by=legal, result="废止", reason="过时")
    page = client.get(url("document_public_list")).content.decode()
    assert kept.title in page and gone.title not in page


def test_attendance_taken_from_the_staff_list(client, legal, records, org):
    staff = [
        make_user(f"s{i}", unit=org["squad"], full_name=f"队员{i}") for i in range(3)
    ]
    client.force_login(legal)
    training = records["training"]
    page = client.get(url("training_attendance", training.pk)).content.decode()
    assert "队员0" in page and "第一中队" in page
    client.post(
        url("training_attendance", training.pk),
        {"users": [staff[0].pk, staff[2].pk], "names": "协管员甲\n\n"},
    )
    assert TrainingAttendance.objects.filter(session=training).count() == 3


def test_campaign_problem_rectified_through_the_page(client, legal, records):
    client.force_login(legal)
    campaign = records["campaign"]
    client.post(
        url("campaign_issue_add", campaign.pk),
        {
            "issue-description": "文书不规范",
            "issue-owner": "法制股",
            "issue-deadline": "2027-01-01",
        },
    )
    issue = campaign.issues.get()
    client.post(
        url("campaign_issue_rectify", campaign.pk, issue.pk),
        {"rectify-rectification": "已整改"},
    )
    issue.refresh_from_db()
    assert issue.is_rectified


def test_attachment_upload_checks_content_and_download_is_scoped(
    client, legal, records, outsider
):
    client.force_login(legal)
    suggestion = records["suggestion"]
    target = url("attachment_upload", "suggestion", suggestion.pk)
    fake = SimpleUploadedFile(
        "答复函.pdf", b"not a pdf", content_type="application/pdf"
    )
    client.post(target, {"file": fake, "title": "答复函"})
    assert not Attachment.objects.exists()
    real = SimpleUploadedFile(
        "答复函.pdf", b"%PDF-1.4 ...", content_type="application/pdf"
    )
    client.post(target, {"file": real, "title": "答复函"})
    attachment = Attachment.objects.get()
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    client.force_login(outsider)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_list_filters_due_and_overdue(client, legal):
    today = timezone.localdate()
    late = make_suggestion(legal, assigned_on=today - dt.timedelta(days=120))
    soon = make_suggestion(legal, assigned_on=today - dt.timedelta(days=85))
    later = make_suggestion(legal, assigned_on=today - dt.timedelta(days=5))
    client.force_login(legal)
    overdue = client.get(url("suggestion_list"), {"due": "overdue"}).context["page_obj"]
    due = client.get(url("suggestion_list"), {"due": "soon"}).context["page_obj"]
    assert [s.pk for s in overdue] == [late.pk]
    assert {s.pk for s in due} == {late.pk, soon.pk}
    assert later.pk not in {s.pk for s in due}
    assert "已超期" in client.get(url("suggestion_list")).content.decode()


def test_home_page_queues_due_suggestions(client, legal):
    make_suggestion(legal, assigned_on=timezone.localdate() - dt.timedelta(days=120))
    client.force_login(legal)
    page = client.get(reverse("home")).content.decode()
    assert "建议提案已超期" in page


def test_suggestion_list_queries_are_bounded(
    client, legal, django_assert_max_num_queries
):
    for n in range(30):
        replied_suggestion(legal, number=f"Q-{n}")
    client.force_login(legal)
    with django_assert_max_num_queries(12):
        response = client.get(url("suggestion_list"), {"page": 2})
    assert len(response.context["page_obj"]) == 5


def test_drafting_page_says_which_steps_block_publication(client, legal, records):
    client.force_login(legal)
    page = client.get(url("document_detail", records["document"].pk)).content.decode()
    assert "以下必经环节尚未登记，不能公布：调查研究、公众参与" in page
    assert (
        url("record_action", "document", records["document"].pk, "publish") not in page
    )


POST_ONLY = [
    ("suggestion_contact_add", "suggestion"),
    ("document_step", "document"),
    ("document_file", "document"),
    ("document_review", "document"),
    ("campaign_activity_add", "campaign"),
    ("campaign_issue_add", "campaign"),
]


@pytest.mark.parametrize(("name", "key"), POST_ONLY)
def test_writes_refuse_get(client, legal, records, name, key):
    client.force_login(legal)
    assert client.get(url(name, records[key].pk)).status_code == 405


def test_office_clerk_cannot_post_to_documents_or_mediation(client, office, legal, org):
    # Same unit subtree, so the rows are in scope; the role lacks the permission.
    document = services.document_create(by=legal, unit=org["legal"], title="草案")
    client.force_login(office)
    response = client.post(
        url("document_step", document.pk),
        {"step-kind": "调查研究", "step-done_on": "2023-09-01", "step-conclusion": "x"},
    )
    assert response.status_code == 404  # no view permission: out of scope
    assert not document.steps.exists()


def _many(legal, n=30):
    for i in range(n):
        document = services.document_register_existing(
            by=legal, unit=legal.unit, title=f"文件{i}", doc_no=f"{i}号",
            published_on=dt.date(2019, 1, 1),
        )  # fmt: skip
        services.document_review(
            document=document, by=legal, result="保留", reason="有效"
        )
        campaign = services.campaign_create(
            by=legal, unit=legal.unit, title=f"整治{i}",
            plan_issued_on=dt.date(2023, 5, 1), starts_on=dt.date(2023, 5, 1),
        )  # fmt: skip
        services.campaign_issue_add(
            campaign=campaign, by=legal, description="问题", owner="股室",
            deadline=dt.date(2099, 1, 1),
        )  # fmt: skip
        session = services.training_create(
            by=legal,
            unit=legal.unit,
            topic=f"培训{i}",
            held_at=at(2023, 2, 1),
            hours="2",
        )
        services.training_set_attendance(session=session, by=legal, names=["甲", "乙"])
        services.mediation_create(
            by=legal, unit=legal.unit, number=f"TJ-{i}", applicant="甲", respondent="乙",
            industry="物流", summary="纠纷", applied_on=dt.date(2023, 3, 1),
        )  # fmt: skip


@pytest.mark.parametrize(
    "name", ["document_list", "campaign_list", "training_list", "mediation_list"]
)
def test_register_lists_are_paginated_with_bounded_queries(
    client, legal, name, django_assert_max_num_queries
):
    _many(legal)
    client.force_login(legal)
    with django_assert_max_num_queries(12):
        response = client.get(url(name), {"page": 2})
    assert len(response.context["page_obj"]) == 5
