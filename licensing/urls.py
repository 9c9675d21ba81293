from django.urls import path

from . import views

app_name = "licensing"

urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("search/id/", views.application_id_search, name="application_id_search"),
    path("queue/", views.application_queue, name="application_queue"),
    path("matters/", views.matter_filter_options, name="matter_filter_options"),
    path("new/", views.application_create, name="application_create"),
    path("new/matters/", views.matter_options, name="matter_options"),
    path("new/applicant/", views.applicant_lookup, name="applicant_lookup"),
    path("new/applicants/", views.applicant_suggest, name="applicant_suggest"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "<int:pk>/do/<slug:action>/",
        views.application_action,
        name="application_action",
    ),
    path("<int:pk>/evaluate/", views.application_evaluate, name="application_evaluate"),
    path(
        "<int:pk>/checks/<int:check_pk>/",
        views.commitment_check_record,
        name="commitment_check_record",
    ),
    path("<int:pk>/visit/", views.rectification_visit, name="rectification_visit"),
    path("<int:pk>/reveal/", views.application_reveal_id, name="application_reveal_id"),
    path(
        "<int:pk>/print/<slug:document>/",
        views.application_print,
        name="application_print",
    ),
    path("powers/", views.power_catalog, name="power_catalog"),
    path("stats/", views.window_stats, name="window_stats"),
]
