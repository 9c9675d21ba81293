from django.urls import path

from .views import activities, common, documents, mediation, suggestions

app_name = "governance"

urlpatterns = [
    # 建议提案
    path("suggestions/", suggestions.suggestion_list, name="suggestion_list"),
    path("suggestions/new/", suggestions.suggestion_create, name="suggestion_create"),
    path(
        "suggestions/<int:pk>/",
        suggestions.suggestion_detail,
        name="suggestion_detail",
    ),
    path(
        "suggestions/<int:pk>/edit/",
        suggestions.suggestion_edit,
        name="suggestion_edit",
    ),
    path(
        "suggestions/<int:pk>/contacts/",
        suggestions.suggestion_contact_add,
        name="suggestion_contact_add",
    ),
    # 规范性文件
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_create, name="document_create"),
    path("documents/register/", documents.document_register, name="document_register"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/steps/", documents.document_step, name="document_step"),
    path("documents/<int:pk>/filing/", documents.document_file, name="document_file"),
    path(
        "documents/<int:pk>/review/", documents.document_review, name="document_review"
    ),
    path(
        "public/documents/",
        documents.document_public_list,
        name="document_public_list",
    ),
    # 行政调解、信访
    path("mediation/", mediation.mediation_list, name="mediation_list"),
    path("mediation/new/", mediation.mediation_create, name="mediation_create"),
    path("mediation/<int:pk>/", mediation.mediation_detail, name="mediation_detail"),
    path("mediation/<int:pk>/edit/", mediation.mediation_edit, name="mediation_edit"),
    path("petitions/", mediation.petition_list, name="petition_list"),
    path("petitions/new/", mediation.petition_create, name="petition_create"),
    path("petitions/<int:pk>/", mediation.petition_detail, name="petition_detail"),
    path("petitions/<int:pk>/edit/", mediation.petition_edit, name="petition_edit"),
    # 普法、专项整治、培训
    path("education/", activities.education_list, name="education_list"),
    path("education/new/", activities.education_create, name="education_create"),
    path("education/<int:pk>/", activities.education_detail, name="education_detail"),
    path("education/<int:pk>/edit/", activities.education_edit, name="education_edit"),
    path("campaigns/", activities.campaign_list, name="campaign_list"),
    path("campaigns/new/", activities.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", activities.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", activities.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:pk>/activities/",
        activities.campaign_activity_add,
        name="campaign_activity_add",
    ),
    path(
        "campaigns/<int:pk>/issues/",
        activities.campaign_issue_add,
        name="campaign_issue_add",
    ),
    path(
        "campaigns/<int:pk>/issues/<int:issue_pk>/rectify/",
        activities.campaign_issue_rectify,
        name="campaign_issue_rectify",
    ),
    path("training/", activities.training_list, name="training_list"),
    path("training/new/", activities.training_create, name="training_create"),
    path("training/<int:pk>/", activities.training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", activities.training_edit, name="training_edit"),
    path(
        "training/<int:pk>/attendance/",
        activities.training_attendance,
        name="training_attendance",
    ),
    # Shared: workflow moves and attachments
    path(
        "<slug:register>/<int:pk>/do/<slug:action>/",
        common.record_action,
        name="record_action",
    ),
    path(
        "<slug:register>/<int:pk>/attachments/",
        common.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/",
        common.attachment_download,
        name="attachment_download",
    ),
]
