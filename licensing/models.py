"""The service window's records: applications (办件) and what happens to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaotong.indexes import search_index
from jiaotong.registry.models import PowerType
from jiaotong.validators import DB_EARLIEST_INSTANT, DB_LATEST_INSTANT

# Matters an application may be filed under (spec/import-formats.md `applications`).
WINDOW_POWER_TYPES = (
    PowerType.LICENSING,
    PowerType.PUBLIC_SERVICE,
    PowerType.CONFIRMATION,
    PowerType.OTHER,
)


class ApplicantType(models.TextChoices):
    PERSON = "自然人", _("自然人")
    ORGANISATION = "法人", _("法人")


class Channel(models.TextChoices):
    WINDOW = "窗口", _("窗口")
    ONLINE = "网上", _("网上")
    KIOSK = "自助终端", _("自助终端")


class Result(models.TextChoices):
    """办理结果: the final result an accepted application reaches."""

    APPROVED = "准予", _("准予")
    DENIED = "不予许可", _("不予许可")
    DONE = "办结", _("办结")


class Evaluation(models.TextChoices):
    """好差评, five levels (DOMAIN.md §3.5); the last two are 差评."""

    VERY_SATISFIED = "非常满意", _("非常满意")
    SATISFIED = "满意", _("满意")
    BASIC = "基本满意", _("基本满意")
    DISSATISFIED = "不满意", _("不满意")
    VERY_DISSATISFIED = "非常不满意", _("非常不满意")


BAD_EVALUATIONS = (Evaluation.DISSATISFIED, Evaluation.VERY_DISSATISFIED)
GOOD_EVALUATIONS = (Evaluation.VERY_SATISFIED, Evaluation.SATISFIED)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Leaders see every application; window staff see their unit subtree's;
        everyone else sees none (an application outside this set is a 404)."""
        from jiaotong.roles import ROLE_LEADER, has_role

        if not user.is_authenticated or not user.has_perm("licensing.view_application"):
            return self.none()
        if has_role(user, ROLE_LEADER):
            return self.all()
        if user.unit_id is None:
            return self.none()
        from jiaotong.models import OrgUnit

        # The subtree's unit ids as constants (one small query), not a join on
        # the path: the planner then knows how many rows these units hold (the
        # list's estimated total) and reads (unit, received_at, id) in order.
        units = OrgUnit.objects.subtree_of(user.unit).values_list("pk", flat=True)
        return self.filter(unit_id__in=list(units))

    def counted(self):
        """Rows that indicators may count: never test data."""
        return self.filter(is_test=False)


