"""Indicator edge cases: the local date decides the year (31 Dec 23:30 counts,
1 Jan 00:30 does not), a reply made in the next year counts there, and problems
fixed after 31 Dec are listed but not fixed in Y."""

import datetime as dt

import pytest

from governance import services
from jiaotong.metrics.registry import compute

from .conftest import at, make_suggestion, replied_suggestion

pytestmark = pytest.mark.django_db


def test_reply_late_on_new_years_eve_counts_in_that_year(legal):
    replied_suggestion(legal, replied_at=at(2023, 12, 31, 23, 30))
    replied_suggestion(legal, replied_at=at(2024, 1, 1, 0, 30))
    assert compute("oversight.npc_suggestions", 2023) == 1
    assert compute("oversight.npc_suggestions", 2024) == 1


def test_item_assigned_in_y_and_replied_next_year_counts_next_year(legal):
    replied_suggestion(
        legal,
        kind="cppcc",
        assigned_on=dt.date(2023, 11, 20),
        replied_at=at(2024, 1, 5),
    )
    make_suggestion(legal, assigned_on=dt.date(2023, 12, 1))  # not answered yet
    assert compute("oversight.cppcc_proposals", 2023) == 0
    assert compute("oversight.cppcc_proposals", 2024) == 1
    assert compute("oversight.npc_suggestions", 2023) == 0


def _campaign_with_issue(office, *, listed, rectified=None):
    campaign = services.campaign_create(
        by=office,
        unit=office.unit,
        title="专项整治",
        plan_issued_on=dt.date(2023, 5, 14),
        starts_on=dt.date(2023, 5, 14),
    )
    issue = services.campaign_issue_add(
        campaign=campaign,
        by=office,
        description="问题",
        owner="法制股",
        deadline=dt.date(2024, 3, 1),
        listed_at=listed,
    )
    if rectified:
        services.campaign_issue_rectify(
            issue=issue, by=office, rectification="已整改", rectified_at=rectified
        )
    return campaign


def test_problem_fixed_after_31_december_is_listed_but_not_fixed(office):
    _campaign_with_issue(
        office, listed=at(2023, 6, 1), rectified=at(2023, 12, 31, 23, 30)
    )
    _campaign_with_issue(office, listed=at(2023, 6, 1), rectified=at(2024, 1, 1, 0, 30))
    _campaign_with_issue(office, listed=at(2023, 12, 31, 23, 30))
    assert compute("campaign.issues", 2023) == 3
    assert compute("campaign.issues_fixed", 2023) == 1
    assert compute("campaign.issues", 2024) == 0


def test_campaign_activity_figures_by_local_date(office):
    campaign = _campaign_with_issue(office, listed=at(2023, 6, 1))
    for held, banners in ((at(2023, 12, 31, 23, 30), 3), (at(2024, 1, 1, 0, 30), 5)):
        services.campaign_activity_add(
            campaign=campaign,
            by=office,
            kind="宣传",
            held_at=held,
            description="宣传",
            banners=banners,
            articles=1,
            enterprise_visits=2,
        )
    assert compute("campaign.banners", 2023) == 3
    assert compute("campaign.articles", 2023) == 1
    assert compute("campaign.enterprise_visits", 2023) == 2
    assert compute("campaign.banners", 2024) == 5


def test_education_sums_by_local_date(office):
    for held, n in ((at(2023, 12, 31, 23, 30), 1), (at(2024, 1, 1, 0, 30), 10)):
        services.education_create(
            by=office,
            unit=office.unit,
            title="宣传",
            theme="宪法宣传周",
            held_at=held,
            banners=n,
            leaflets=n * 100,
            participants=n * 10,
            articles=n,
        )
    assert [
        compute(f"education.{c}", 2023)
        for c in ("banners", "leaflets", "participants", "articles")
    ] == [1, 100, 10, 1]
    assert compute("education.banners", 2022) == 0


def test_training_counts_attendance_rows_of_enforcement_sessions(office, org):
    from tests.factories import make_user

    people = [make_user(f"p{i}", unit=org["squad"]) for i in range(3)]
    for held, enforcement in (
        (at(2023, 12, 31, 23, 30), True),
        (at(2023, 6, 1), False),
        (at(2024, 1, 1, 0, 30), True),
    ):
        session = services.training_create(
            by=office,
            unit=office.unit,
            topic="培训",
            held_at=held,
            hours="2",
            for_enforcement=enforcement,
        )
        services.training_set_attendance(
            session=session, by=office, users=people, names=["协管员"]
        )
    assert compute("training.sessions", 2023) == 1
    assert compute("training.attendance", 2023) == 4


def test_documents_reviewed_counts_documents_by_conclusion_date(legal):
    docs = [
        services.document_register_existing(
            by=legal,
            unit=legal.unit,
            title=f"文件{i}",
            doc_no=f"{i}号",
            published_on=dt.date(2019, 1, 1),
        )
        for i in range(3)
    ]
    services.document_review(
        document=docs[0],
        by=legal,
        result="保留",
        reason="有效",
        concluded_at=at(2023, 12, 31, 23, 30),
    )
    services.document_review(
        document=docs[0], by=legal, result="废止", reason="上位法修改",
        concluded_at=at(2023, 12, 31, 23, 40),
    )  # fmt: skip
    services.document_review(
        document=docs[1], by=legal, result="废止", reason="过时",
        concluded_at=at(2024, 1, 1, 0, 30),
    )  # fmt: skip
    assert compute("documents.reviewed", 2023) == 1
    assert compute("documents.repealed", 2023) == 1
    assert compute("documents.retained", 2023) == 1
    assert compute("documents.reviewed", 2024) == 1


def test_mediation_counts_acceptance_and_petitions_resolution(legal):
    for n, accepted in enumerate((at(2023, 12, 31, 23, 30), at(2024, 1, 1, 0, 30))):
        mediation = services.mediation_create(
            by=legal,
            unit=legal.unit,
            number=f"TJ-{n}",
            applicant="甲",
            respondent="乙",
            industry="物流",
            summary="纠纷",
            applied_on=dt.date(2023, 12, 30),
        )
        services.mediation_accept(mediation=mediation, by=legal, moment=accepted)
    services.mediation_create(
        by=legal,
        unit=legal.unit,
        number="TJ-9",
        applicant="甲",
        respondent="乙",
        industry="物流",
        summary="未受理",
        applied_on=dt.date(2023, 6, 1),
    )
    assert compute("mediation.disputes", 2023) == 1
    assert compute("mediation.disputes", 2024) == 1


def test_indicators_scope_to_an_org_unit(office, org):
    replied_suggestion(office, replied_at=at(2023, 5, 1))
    assert compute("oversight.npc_suggestions", 2023, org["legal"]) == 1
    assert compute("oversight.npc_suggestions", 2023, org["window"]) == 0
