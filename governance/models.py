"""The bureau's governance registers (DOMAIN.md §7, §2.5–2.8): NPC suggestions and
CPPCC proposals, normative documents and their clean-up reviews, mediation and
petitions, legal-education events, special campaigns, and staff training.

Every register belongs to a unit (``unit``) and is scoped by it: a user sees the
rows of their unit subtree (leaders see all), through ``visible_to(user)``.
Timestamps that indicators count are ``DateTimeField``s judged on their local
(Asia/Shanghai) date; see governance/indicators.py.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiaotong.models.registry import Industry


class UnitScopedQuerySet(models.QuerySet):
    """``visible_to(user)``: nothing without the model's view permission; leaders
    see every row; everyone else sees the rows of their own unit subtree."""

    def visible_to(self, user):
        from jiaotong.roles import ROLE_LEADER, has_role

        meta = self.model._meta
        if not user.is_authenticated or not user.has_perm(
            f"{meta.app_label}.view_{meta.model_name}"
        ):
            return self.none()
        if has_role(user, ROLE_LEADER):
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(self.unit_condition(user.unit.path))

    def unit_condition(self, path: str) -> Q:
        return Q(unit__path__startswith=path)


class Recorded(models.Model):
    """Who owns and who entered a register row."""

    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# --- 人大代表建议 / 政协委员提案 -------------------------------------------------------


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


# --- 规范性文件 ------------------------------------------------------------------------


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


# --- 行政调解 / 信访 -------------------------------------------------------------------


class Mediation(Recorded):
    """A civil dispute brought to the bureau for administrative mediation (行政调解)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        ACCEPTED = "accepted", _("调解中")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        AGREED = "agreed", _("达成协议")
        TERMINATED = "terminated", _("终止调解")
        CLOSED = "closed", _("已回访结案")

    number = models.CharField(_("案号"), max_length=40, unique=True)
    applicant = models.CharField(_("申请人"), max_length=200)
    respondent = models.CharField(_("被申请人"), max_length=200)
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    summary = models.TextField(_("纠纷事由"))
    applied_on = models.DateField(_("申请日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    notes = models.TextField(_("调解经过"), blank=True)
    agreement = models.TextField(_("调解协议内容"), blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    concluded_at = models.DateTimeField(
        _("调解结束时间（协议或终止）"), null=True, blank=True
    )
    follow_up = models.TextField(_("履行回访情况"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政调解")
        verbose_name_plural = _("行政调解")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["accepted_at"], name="mediation_accepted_idx")]

    def __str__(self):
        return f"{self.number} {self.applicant}与{self.respondent}"

    def get_absolute_url(self):
        return reverse("governance:mediation_detail", args=[self.pk])


class Petition(Recorded):
    """A petition (信访/上访) received by the bureau, and how it was resolved."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("办理中")
        RESOLVED = "resolved", _("已解决")

    number = models.CharField(_("信访编号"), max_length=40, unique=True)
    petitioner = models.CharField(_("信访人"), max_length=200)
    industry = models.CharField(_("行业"), max_length=12, choices=Industry.choices)
    received_on = models.DateField(_("接访日期"))
    subject = models.CharField(_("事由"), max_length=200)
    content = models.TextField(_("反映问题"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访")
        verbose_name_plural = _("信访")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["resolved_at"], name="petition_resolved_idx")]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("governance:petition_detail", args=[self.pk])


# --- 普法、专项整治、培训 ----------------------------------------------------------------


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
