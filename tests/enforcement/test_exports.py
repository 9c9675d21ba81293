"""The publicity batch file: DOMAIN.md §4.8 fields, natural persons' IDs masked,
text never a formula, built as an ExportJob that reaches 100 %."""

from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enforcement import services
from enforcement.exports import PUBLICITY_KIND, build_publicity_batch
from jiaotong.jobs.services import export_job_create, export_job_run
from jiaotong.models import ExportJob

from .conftest import PERSON_ID, new_case, to_notified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_batch_file_masks_ids_and_keeps_text_as_text(
    officer, officer_pair, penalty_matter
):
    case = new_case(
        officer,
        penalty_matter,
        officer_pair,
        fine=Decimal("1000"),
        party_name="=HYPERLINK(1)",
    )
    case = services.case_decide(case=to_notified(case, officer), by=officer)
    job = export_job_create(
        kind=PUBLICITY_KIND,
        params={"only_pending": True},
        title="双公示报送清单",
        filename="x.xlsx",
        by=officer,
    )
    job = export_job_run(job.pk, build=build_publicity_batch)
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    book = load_workbook(job.file.path)
    rows = list(book["行政处罚"].iter_rows(values_only=True))
    assert rows[0][0] == "行政处罚决定书文号"
    assert rows[1][0] == case.number
    assert rows[1][5] == "=HYPERLINK(1)"
    assert book["行政处罚"]["F2"].data_type == "s"
    assert rows[1][6] != PERSON_ID and rows[1][6].endswith(PERSON_ID[-4:])
    assert rows[1][9] == "睢县交通运输局"


def test_export_is_requested_by_post_and_followed_on_the_job_page(client, officer):
    client.force_login(officer)
    assert client.get(reverse("enforcement:publicity_export")).status_code == 405
    response = client.post(
        reverse("enforcement:publicity_export"), {"only_pending": "1"}
    )
    job = ExportJob.objects.get(kind=PUBLICITY_KIND)
    assert response.status_code == 302 and response.url == reverse(
        "job_detail", args=[job.pk]
    )
