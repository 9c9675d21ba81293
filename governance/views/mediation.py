"""行政调解 and 信访: lists, case pages, register and edit."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jiaotong.web import permission_required

from .. import forms, selectors, services
from ..filters import MediationFilter, PetitionFilter
from ..models import Mediation, Petition
from .common import detail_context, edit_page, form_page, list_page, visible


@require_GET
@permission_required("governance.view_mediation")
def mediation_list(request):
    rows = selectors.mediation_list(request.user)
    return list_page(
        request,
        "governance/mediation_list.html",
        MediationFilter(request.GET, queryset=rows),
    )


@require_GET
def mediation_detail(request, pk):
    mediation = visible(request, Mediation, pk)
    context = detail_context(request, mediation, "mediation", mediation=mediation)
    return render(request, "governance/mediation_detail.html", context)


@permission_required("governance.add_mediation")
def mediation_create(request):
    form = forms.MediationForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记调解申请",
        back=reverse("governance:mediation_list"),
        save=lambda data: services.mediation_create(by=request.user, **data),
        success="已登记调解申请。",
    )


def mediation_edit(request, pk):
    return edit_page(
        request,
        Mediation,
        pk,
        forms.MediationEditForm,
        services.mediation_update,
        "mediation",
        title="修改调解案件 {obj.number}",
    )


@require_GET
@permission_required("governance.view_petition")
def petition_list(request):
    rows = selectors.petition_list(request.user)
    return list_page(
        request,
        "governance/petition_list.html",
        PetitionFilter(request.GET, queryset=rows),
    )


@require_GET
def petition_detail(request, pk):
    petition = visible(request, Petition, pk)
    context = detail_context(request, petition, "petition", petition=petition)
    return render(request, "governance/petition_detail.html", context)


@permission_required("governance.add_petition")
def petition_create(request):
    form = forms.PetitionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        title="登记信访",
        back=reverse("governance:petition_list"),
        save=lambda data: services.petition_create(by=request.user, **data),
        success="已登记信访。",
    )


def petition_edit(request, pk):
    return edit_page(
        request,
        Petition,
        pk,
        forms.PetitionEditForm,
        services.petition_update,
        "petition",
        title="修改信访 {obj.number}",
    )
