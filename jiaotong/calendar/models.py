"""The working-day calendar override table and configurable rule parameters."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An administrator's entry that fixes whether a date is a working day.

    It overrides the official calendar shipped in ``chinese-calendar`` (for
    corrections, and for years the library has no data for yet: 2027 onwards).
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        kind = "工作日" if self.is_workday else "休息日"
        return f"{self.date} {kind} {self.note}".strip()


class RuleParameterQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        )


class RuleParameter(models.Model):
    """A configurable time limit or threshold (DOMAIN.md §10), with its legal basis."""

    key = models.CharField(_("参数键"), max_length=100, db_index=True)
    value = models.CharField(_("取值"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    basis = models.TextField(_("依据"), blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    source_url = models.CharField(_("来源"), max_length=300, blank=True)

    objects = RuleParameterQuerySet.as_manager()

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="ruleparameter_unique_key_from"
            )
        ]

    def __str__(self):
        return f"{self.key} = {self.value}{self.unit}"
