"""普法活动, 专项整治 (activities and problem list) and 培训 (attendance taken
from the staff list)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jiaotong.actions import post_service
from jiaotong.web import permission_required, require_permission

from .. import forms, selectors, services
from ..filters import CampaignFilter, EducationFilter, TrainingFilter
from ..models import Campaign, EducationEvent, TrainingSession
from .common import (
    detail_context,
    edit_page,
    form_page,
    list_page,
    visible,
)

# --- 普法 -----------------------------------------------------------------------------------


@require_GET
@permission_required("governance.view_educationevent")
def education_list(request):
    rows = selectors.education_list(request.user)
    return list_page(
        request,
        "governance/education_list.html",
        EducationFilter(request.GET, queryset=rows),
    )


@require_GET
def education_detail(request, pk):
    event = visible(request, EducationEvent, pk)
    context = detail_context(request, event, "education", event=event)
    return render(request, "governance/education_detail.html", context)


@permission_required("governance.add_educationevent")
def education_create(request):
    form = forms.EducationForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记普法活动",
        back=reverse("governance:education_list"),
        save=lambda data: services.education_create(by=request.user, **data),
        success="已登记普法活动。",
    )


def education_edit(request, pk):
    return edit_page(
        request,
        EducationEvent,
        pk,
        forms.EducationForm,
        services.education_update,
        "event",
        title="修改 {obj.title}",
    )


# --- 专项整治 ----------------------------------------------------------------------------------


@require_GET
@permission_required("governance.view_campaign")
def campaign_list(request):
    rows = selectors.campaign_list(request.user)
    return list_page(
        request,
        "governance/campaign_list.html",
        CampaignFilter(request.GET, queryset=rows),
    )


@require_GET
def campaign_detail(request, pk):
    campaign = visible(request, Campaign, pk)
    may_change = request.user.has_perm("governance.change_campaign")
    context = detail_context(
        request,
        campaign,
        "campaign",
        campaign=campaign,
        activities=campaign.activities.all(),
        issues=campaign.issues.all(),
        activity_form=forms.CampaignActivityForm(prefix="activity")
        if may_change
        else None,
        issue_form=forms.CampaignIssueForm(prefix="issue") if may_change else None,
        rectify_form=forms.IssueRectifyForm(prefix="rectify") if may_change else None,
    )
    return render(request, "governance/campaign_detail.html", context)


@permission_required("governance.add_campaign")
def campaign_create(request):
    form = forms.CampaignForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记专项整治",
        back=reverse("governance:campaign_list"),
        save=lambda data: services.campaign_create(by=request.user, **data),
        success="已登记专项整治。",
    )


def campaign_edit(request, pk):
    return edit_page(
        request,
        Campaign,
        pk,
        forms.CampaignForm,
        services.campaign_update,
        "campaign",
        title="修改 {obj.title}",
    )


@require_POST
def campaign_activity_add(request, pk):
    campaign = visible(request, Campaign, pk)
    require_permission(request, "governance.change_campaign")
    form = forms.CampaignActivityForm(request.POST, prefix="activity")
    return post_service(
        request,
        campaign,
        form,
        services.campaign_activity_add,
        "已登记活动。",
        campaign=campaign,
    )


@require_POST
def campaign_issue_add(request, pk):
    campaign = visible(request, Campaign, pk)
    require_permission(request, "governance.change_campaign")
    form = forms.CampaignIssueForm(request.POST, prefix="issue")
    return post_service(
        request,
        campaign,
        form,
        services.campaign_issue_add,
        "已列入问题清单。",
        campaign=campaign,
    )


@require_POST
def campaign_issue_rectify(request, pk, issue_pk):
    campaign = visible(request, Campaign, pk)
    require_permission(request, "governance.change_campaign")
    issue = get_object_or_404(campaign.issues, pk=issue_pk)
    form = forms.IssueRectifyForm(request.POST, prefix="rectify")
    return post_service(
        request,
        campaign,
        form,
        services.campaign_issue_rectify,
        "已登记整改完成。",
        issue=issue,
    )


# --- 培训 -------------------------------------------------------------------------------------


@require_GET
@permission_required("governance.view_trainingsession")
def training_list(request):
    rows = selectors.training_list(request.user)
    return list_page(
        request,
        "governance/training_list.html",
        TrainingFilter(request.GET, queryset=rows),
    )


@require_GET
def training_detail(request, pk):
    session = visible(request, TrainingSession, pk)
    context = detail_context(
        request,
        session,
        "training",
        session=session,
        attendances=session.attendances.select_related("user"),
    )
    return render(request, "governance/training_detail.html", context)


@permission_required("governance.add_trainingsession")
def training_create(request):
    form = forms.TrainingForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记培训",
        back=reverse("governance:training_list"),
        save=lambda data: services.training_create(by=request.user, **data),
        success="已登记培训，请登记参训人员。",
    )


def training_edit(request, pk):
    return edit_page(
        request,
        TrainingSession,
        pk,
        forms.TrainingForm,
        services.training_update,
        "session",
        title="修改 {obj.topic}",
    )


def training_attendance(request, pk):
    """Take attendance from the staff list (checkboxes grouped by unit)."""
    session = visible(request, TrainingSession, pk)
    require_permission(request, "governance.change_trainingsession")
    present = list(session.attendances.all())
    initial = {
        "users": [a.user_id for a in present if a.user_id],
        "names": "\n".join(a.name for a in present if not a.user_id),
    }
    form = forms.AttendanceForm(
        request.POST or None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        return post_service(
            request,
            session,
            form,
            services.training_set_attendance,
            "已保存参训人员。",
            session=session,
        )
    return render(
        request,
        "governance/training_attendance.html",
        {"session": session, "form": form, "groups": _by_unit(form)},
    )


def _by_unit(form) -> list[tuple[str, list]]:
    """The staff checkboxes grouped under their unit's name."""
    users = {str(u.pk): u for u in form.fields["users"].queryset}
    groups: dict[str, list] = {}
    for box in form["users"]:
        user = users.get(str(box.data["value"]))
        groups.setdefault(user.unit.name if user else "", []).append(box)
    return list(groups.items())
