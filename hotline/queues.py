"""The hotline's work queues on the home page (``HotlineConfig.home_queues``)."""

from django.urls import reverse

from . import selectors
from .models import Status

ROWS = 5
TICKET_TEMPLATE = "hotline/includes/_queue.html"
NOTICE_TEMPLATE = "hotline/includes/_notice_queue.html"


def _queue(title: str, url: str, queryset, template: str = TICKET_TEMPLATE) -> dict:
    return {
        "title": title,
        "url": url,
        "count": queryset.count(),
        "rows": list(queryset[:ROWS]),
        "template": template,
    }


def home_queues(user) -> list[dict]:
    queues = []
    board_url = reverse("hotline:ticket_board")
    if user.has_perm("hotline.dispatch_ticket"):
        board = selectors.dispatcher_board(user)
        queues += [
            _queue("待派单工单", board_url, board["new"]),
            _queue("退单待审核", board_url + "#returns", board["returns"]),
            _queue("超期工单", board_url + "#overdue", board["overdue"]),
            _queue("待回访工单", board_url + "#follow-up", board["follow_up"]),
        ]
    if user.has_perm("hotline.handle_ticket") and user.unit_id is not None:
        queue = selectors.unit_queue(user, user.unit)
        queue_url = reverse("hotline:unit_queue")
        queues += [
            _queue("待签收工单", queue_url, queue["to_sign"]),
            _queue("办理中工单", queue_url + "#in-progress", queue["in_progress"]),
        ]
    if user.has_perm("hotline.approve_extension"):
        pending = selectors.ticket_list(user).filter(status=Status.EXTENSION_REQUESTED)
        queues.append(
            _queue(
                "待审批延期申请",
                reverse("hotline:ticket_list") + "?status=extension_requested",
                pending.order_by("due_date"),
            )
        )
    notices = selectors.notices_for(user).pending()
    if (
        user.has_perm("hotline.handle_ticket")
        or user.has_perm("hotline.approve_extension")
    ) and notices.exists():
        queues.append(
            _queue("督办通知", reverse("hotline:notice_list"), notices, NOTICE_TEMPLATE)
        )
    return queues
