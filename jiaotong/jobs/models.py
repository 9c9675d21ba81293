"""Background jobs whose progress users follow (exports, draws)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People see their own export jobs only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    """A file built in the background (year-end workbook, publicity lists)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=32)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        "jiaotong.User",
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.get_status_display()}"
