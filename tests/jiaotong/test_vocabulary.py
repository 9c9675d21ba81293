"""One vocabulary (issue 13): every workflow status has a colour from one
table; the job label says what the file is."""

import pytest
from django.template import Context, Template

from hotline.models import Status as TicketStatus
from jiaotong.models import ExportJob
from jiaotong.templatetags.jiaotong_tags import STATUS_COLOURS
from licensing.models import Application


@pytest.mark.parametrize(
    "status",
    [
        *Application.Status.values,
        *TicketStatus.values,
        *ExportJob.Status.values,
    ],
)
def test_every_status_has_a_colour(status):
    assert status in STATUS_COLOURS


def test_badge_names_the_status_in_its_colour():
    job = ExportJob(status=ExportJob.Status.DONE)

    html = Template("{% load jiaotong_tags %}{% status_badge job %}").render(
        Context({"job": job})
    )

    assert 'class="badge rounded-pill text-bg-success"' in html and "已生成" in html
