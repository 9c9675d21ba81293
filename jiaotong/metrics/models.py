"""Summary rows ("rollups") of the heavy figures: counts per local month and
unit, kept by jiaotong.metrics.rollups and summed by the dashboard instead of
reading a year of records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupCount(models.Model):
    """One count of a rollup source: how many of the source's records placed
    in the local month ``month`` (its first day) and unit ``unit`` satisfy the
    aggregate ``key``, optionally split by ``part`` (e.g. the matter's name).
    Derived data: rebuilt by the refresh, never edited."""

    source = models.CharField(_("统计来源"), max_length=40)
    month = models.DateField(_("月份"))
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    key = models.CharField(_("统计项"), max_length=40)
    part = models.CharField(_("分组"), max_length=200, blank=True, default="")
    n = models.BigIntegerField(_("数量"))

    class Meta:
        verbose_name = _("统计汇总行")
        verbose_name_plural = _("统计汇总行")
        indexes = [
            models.Index(
                fields=["source", "month"],
                include=["unit", "key", "part", "n"],
                name="rollupcount_source_month_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.month:%Y-%m} {self.key}={self.n}"


class RollupState(models.Model):
    """When a rollup source was last rebuilt, and the record versions it was
    rebuilt from: the dashboard sums its rows only while those versions are
    still the current ones (jiaotong.metrics.rollups)."""

    source = models.CharField(_("统计来源"), max_length=40, unique=True)
    stamp = models.CharField(_("数据版本"), max_length=200)
    refreshed_at = models.DateTimeField(_("更新时间"))
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("统计汇总状态")
        verbose_name_plural = _("统计汇总状态")

    def __str__(self) -> str:
        return f"{self.source} @ {self.refreshed_at:%Y-%m-%d %H:%M:%S}"
