"""The bureau's governance registers (DOMAIN.md §7, §2.5–2.8): NPC suggestions and
CPPCC proposals, normative documents and their clean-up reviews, mediation and
petitions, legal-education events, special campaigns, and staff training.

Every register belongs to a unit (``unit``) and is scoped by it: a user sees the
rows of their unit subtree (leaders see all), through ``visible_to(user)``.
Timestamps that indicators count are ``DateTimeField``s judged on their local
(Asia/Shanghai) date; see governance/indicators.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .activities import (
    Campaign,
    CampaignActivity,
    CampaignIssue,
    EducationEvent,
    TrainingAttendance,
    TrainingSession,
)
from .base import Recorded, UnitScopedQuerySet
from .documents import (
    DocumentReview,
    DraftingStep,
    DraftingStepKind,
    NormativeDocument,
    ReviewResult,
)
from .mediation import Mediation, Petition
from .suggestions import (
    Feedback,
    Outcome,
    Suggestion,
    SuggestionContact,
    SuggestionKind,
    SuggestionQuerySet,
)

__all__ = [
    "ATTACHMENT_OWNERS",
    "Attachment",
    "Campaign",
    "CampaignActivity",
    "CampaignIssue",
    "DocumentReview",
    "DraftingStep",
    "DraftingStepKind",
    "EducationEvent",
    "Feedback",
    "Mediation",
    "NormativeDocument",
    "Outcome",
    "Petition",
    "Recorded",
    "ReviewResult",
    "Suggestion",
    "SuggestionContact",
    "SuggestionKind",
    "SuggestionQuerySet",
    "TrainingAttendance",
    "TrainingSession",
    "UnitScopedQuerySet",
    "attachment_path",
]


# --- Attachments -----------------------------------------------------------------------


def attachment_path(instance, filename):
    # Server-generated name: the uploader's file name is kept only as metadata.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"governance/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


ATTACHMENT_OWNERS = ("suggestion", "document", "mediation", "education", "campaign")


def _exactly_one_owner() -> Q:
    condition = Q()
    for owner in ATTACHMENT_OWNERS:
        condition |= Q(
            **{f"{name}__isnull": name != owner for name in ATTACHMENT_OWNERS}
        )
    return condition


class Attachment(models.Model):
    """A file where a document is the point: a reply letter, a normative
    document's text, a mediation agreement, activity photos. Exactly one owner;
    served only through a permission-checked view."""

    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("建议提案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    document = models.ForeignKey(
        NormativeDocument,
        verbose_name=_("规范性文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    mediation = models.ForeignKey(
        Mediation,
        verbose_name=_("行政调解"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    education = models.ForeignKey(
        EducationEvent,
        verbose_name=_("普法活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    title = models.CharField(_("材料名称"), max_length=100)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_owner(), name="governance_attachment_one_owner"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:attachment_download", args=[self.pk])

    @property
    def owner(self):
        for name in ATTACHMENT_OWNERS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None
