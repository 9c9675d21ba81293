from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("matters/", views.matter_filter_options, name="matter_filter_options"),
    path("new/", views.case_create, name="case_create"),
    path("clues/", views.clue_list, name="clue_list"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:pk>/flag/", views.officer_flag, name="officer_flag"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path(
        "publicity/<int:pk>/withdraw/",
        views.publicity_withdraw,
        name="publicity_withdraw",
    ),
    path("publicity/export/", views.publicity_export, name="publicity_export"),
    path(
        "publicity/<int:pk>/publish/",
        views.publicity_publish,
        name="publicity_publish",
    ),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/extend/", views.case_extend, name="case_extend"),
    path("<int:pk>/copy/", views.case_file_copy, name="case_file_copy"),
    path("<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/print/<slug:document>/", views.case_print, name="case_print"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
]
