"""Regressions for issue 12 "found" item 6: full values only through the audited
path. The applicant look-up returns masked values; ID and mobile numbers typed
into free text are masked on lists, pages and exports."""

import pytest
import xlsxwriter
from django.urls import reverse
from openpyxl import load_workbook

from jiaotong.models import AuditEvent
from jiaotong.reports.builder import WORKBOOK_OPTIONS, _Formats, _write_rows
from jiaotong.templatetags.jiaotong_tags import mask_pii
from licensing.services import application_receive
from tests.factories import make_matter, resident_id
from tests.hotline.conftest import intake

pytestmark = pytest.mark.django_db

PERSON = resident_id("41142219850101123")
MOBILE = "13912345678"
CONTENT = f"来电人称身份证号{PERSON}，联系电话{MOBILE}，要求处理拒载。"


def test_applicant_lookup_returns_masked_values_only(client, clerk):
    matter = make_matter(
        "XK-1", power_type="行政许可", promised_limit_days=5, statutory_limit_days=20
    )
    application_receive(
        matter=matter,
        by=clerk,
        applicant_name="周八",
        applicant_type="自然人",
        applicant_id_number=PERSON,
        applicant_phone=MOBILE,
    )
    client.force_login(clerk)
    before = AuditEvent.objects.count()
    body = client.post(
        reverse("licensing:applicant_lookup"), {"applicant_id_number": PERSON}
    ).content.decode()
    assert 'data-name="周八"' in body
    assert MOBILE not in body and "139****5678" in body
    assert "data-phone" not in body
    assert AuditEvent.objects.count() == before  # nothing revealed, nothing to audit


def test_numbers_in_ticket_content_are_masked_on_list_and_page(
    client, hotline_agent, handler, org
):
    ticket = intake(hotline_agent, content=CONTENT, dispatch_to=org["squad"])
    for user in (hotline_agent, handler):
        client.force_login(user)
        for url in (
            reverse("hotline:ticket_detail", args=[ticket.pk]),
            reverse("hotline:ticket_list"),
            reverse("hotline:unit_queue") + f"?unit={org['squad'].pk}",
        ):
            page = client.get(url).content.decode()
            assert PERSON not in page, url
            assert MOBILE not in page, url
        detail = client.get(reverse("hotline:ticket_detail", args=[ticket.pk]))
        assert "411422" in detail.content.decode()  # masked, not dropped


def test_export_writer_masks_numbers_in_text_cells(tmp_path):
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    sheet = book.add_worksheet("x")
    _write_rows(sheet, _Formats(book), [(CONTENT, 13912345678)], first_row=0)
    book.close()
    text, number = next(load_workbook(path).active.iter_rows(values_only=True))
    assert PERSON not in text and MOBILE not in text
    assert "411422********" in text and "139****5678" in text
    assert number == 13912345678  # numbers are not free text


def test_mask_pii_filter():
    assert mask_pii(CONTENT).count("*") == 8 + 4
    assert mask_pii(CONTENT, True) == CONTENT
    assert mask_pii(None) == ""
