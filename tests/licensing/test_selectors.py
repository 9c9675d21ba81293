import datetime as dt

from django.utils import timezone
from jiaotong.calendar.workdays import add_working_days

from jiaotong.models import MatterChange
from licensing.models import Application
from licensing.selectors import power_catalog, with_deadline_state
from tests.factories import make_matter

from .conftest import resident_id

S = Application.Status


def _state(org, status, due):
    application = Application.objects.create(
        number=f"D-{status}-{due}",
        matter=make_matter(),
        applicant_name="甲",
        applicant_type="自然人",
        applicant_id_number=resident_id(),
        unit=org["window"],
        status=status,
        received_at=timezone.now(),
        due_date=due,
    )
    return with_deadline_state(Application.objects.filter(pk=application.pk)).get()


def test_deadline_state_red_yellow_or_none(org):
    today = timezone.localdate()
    assert _state(org, S.ACCEPTED, today - dt.timedelta(days=1)).deadline_state == "red"
    assert _state(org, S.ACCEPTED, today).deadline_state == "yellow"
    two_left = add_working_days(today, 2)
    assert _state(org, S.UNDER_REVIEW, two_left).deadline_state == "yellow"
    three_left = add_working_days(today, 3)
    assert _state(org, S.RECEIVED, three_left).deadline_state == ""
    # closed or paused applications carry no mark
    past = today - dt.timedelta(days=3)
    assert _state(org, S.CLOSED, past).deadline_state == ""
    assert _state(org, S.SUSPENDED, past).deadline_state == ""


def test_power_catalog_counts_in_force_matters_and_summarises_adjustments(db):
    delegated = make_matter(power_type="行政许可", source="省下放")
    make_matter(power_type="行政许可", source="市下放", repealed_on=dt.date(2020, 1, 1))
    make_matter(power_type="行政处罚")
    make_matter(power_type="公共服务")
    for day in (dt.date(2023, 5, 16), dt.date(2023, 12, 8)):
        MatterChange.objects.create(matter=delegated, kind="告知承诺", effective_on=day)
    catalog = power_catalog(dt.date(2024, 1, 1))
    counts = {g["power_type"]: g["count"] for g in catalog["groups"]}
    assert (
        counts["行政许可"] == 1 and counts["行政处罚"] == 1 and counts["公共服务"] == 1
    )
    assert catalog["powers_total"] == 2 and catalog["delegated"] == 1
    # two changes of one matter in a year count as one matter
    assert catalog["summary"] == [{"year": 2023, "kind": "推行告知承诺制", "count": 1}]
