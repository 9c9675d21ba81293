"""规范性文件, their drafting steps and clean-up reviews (DOMAIN.md §7.2)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import Recorded, UnitScopedQuerySet


class DraftingStepKind(models.TextChoices):
    """The drafting steps the report names (一(六)), in their order."""

    RESEARCH = "调查研究", _("调查研究")
    PUBLIC = "公众参与", _("公众参与")
    EXPERTS = "专家论证", _("专家论证")
    RISK = "风险评估", _("风险评估")
    FAIR_COMPETITION = "公平竞争审查", _("公平竞争审查")
    LEGALITY = "合法性审查", _("合法性审查")
    COLLECTIVE = "集体讨论", _("集体讨论")


class ReviewResult(models.TextChoices):
    RETAIN = "保留", _("继续保留")
    AMEND = "修改", _("修改")
    REPEAL = "废止", _("废止")
    EXPIRE = "失效", _("宣布失效")


class NormativeDocument(Recorded):
    """A normative document (行政规范性文件) drafted or issued by the bureau, from
    drafting through publication and filing to its clean-up reviews."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("起草中")
        PUBLISHED = "published", _("已公布")
        IN_FORCE = "in_force", _("施行中")
        REPEALED = "repealed", _("已废止")
        EXPIRED = "expired", _("已失效")

    title = models.CharField(_("文件名称"), max_length=200)
    doc_no = models.CharField(_("文号"), max_length=60, blank=True)
    summary = models.TextField(_("主要内容"), blank=True)
    concerns_business = models.BooleanField(
        _("涉及经营主体经济活动"),
        default=True,
        help_text=_("涉及的须经公平竞争审查后方可出台。"),
    )
    legacy = models.BooleanField(
        _("存量文件"),
        default=False,
        help_text=_("本系统启用前已印发的文件，起草过程不在本系统登记。"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFTING
    )
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_with = models.CharField(_("备案机关"), max_length=100, blank=True)
    ended_on = models.DateField(_("废止（失效）日期"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("规范性文件")
        verbose_name_plural = _("规范性文件")
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["status", "effective_from"], name="doc_status_idx"),
        ]

    def __str__(self):
        return f"{self.title}（{self.doc_no}）" if self.doc_no else self.title

    def get_absolute_url(self):
        return reverse("governance:document_detail", args=[self.pk])


class DraftingStep(models.Model):
    """One dated drafting step (调查研究, 公众参与, …, 集体讨论) of a document."""

    document = models.ForeignKey(
        NormativeDocument,
        verbose_name=_("规范性文件"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    kind = models.CharField(_("环节"), max_length=8, choices=DraftingStepKind.choices)
    done_on = models.DateField(_("完成日期"))
    conclusion = models.TextField(_("结论与情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("起草环节")
        verbose_name_plural = _("起草环节")
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind"], name="draftingstep_one_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.done_on}"


class DocumentReview(models.Model):
    """A clean-up review (清理) of a document and its conclusion."""

    document = models.ForeignKey(
        NormativeDocument,
        verbose_name=_("规范性文件"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    concluded_at = models.DateTimeField(_("清理结论时间"))
    result = models.CharField(_("清理结果"), max_length=4, choices=ReviewResult.choices)
    reason = models.TextField(_("理由"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("清理记录")
        verbose_name_plural = _("清理记录")
        ordering = ["concluded_at", "id"]
        indexes = [models.Index(fields=["concluded_at"], name="docreview_at_idx")]

    def __str__(self):
        return f"{self.document_id} {self.get_result_display()}"
