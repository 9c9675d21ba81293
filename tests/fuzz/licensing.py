"""Fuzz targets of the window (licensing)."""

from django import forms as djforms
from django.urls import reverse

from licensing import forms
from licensing.filters import ApplicationFilter
from licensing.workflow import APPLICATION_WORKFLOW

from .registry import filter_url, form, workflow_forms

APP = ["licensing.Application", "licensing.ClockPause", "licensing.SupplementNotice"]


def _query_form(*names):
    class QueryForm(djforms.Form):
        pass

    for name in names:
        QueryForm.base_fields[name] = djforms.CharField(required=False)
    return QueryForm


form(
    "application_create",
    user="clerk",
    url=lambda w: reverse("licensing:application_create"),
    form=lambda w: forms.ApplicationIntakeForm(),
    writes=APP,
)
workflow_forms(
    "application",
    APPLICATION_WORKFLOW,
    url_name="licensing:application_action",
    record="application",
    users={
        "licensing.change_application": "clerk",
        "licensing.revoke_application": "leader",
    },
    writes=APP,
)
form(
    "application_evaluate",
    user="clerk",
    url=lambda w: reverse("licensing:application_evaluate", args=[w["application"].pk]),
    form=lambda w: forms.EvaluationForm(),
    writes=APP,
)
form(
    "application_id_search",
    user="clerk",
    url=lambda w: reverse("licensing:application_id_search"),
    form=lambda w: forms.IdSearchForm(),
)
form(
    "application_reveal_id",
    user="clerk",
    url=lambda w: reverse(
        "licensing:application_reveal_id", args=[w["application"].pk]
    ),
    form=lambda w: forms.RevealForm(),
)
form(
    "applicant_lookup",
    user="clerk",
    url=lambda w: reverse("licensing:applicant_lookup"),
    form=lambda w: _query_form("applicant_id_number")(),
)

filter_url(
    "application_list",
    user="clerk",
    url=lambda w: reverse("licensing:application_list"),
    form=lambda w: ApplicationFilter().form,
)
filter_url(
    "matter_options",
    user="clerk",
    url=lambda w: reverse("licensing:matter_options"),
    form=lambda w: _query_form("matter_query")(),
)
filter_url(
    "window_stats",
    user="leader",
    url=lambda w: reverse("licensing:window_stats"),
    form=lambda w: _query_form("year")(),
)
