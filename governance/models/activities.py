"""普法 events, 专项整治 campaigns and staff training (DOMAIN.md §7.4, §2.5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Recorded, UnitScopedQuerySet


class EducationEvent(Recorded):
    """A legal-education (普法) activity with what it handed out and reached."""

    class Theme(models.TextChoices):
        SECURITY_DAY = "4·15国家安全日", _("4·15全民国家安全教育日")
        ROAD_MONTH = "路政宣传月", _("路政宣传月")
        CREDIT_MONTH = "信用交通宣传月", _("信用交通宣传月")
        CONSTITUTION = "宪法宣传周", _("宪法宣传周")
        CIVIL_CODE = "民法典宣传月", _("民法典宣传月")
        CYBER = "网络安全宣传周", _("网络安全宣传周")
        CROSS_PROVINCE = "跨省通办宣传", _("跨省通办宣传")
        OTHER = "其他", _("其他")

    title = models.CharField(_("活动名称"), max_length=200)
    theme = models.CharField(_("主题"), max_length=16, choices=Theme.choices)
    held_at = models.DateTimeField(_("活动时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    laws = models.TextField(_("宣传的法律法规（每行一部）"), blank=True)
    banners = models.PositiveIntegerField(_("悬挂横幅（条）"), default=0)
    leaflets = models.PositiveIntegerField(_("发放宣传单（册）（份）"), default=0)
    participants = models.PositiveIntegerField(
        _("知识竞答、测试等参与（人次）"), default=0
    )
    articles = models.PositiveIntegerField(_("政策解读、以案释法文章（篇）"), default=0)
    note = models.TextField(_("活动情况"), blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("普法活动")
        verbose_name_plural = _("普法活动")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["held_at"], name="education_held_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:education_detail", args=[self.pk])

    @property
    def law_list(self) -> list[str]:
        return [line.strip() for line in self.laws.splitlines() if line.strip()]


class Campaign(Recorded):
    """A special campaign (专项整治): its plan, activities and problem list."""

    title = models.CharField(_("专项整治名称"), max_length=200)
    plan = models.TextField(_("实施方案要点"), blank=True)
    plan_issued_on = models.DateField(_("方案印发日期"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:campaign_detail", args=[self.pk])


class CampaignActivity(models.Model):
    """A dated activity of a campaign: a meeting, publicity, or enterprise visits."""

    class Kind(models.TextChoices):
        MEETING = "会议", _("动员部署会议")
        PUBLICITY = "宣传", _("宣传")
        VISIT = "走访", _("走访企业")
        OTHER = "其他", _("其他")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    held_at = models.DateTimeField(_("时间"))
    description = models.CharField(_("内容"), max_length=200)
    banners = models.PositiveIntegerField(_("横幅（条）"), default=0)
    articles = models.PositiveIntegerField(_("推送文章（篇）"), default=0)
    enterprise_visits = models.PositiveIntegerField(_("走访企业（家）"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("专项整治活动")
        verbose_name_plural = _("专项整治活动")
        ordering = ["held_at", "id"]
        indexes = [models.Index(fields=["held_at"], name="campaignact_held_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description}"


class CampaignIssue(models.Model):
    """One problem on a campaign's list (查摆问题清单), with its owner, deadline and
    rectification."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        on_delete=models.CASCADE,
        related_name="issues",
    )
    description = models.TextField(_("问题"))
    owner = models.CharField(_("责任人（责任股室）"), max_length=100)
    listed_at = models.DateTimeField(_("列入清单时间"))
    deadline = models.DateField(_("整改期限"))
    measures = models.TextField(_("整改措施"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)

    class Meta:
        verbose_name = _("查摆问题")
        verbose_name_plural = _("查摆问题")
        ordering = ["listed_at", "id"]
        indexes = [models.Index(fields=["listed_at"], name="campaignissue_listed_idx")]

    def __str__(self):
        return self.description[:40]

    @property
    def is_rectified(self) -> bool:
        return self.rectified_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_rectified and self.deadline < timezone.localdate()


class TrainingSession(Recorded):
    """A training session for staff; attendance is recorded person by person so
    that 人次 is counted, not typed."""

    topic = models.CharField(_("培训主题"), max_length=200)
    held_at = models.DateTimeField(_("培训时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    trainer = models.CharField(_("授课人"), max_length=100, blank=True)
    for_enforcement = models.BooleanField(_("执法人员培训"), default=True)
    note = models.TextField(_("培训内容"), blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["held_at"], name="training_held_idx")]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("governance:training_detail", args=[self.pk])


class TrainingAttendance(models.Model):
    """One person present at a session: a staff account, or a name for people
    without one (e.g. auxiliary staff)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("培训"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    name = models.CharField(_("姓名"), max_length=50)
    unit_name = models.CharField(_("单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="attendance_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "name"],
                condition=Q(user__isnull=True),
                name="attendance_one_per_name",
            ),
        ]

    def __str__(self):
        return self.name
