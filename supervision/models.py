"""双随机一公开 and credit supervision (DOMAIN.md §6): the inspection item list
(一单), spot-check tasks with their reproducible draws, declared conflicts of
interest, and inspection records of every kind."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DEFAULT_RATIOS = {
    "A": Decimal("0.05"),
    "B": Decimal("0.10"),
    "C": Decimal("0.30"),
    "D": Decimal("0.60"),
}
PUBLISH_WORKING_DAYS = 20  # results are published within 20 working days


def _can_view(user) -> bool:
    return user.is_authenticated and user.has_perm("supervision.view_spotchecktask")


class InspectionItem(models.Model):
    """One entry of the 抽查事项清单: what may be checked, on what legal basis."""

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("抽查事项"), max_length=200)
    basis = models.TextField(_("法律依据"))
    content = models.TextField(_("检查内容"), blank=True)
    method = models.CharField(_("检查方式"), max_length=100, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项清单")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervision staff and leaders see every task; anyone else none."""
        return self.all() if _can_view(user) else self.none()


class SpotCheckTask(models.Model):
    """A 抽查任务: items, scope, planned window and the sampling rule (a ratio
    per credit grade, or a fixed number spread over the grades)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待抽取")
        DRAWING = "drawing", _("抽取中")
        DRAWN = "drawn", _("已抽取")
        COMPLETED = "completed", _("检查完成")
        PUBLISHED = "published", _("已公示")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("任务编号"), max_length=40, unique=True)
    name = models.CharField(_("任务名称"), max_length=200)
    items = models.ManyToManyField(
        InspectionItem, verbose_name=_("抽查事项"), related_name="tasks"
    )
    industries = models.JSONField(_("行业范围"), default=list, blank=True)
    towns = models.JSONField(_("乡镇范围"), default=list, blank=True)
    window_start = models.DateField(_("计划开始"))
    window_end = models.DateField(_("计划结束"))
    ratio_a = models.DecimalField(
        _("A级抽查比例"), max_digits=4, decimal_places=3, default=DEFAULT_RATIOS["A"]
    )
    ratio_b = models.DecimalField(
        _("B级抽查比例"), max_digits=4, decimal_places=3, default=DEFAULT_RATIOS["B"]
    )
    ratio_c = models.DecimalField(
        _("C级抽查比例"), max_digits=4, decimal_places=3, default=DEFAULT_RATIOS["C"]
    )
    ratio_d = models.DecimalField(
        _("D级抽查比例"), max_digits=4, decimal_places=3, default=DEFAULT_RATIOS["D"]
    )
    fixed_count = models.PositiveIntegerField(
        _("固定抽取数量"),
        null=True,
        blank=True,
        help_text=_("填写后按各信用等级企业数比例分配，不再按比例抽取。"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    progress = models.PositiveSmallIntegerField(_("抽取进度"), default=0)
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        ordering = ["-window_start", "-id"]
        permissions = [("draw_spotchecktask", "可以执行随机抽取")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="spotchecktask_window_order",
            )
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("supervision:task_detail", args=[self.pk])

    @property
    def ratios(self) -> dict[str, Decimal]:
        return {
            "A": self.ratio_a,
            "B": self.ratio_b,
            "C": self.ratio_c,
            "D": self.ratio_d,
        }

    @property
    def current_draw(self):
        return self.draws.filter(superseded_by__isnull=True).first()


class Draw(models.Model):
    """One reproducible draw of a task: the seed, the frozen inputs (population,
    eligible inspectors, exclusions) and their SHA-256, the algorithm version.
    A re-draw keeps this row and points ``superseded_by`` at the new one."""

    task = models.ForeignKey(
        SpotCheckTask,
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        related_name="draws",
    )
    seed = models.CharField(_("随机种子"), max_length=32)
    algorithm = models.CharField(_("算法版本"), max_length=10)
    snapshot = models.JSONField(_("抽取名录快照"))
    snapshot_sha256 = models.CharField(_("名录快照SHA-256"), max_length=64)
    drawn_on = models.DateField(_("抽取日期"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("被重新抽取替代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    redraw_reason = models.TextField(_("重新抽取原因"), blank=True)

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return f"{self.task.number} #{self.pk}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()


class DrawnEnterprise(models.Model):
    class Mode(models.TextChoices):
        RANDOM = "random", _("随机")
        DIRECTED = "directed", _("定向")

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="picks"
    )
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="spot_check_picks",
    )
    mode = models.CharField(
        _("抽取方式"), max_length=8, choices=Mode.choices, default=Mode.RANDOM
    )
    grade = models.CharField(_("抽取时信用等级"), max_length=1)
    reason = models.CharField(_("定向原因"), max_length=200, blank=True)
    inspectors = models.ManyToManyField(
        "enforcement.Officer", verbose_name=_("检查人员"), related_name="+"
    )

    class Meta:
        verbose_name = _("抽中企业")
        verbose_name_plural = _("抽中企业")
        ordering = ["draw", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "enterprise"], name="drawnenterprise_once_per_draw"
            )
        ]

    def __str__(self):
        return f"{self.enterprise}（{self.get_mode_display()}）"


class DirectedPick(models.Model):
    """A 定向 addition to a task (proposed by the system, approved by a leader)."""

    task = models.ForeignKey(
        SpotCheckTask,
        verbose_name=_("抽查任务"),
        on_delete=models.CASCADE,
        related_name="directed",
    )
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("定向原因"), max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("定向检查对象")
        verbose_name_plural = _("定向检查对象")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "enterprise"], name="directedpick_once_per_task"
            )
        ]

    def __str__(self):
        return f"{self.enterprise}（定向）"


class InspectorConflict(models.Model):
    """A declared conflict of interest (回避): the officer is never drawn for it."""

    officer = models.ForeignKey(
        "enforcement.Officer",
        verbose_name=_("检查人员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("回避原因"), max_length=200)
    declared_on = models.DateField(_("申报日期"))

    class Meta:
        verbose_name = _("利害关系回避")
        verbose_name_plural = _("利害关系回避")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "enterprise"], name="conflict_once"
            )
        ]

    def __str__(self):
        return f"{self.officer} ↔ {self.enterprise}"


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if _can_view(user) else self.none()

    def published(self):
        return self.filter(published_at__isnull=False)


class InspectionRecord(models.Model):
    """One inspection of one enterprise (录入监管信息), of any kind."""

    class Kind(models.TextChoices):
        RANDOM = "random", _("双随机抽查")
        DIRECTED = "directed", _("定向检查")
        ROUTINE = "routine", _("日常检查")
        SPECIAL = "special", _("专项检查")

    class Result(models.TextChoices):
        NONE = "none", _("未发现问题")
        RECTIFY = "rectify", _("发现问题责令整改")
        CASE = "case", _("立案查处")

    number = models.CharField(_("记录编号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="inspection_records",
    )
    task = models.ForeignKey(
        SpotCheckTask,
        verbose_name=_("抽查任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    kind = models.CharField(_("检查类型"), max_length=10, choices=Kind.choices)
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    inspectors = models.ManyToManyField(
        "enforcement.Officer", verbose_name=_("检查人员"), related_name="+"
    )
    items = models.ManyToManyField(
        InspectionItem, verbose_name=_("检查事项"), blank=True, related_name="+"
    )
    result = models.CharField(_("检查结果"), max_length=8, choices=Result.choices)
    findings = models.TextField(_("检查情况"), blank=True)
    rectification = models.TextField(_("整改要求"), blank=True)
    rectified_on = models.DateField(_("整改完成（复查）日期"), null=True, blank=True)
    penalty_case = models.ForeignKey(
        "enforcement.PenaltyCase",
        verbose_name=_("立案案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_due = models.DateField(_("公示期限"))
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("supervision:record_list") + f"#record-{self.pk}"


class CreditDowngradeWindow(models.Model):
    """Marks that an enterprise was downgraded for the 12-month window ending on
    its third penalty decision, so the rule fires once per window."""

    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    window_start = models.DateField(_("窗口开始"))
    window_end = models.DateField(_("窗口结束"))
    change = models.OneToOneField(
        "jiaotong.CreditGradeChange",
        verbose_name=_("等级调整"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("信用降级记录")
        verbose_name_plural = _("信用降级记录")
        ordering = ["-window_end"]

    def __str__(self):
        return f"{self.enterprise} {self.window_end}"
