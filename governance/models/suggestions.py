"""人大代表建议 / 政协委员提案 (DOMAIN.md §7.1)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Recorded, UnitScopedQuerySet


class SuggestionKind(models.TextChoices):
    NPC = "npc", _("人大代表建议")
    CPPCC = "cppcc", _("政协委员提案")


class Outcome(models.TextChoices):
    """办理结果分类 (DOMAIN.md §7.1, customary)."""

    A = "A", _("A类（已解决或基本解决）")
    B = "B", _("B类（正在解决）")
    C = "C", _("C类（列入计划逐步解决）")
    D = "D", _("D类（留作参考）")


class Feedback(models.TextChoices):
    SATISFIED = "满意", _("满意")
    BASIC = "基本满意", _("基本满意")
    DISSATISFIED = "不满意", _("不满意")


class SuggestionQuerySet(UnitScopedQuerySet):
    def unit_condition(self, path: str) -> Q:
        # A co-handling unit (协办) sees the item too: it sends its opinion in.
        co_handled = Suggestion.co_units.through.objects.filter(
            orgunit__path__startswith=path
        ).values("suggestion_id")
        return Q(unit__path__startswith=path) | Q(pk__in=co_handled)

    def open(self):
        return self.exclude(status=Suggestion.Status.CLOSED)

    def due_by(self, day):
        """A reply is owed (first reply, or again after re-handling) by ``day``."""
        S = Suggestion.Status
        return self.filter(
            Q(status__in=[S.ASSIGNED, S.HANDLING], due_date__lte=day)
            | Q(status=S.REHANDLING, rehandle_due__lte=day)
        )

    def overdue_on(self, day):
        """A reply was owed before ``day`` and has not been made."""
        return self.due_by(day - dt.timedelta(days=1))


class Suggestion(Recorded):
    """A deputy's suggestion (人大代表建议) or a member's proposal (政协委员提案)
    assigned to the bureau, from assignment (交办) to the proposer's feedback."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("已交办")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("已答复")
        FEEDBACK = "feedback", _("已反馈")
        REHANDLING = "rehandling", _("重新办理")
        CLOSED = "closed", _("已办结")

    kind = models.CharField(_("类别"), max_length=8, choices=SuggestionKind.choices)
    number = models.CharField(_("建议（提案）编号"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    proposers = models.CharField(_("提出人"), max_length=200)
    content = models.TextField(_("主要内容"), blank=True)
    co_units = models.ManyToManyField(
        "jiaotong.OrgUnit",
        verbose_name=_("协办单位"),
        blank=True,
        related_name="+",
    )
    assigned_on = models.DateField(_("交办日期"))
    difficult = models.BooleanField(
        _("重大复杂（6个月内答复）"),
        default=False,
        help_text=_("涉及面广、处理难度大的，答复期限为交办之日起6个月。"),
    )
    due_date = models.DateField(_("答复期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_doc_no = models.CharField(_("答复文号"), max_length=60, blank=True)
    reply_summary = models.TextField(_("答复内容摘要"), blank=True)
    outcome = models.CharField(
        _("办理结果分类"), max_length=1, choices=Outcome.choices, blank=True
    )
    feedback = models.CharField(
        _("代表（委员）意见"), max_length=4, choices=Feedback.choices, blank=True
    )
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    rehandle_due = models.DateField(_("重新办理期限"), null=True, blank=True)
    rereplied_at = models.DateTimeField(_("再次答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("建议提案")
        verbose_name_plural = _("建议提案")
        ordering = ["-assigned_on", "-id"]
        indexes = [
            models.Index(fields=["kind", "replied_at"], name="sugg_kind_replied_idx"),
            models.Index(fields=["status", "due_date"], name="sugg_status_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="suggestion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("assigned_on")),
                name="suggestion_due_after_assigned",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("governance:suggestion_detail", args=[self.pk])

    @property
    def current_due(self):
        """The date the pending reply is due by (re-handling has its own)."""
        if self.status == self.Status.REHANDLING:
            return self.rehandle_due
        if self.status in (self.Status.ASSIGNED, self.Status.HANDLING):
            return self.due_date
        return None

    @property
    def is_overdue(self) -> bool:
        due = self.current_due
        return due is not None and due < timezone.localdate()


class SuggestionContact(models.Model):
    """A contact with the proposer while handling (联系代表/见面沟通)."""

    class Way(models.TextChoices):
        MEETING = "见面", _("当面沟通")
        SITE = "现场", _("现场调研")
        PHONE = "电话", _("电话联系")
        SEMINAR = "座谈", _("座谈会")

    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("建议提案"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    way = models.CharField(_("方式"), max_length=4, choices=Way.choices)
    contacted_on = models.DateField(_("日期"))
    note = models.TextField(_("情况记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联系沟通记录")
        verbose_name_plural = _("联系沟通记录")
        ordering = ["contacted_on", "id"]

    def __str__(self):
        return f"{self.contacted_on} {self.get_way_display()}"

    @property
    def is_meeting(self) -> bool:
        return self.way in (self.Way.MEETING, self.Way.SITE, self.Way.SEMINAR)
