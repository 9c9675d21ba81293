"""行政调解 and 信访 (DOMAIN.md §7.3)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaotong.registry.models import Industry

from .base import Recorded, UnitScopedQuerySet


class Mediation(Recorded):
    """A civil dispute brought to the bureau for administrative mediation (行政调解)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        ACCEPTED = "accepted", _("调解中")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        AGREED = "agreed", _("达成协议")
        TERMINATED = "terminated", _("终止调解")
        CLOSED = "closed", _("已回访结案")

    number = models.CharField(_("案号"), max_length=40, unique=True)
    applicant = models.CharField(_("申请人"), max_length=200)
    respondent = models.CharField(_("被申请人"), max_length=200)
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    summary = models.TextField(_("纠纷事由"))
    applied_on = models.DateField(_("申请日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    notes = models.TextField(_("调解经过"), blank=True)
    agreement = models.TextField(_("调解协议内容"), blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    concluded_at = models.DateTimeField(
        _("调解结束时间（协议或终止）"), null=True, blank=True
    )
    follow_up = models.TextField(_("履行回访情况"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政调解")
        verbose_name_plural = _("行政调解")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["accepted_at"], name="mediation_accepted_idx")]

    def __str__(self):
        return f"{self.number} {self.applicant}与{self.respondent}"

    def get_absolute_url(self):
        return reverse("governance:mediation_detail", args=[self.pk])


class Petition(Recorded):
    """A petition (信访/上访) received by the bureau, and how it was resolved."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("办理中")
        RESOLVED = "resolved", _("已解决")

    number = models.CharField(_("信访编号"), max_length=40, unique=True)
    petitioner = models.CharField(_("信访人"), max_length=200)
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    received_on = models.DateField(_("接访日期"))
    subject = models.CharField(_("事由"), max_length=200)
    content = models.TextField(_("反映问题"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访")
        verbose_name_plural = _("信访")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["resolved_at"], name="petition_resolved_idx")]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("governance:petition_detail", args=[self.pk])
