from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("draft/", views.report_draft, name="report_draft"),
    path("draft/docx/", views.report_draft_docx, name="report_draft_docx"),
    path("years/<int:year>/close/", views.year_close, name="year_close"),
    path("years/<int:year>/reopen/", views.year_reopen, name="year_reopen"),
]
