"""Background jobs whose progress users follow (exports, draws, imports)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People see their own jobs only."""
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

    objects = OwnJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.get_status_display()}"


class ImportJob(models.Model):
    """A workbook import run in the background (数据导入): first the dry run
    that checks the workbook and previews its counts, then, once the person
    confirms it, the import itself (``preview`` names the dry run it confirms).

    The workbook waits under MEDIA_ROOT/imports/<token>.xlsx, a server-generated
    name, and is deleted when the job that needs it last has ended (a dry run
    with errors, or the import)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导入类型"), max_length=32)
    source_name = models.CharField(_("文件名"), max_length=100, blank=True)
    dry_run = models.BooleanField(_("试导入"), default=True)
    token = models.CharField(_("上传文件编号"), max_length=32)
    preview = models.OneToOneField(
        "self",
        verbose_name=_("所确认的试导入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmed_by",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    # {"created", "updated", "unchanged", "error_count", "errors": [first ones]}
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(
        "jiaotong.User",
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    # Where the request came from: the job's audit events record them, as the
    # events written while serving a request do.
    ip_address = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    user_agent = models.CharField(_("客户端标识"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = OwnJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.get_status_display()}"
