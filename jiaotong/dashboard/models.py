"""Closed statistical years: the published figures, frozen."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class YearClosing(models.Model):
    """A statistical year an administrator has closed: the whole bureau's
    indicator values as published, frozen with who closed it and when.  Later
    record changes that would alter a frozen figure are shown as differences,
    never silently written into the published report.  Reopening keeps the row
    (with who, when and why) and is audited."""

    year = models.PositiveSmallIntegerField(_("统计年度"), unique=True)
    values = models.JSONField(_("冻结数值"), default=dict)
    is_closed = models.BooleanField(_("已关账"), default=True)
    closed_at = models.DateTimeField(_("关账时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关账人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("重新开放时间"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重新开放人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(_("重新开放理由"), blank=True)

    class Meta:
        verbose_name = _("年度关账")
        verbose_name_plural = _("年度关账")
        ordering = ["-year"]
        permissions = [("close_year", _("年度关账与重新开放"))]

    def __str__(self):
        return f"{self.year}年度"
