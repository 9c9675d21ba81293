"""Records the hotline tests share: a ticket helper and tickets at each step."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from hotline import services
from hotline.models import Ticket

_numbers = itertools.count(1)


def local(year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(
        year, month, day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def make_ticket(**fields) -> Ticket:
    """A ticket row written directly (for selectors and indicators); workflow
    tests move tickets through the services instead."""
    fields.setdefault("ticket_no", f"T{next(_numbers):06d}")
    fields.setdefault("source", "12328")
    fields.setdefault("received_at", timezone.now() - dt.timedelta(hours=1))
    fields.setdefault("category", "投诉")
    fields.setdefault("area", "出租汽车")
    fields.setdefault("content", "出租车司机拒载，要求处理。")
    if "due_date" not in fields:
        fields["due_date"] = services.compute_due_date(
            fields["received_at"], fields["source"], fields["category"]
        )
    return Ticket.objects.create(**fields)


def intake(agent, **fields) -> Ticket:
    """A ticket received through the intake service."""
    fields.setdefault("ticket_no", f"R{next(_numbers):06d}")
    fields.setdefault("source", "12328")
    fields.setdefault("received_at", timezone.now() - dt.timedelta(minutes=10))
    fields.setdefault("category", "投诉")
    fields.setdefault("area", "出租汽车")
    fields.setdefault("content", "出租车司机拒载，要求处理。")
    fields.setdefault("caller_name", "王先生")
    fields.setdefault("caller_phone", "13812345678")
    return services.ticket_create(by=agent, **fields)


@pytest.fixture
def received(hotline_agent):
    return intake(hotline_agent)


@pytest.fixture
def dispatched(received, hotline_agent, org):
    return services.ticket_dispatch(
        ticket=received, unit=org["squad"], by=hotline_agent
    )


@pytest.fixture
def in_progress(dispatched, handler):
    return services.ticket_sign(ticket=dispatched, by=handler)


@pytest.fixture
def replied(in_progress, handler):
    return services.ticket_reply(
        ticket=in_progress, reply_text="已约谈驾驶员并批评教育。", by=handler
    )


@pytest.fixture
def visited_unhappy(replied, hotline_agent):
    return services.ticket_follow_up(
        ticket=replied,
        result="不满意",
        note="来电人称未退还多收车费。",
        by=hotline_agent,
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments written by a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
