from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path(
        "enterprises/",
        views.enterprise_filter_options,
        name="enterprise_filter_options",
    ),
    path("new/", views.ticket_create, name="ticket_create"),
    path("new/enterprises/", views.enterprise_options, name="enterprise_options"),
    path("board/", views.ticket_board, name="ticket_board"),
    path("queue/", views.unit_queue, name="unit_queue"),
    path("notices/", views.notice_list, name="notice_list"),
    path(
        "notices/<int:pk>/acknowledge/",
        views.notice_acknowledge,
        name="notice_acknowledge",
    ),
    path("stats/", views.ticket_stats, name="ticket_stats"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/do/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("<int:pk>/supervise/", views.ticket_supervise, name="ticket_supervise"),
    path("<int:pk>/reveal/", views.ticket_reveal_caller, name="ticket_reveal_caller"),
]