class Application(models.Model):
    """One application lodged at the service window (办件), from receipt (收件)
    to its final result, with the deadlines that run on it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已收件")
        SUPPLEMENT = "supplement", _("待补正")
        ACCEPTED = "accepted", _("已受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        UNDER_REVIEW = "under_review", _("审查中")
        SUSPENDED = "suspended", _("暂停计时")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    matter = models.ForeignKey(
        "jiaotong.Matter",
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_type = models.CharField(
        _("申请人类型"), max_length=8, choices=ApplicantType.choices
    )
    applicant_id_number = models.CharField(_("证件号码"), max_length=18, db_index=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    channel = models.CharField(
        _("办理渠道"), max_length=8, choices=Channel.choices, default=Channel.WINDOW
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    notify_commit = models.BooleanField(_("告知承诺"), default=False)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("受理单位"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    received_at = models.DateTimeField(_("收件时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期未告知补正视为受理"), default=False)
    not_accepted_at = models.DateTimeField(_("不予受理时间"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    result = models.CharField(
        _("办理结果"), max_length=8, choices=Result.choices, blank=True
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    remedies = models.TextField(_("救济途径"), blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    promised_due_date = models.DateField(
        _("承诺办结日期（收件时计算）"), null=True, blank=True
    )
    due_date = models.DateField(_("承诺时限截止日"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定时限截止日"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("暂停计时（工作日）"), default=0)
    overdue_flagged_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    evaluation = models.CharField(
        _("评价"), max_length=8, choices=Evaluation.choices, blank=True
    )
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    is_test = models.BooleanField(_("测试数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at", "-id"]
        permissions = [("revoke_application", _("撤销告知承诺许可"))]
        indexes = [
            models.Index(fields=["status", "due_date"], name="app_status_due_idx"),
            models.Index(fields=["received_at", "id"], name="app_received_idx"),
            models.Index(fields=["completed_at"], name="app_completed_idx"),
            models.Index(fields=["matter", "completed_at"], name="app_matter_done_idx"),
            models.Index(fields=["clerk", "status"], name="app_clerk_status_idx"),
            # The window list's pages (jiaotong/pagination.py): its sort key
            # (-received_at, -id) behind the unit scope and the usual filters.
            models.Index(
                fields=["unit", "received_at", "id"], name="app_list_unit_idx"
            ),
            models.Index(
                fields=["status", "received_at", "id"], name="app_list_status_idx"
            ),
            models.Index(
                fields=["matter", "received_at", "id"], name="app_list_matter_idx"
            ),
            # The list's search box (ApplicationFilter.search), PostgreSQL only.
            search_index("number", "applicant_name", name="app_search_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_at__gte=DB_EARLIEST_INSTANT)
                & Q(received_at__lt=DB_LATEST_INSTANT),
                name="app_received_at_plausible",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(completed_at__gte=models.F("received_at")),
                name="app_completed_after_received",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(result=""),
                name="app_completed_has_result",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("licensing:application_detail", args=[self.pk])

    @property
    def is_bad_evaluation(self) -> bool:
        return self.evaluation in BAD_EVALUATIONS

    @property
    def is_running(self) -> bool:
        """The promised-limit clock runs (deadline marks apply)."""
        return self.status in RUNNING_STATES


_S = Application.Status
# Clock running: these count as overdue once past the due date.
RUNNING_STATES = (_S.RECEIVED, _S.ACCEPTED, _S.UNDER_REVIEW, _S.APPROVED, _S.DENIED)
# Waiting for the window to act (the clerk's queue).
OPEN_STATES = (*RUNNING_STATES, _S.SUPPLEMENT, _S.SUSPENDED)


class ApplicationSequence(models.Model):
    """The last number issued per year, so that numbers never repeat or race."""

    year = models.PositiveIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("办件编号序列")
        verbose_name_plural = _("办件编号序列")

    def __str__(self):
        return f"{self.year}: {self.last}"


class SupplementNotice(models.Model):
    """一次性告知补正: told once, listing every missing item (ALL art. 32(4))."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="supplement_notice",
    )
    items = models.TextField(_("需补正材料（每行一项）"))
    notified_at = models.DateTimeField(_("告知时间"))
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("告知人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("补齐时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")

    def __str__(self):
        return f"{self.application_id} 补正告知"

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class ClockPause(models.Model):
    """Time excluded from the limit (听证/检验/检测/鉴定/专家评审, ALL art. 45)."""

    class Kind(models.TextChoices):
        HEARING = "听证", _("听证")
        TENDER = "招标", _("招标")
        AUCTION = "拍卖", _("拍卖")
        INSPECTION = "检验", _("检验")
        TESTING = "检测", _("检测")
        QUARANTINE = "检疫", _("检疫")
        APPRAISAL = "鉴定", _("鉴定")
        EXPERT_REVIEW = "专家评审", _("专家评审")

    application = models.ForeignKey(
        Application,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="pauses",
    )
    kind = models.CharField(_("暂停事由"), max_length=8, choices=Kind.choices)
    reason = models.TextField(_("说明"), blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("扣除工作日"), default=0)

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(ended_on__isnull=True),
                name="clockpause_one_open_per_application",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class CommitmentCheck(models.Model):
    """告知承诺 post-check (核查) of an approval made on the applicant's commitment."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待核查")
        PASSED = "passed", _("核查属实")
        FAILED = "failed", _("承诺不实")

    application = models.ForeignKey(
        Application,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="commitment_checks",
    )
    due_date = models.DateField(_("核查期限"))
    outcome = models.CharField(
        _("核查结果"),
        max_length=8,
        choices=Outcome.choices,
        default=Outcome.PENDING,
    )
    note = models.TextField(_("核查情况"), blank=True)
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("告知承诺核查")
        verbose_name_plural = _("告知承诺核查")
        ordering = ["due_date", "id"]

    def __str__(self):
        return f"{self.application_id} 核查 {self.get_outcome_display()}"


class Rectification(models.Model):
    """差评整改: what was done about a bad rating, and the follow-up call (回访)."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    problem = models.TextField(_("差评问题"))
    measures = models.TextField(_("整改措施"))
    rectified_on = models.DateField(_("整改日期"))
    visited = models.BooleanField(_("已回访"), default=False)
    visit_note = models.TextField(_("回访情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self):
        return f"{self.application_id} 差评整改"
