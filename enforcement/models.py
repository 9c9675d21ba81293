"""Administrative enforcement (行政执法): officers and their certificates, penalty
cases (行政处罚案件) with their legal review, hearings, evidence and the
publicity (双公示) of penalty and licensing decisions. DOMAIN.md §4."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaotong.indexes import search_index

# Upper bounds that keep a typing slip out of the records (CHECK constraints).
MAX_FINE = Decimal("10000000")  # yuan; no transport fine comes near ten million
MAX_EXTENSION_DAYS = 365


class PartyType(models.TextChoices):
    PERSON = "自然人", _("自然人")
    ORGANISATION = "法人", _("法人")


class CaseSource(models.TextChoices):
    PATROL = "路面巡查", _("路面巡查")
    COMPLAINT = "投诉举报", _("投诉举报")
    RANDOM = "双随机抽查", _("双随机抽查")
    TRANSFER = "部门移送", _("部门移送")
    CAMERA = "非现场执法", _("非现场执法")
    OTHER = "其他", _("其他")


class Procedure(models.TextChoices):
    SIMPLE = "简易程序", _("简易程序")
    GENERAL = "普通程序", _("普通程序")


class PenaltyType(models.TextChoices):
    """APL art. 9 (行政拘留 is not a transport bureau's power)."""

    WARNING = "警告", _("警告")
    CRITICISM = "通报批评", _("通报批评")
    FINE = "罚款", _("罚款")
    CONFISCATE_GAINS = "没收违法所得", _("没收违法所得")
    CONFISCATE_PROPERTY = "没收非法财物", _("没收非法财物")
    SUSPEND_LICENCE = "暂扣许可证件", _("暂扣许可证件")
    DOWNGRADE = "降低资质等级", _("降低资质等级")
    REVOKE_LICENCE = "吊销许可证件", _("吊销许可证件")
    RESTRICT_BUSINESS = "限制开展生产经营活动", _("限制开展生产经营活动")
    SUSPEND_BUSINESS = "责令停产停业", _("责令停产停业")
    CLOSE_DOWN = "责令关闭", _("责令关闭")
    RESTRICT_PRACTICE = "限制从业", _("限制从业")
    OTHER = "其他", _("其他")


# Penalties the simplified procedure may impose (APL art. 51).
SIMPLE_PENALTIES = (PenaltyType.WARNING, PenaltyType.FINE)
PENALTY_SEPARATOR = "、"


class Outcome(models.TextChoices):
    """处理结果 of a case."""

    PENALTY = "处罚", _("处罚")
    NO_PENALTY = "不予处罚", _("不予处罚")
    TRANSFER = "移送", _("移送司法机关")
    CANCELLED = "撤销立案", _("撤销立案")


# --- Officers and certificates -----------------------------------------------------


class OfficerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officer roster is read by everyone who works on cases."""
        if not user.is_authenticated or not user.has_perm("enforcement.view_officer"):
            return self.none()
        return self.all()

    def qualified_on(self, day: dt.date):
        """Officers holding a certificate that is 有效 and in its validity on ``day``."""
        return self.filter(
            certificates__status=Certificate.Status.VALID,
            certificates__issued_on__lte=day,
            certificates__valid_to__gte=day,
        ).distinct()


class Officer(models.Model):
    """A member of staff who may carry out enforcement (执法人员): the person
    behind one or more enforcement certificates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="officer",
    )
    employment = models.CharField(
        _("人员性质"), max_length=16, default="在编在职", blank=True
    )
    legal_qualification_no = models.CharField(
        _("法律职业资格证号"), max_length=40, blank=True
    )
    pending_cancellation = models.BooleanField(_("待注销"), default=False)
    pending_reason = models.CharField(_("待注销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["user__username"]

    def __str__(self):
        return self.user.display_name

    def get_absolute_url(self):
        return reverse("enforcement:officer_list") + f"#officer-{self.pk}"


class Certificate(models.Model):
    """An enforcement certificate (执法证): 河南省行政执法证 or the MoT
    交通运输行政执法证件, with its validity and status (DOMAIN.md §4.9)."""

    class Status(models.TextChoices):
        VALID = "有效", _("有效")
        SUSPENDED = "暂扣", _("暂扣")
        CANCELLED = "注销", _("注销")
        REVOKED = "吊销", _("吊销")
        EXPIRED = "过期", _("过期")

    officer = models.ForeignKey(
        Officer,
        verbose_name=_("执法人员"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    kind = models.CharField(_("证件类型"), max_length=30, default="河南省行政执法证")
    number = models.CharField(_("执法证号"), max_length=40)
    issuer = models.CharField(_("发证机关"), max_length=100)
    scope = models.CharField(_("执法区域/门类"), max_length=200, blank=True)
    issued_on = models.DateField(_("发证日期"))
    valid_to = models.DateField(_("有效期至"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=4, choices=Status.choices, default=Status.VALID
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["valid_to", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"], name="certificate_number_per_issuer"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("issued_on")),
                name="certificate_valid_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.number}（{self.get_status_display()}）"

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.status == self.Status.VALID and self.issued_on <= day <= self.valid_to
        )


# --- Legal review catalogue ---------------------------------------------------------


class ReviewRule(models.Model):
    """One entry of the bureau's 重大执法决定法制审核目录: a case it matches
    must pass 法制审核 before the decision (APL art. 58; DOMAIN.md §4.5)."""

    class Kind(models.TextChoices):
        FINE = "fine", _("罚款数额达到标准")
        PENALTY = "penalty", _("处罚种类")
        HEARING = "hearing", _("经过听证")
        COMPLEX = "complex", _("重大、疑难复杂案件")

    name = models.CharField(_("审核情形"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    party_type = models.CharField(
        _("当事人类型"),
        max_length=8,
        choices=PartyType.choices,
        blank=True,
        help_text=_("空 = 不限"),
    )
    fine_threshold = models.DecimalField(
        _("罚款标准（元，达到即审核）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    penalty_type = models.CharField(
        _("处罚种类"), max_length=16, choices=PenaltyType.choices, blank=True
    )
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("法制审核目录")
        verbose_name_plural = _("重大执法决定法制审核目录")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="fine")
                | Q(fine_threshold__isnull=False, fine_threshold__gte=0),
                name="reviewrule_fine_has_threshold",
            ),
            models.CheckConstraint(
                condition=~Q(kind="penalty") | ~Q(penalty_type=""),
                name="reviewrule_penalty_has_type",
            ),
        ]

    def __str__(self):
        return self.name


# --- Penalty cases ----------------------------------------------------------------


class CaseSequence(models.Model):
    """The last case number issued per year (locked while a number is taken)."""

    year = models.PositiveIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("案件编号序列")
        verbose_name_plural = _("案件编号序列")

    def __str__(self):
        return f"{self.year}: {self.last}"


class PenaltyCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Leaders and 法制审核人员 see every case; officers see the cases of
        their unit subtree and those they are assigned to; anyone else none."""
        condition = self.visibility(user)
        return self.all() if condition is None else self.filter(condition)

    def visibility(self, user, via: str = "") -> Q | None:
        """``visible_to`` as a condition on the case's own columns, for this
        queryset or, with ``via`` (the path to the case, e.g. "case__"), for
        another model's rows; None when the user sees every case.

        One condition on the table itself (no semi-join over every case), the
        subtree's unit ids as constants: the planner estimates the list's total
        and reads the list's index in order; from another table it joins each
        row's case by key instead of hashing the tens of thousands of cases an
        officer sees (issue 14)."""
        from jiaotong.models import OrgUnit
        from jiaotong.roles import ROLE_LEADER, ROLE_REVIEWER, has_role

        if not user.is_authenticated or not user.has_perm(
            "enforcement.view_penaltycase"
        ):
            return Q(**{f"{via}pk__in": []})
        if has_role(user, ROLE_LEADER, ROLE_REVIEWER):
            return None
        assigned = self.model.officers.through.objects.filter(officer__user=user)
        scope = Q(**{f"{via}created_by": user}) | Q(
            **{f"{via}pk__in": assigned.values("penaltycase_id")}
        )
        if user.unit_id is not None:
            units = OrgUnit.objects.subtree_of(user.unit).values_list("pk", flat=True)
            scope |= Q(**{f"{via}unit_id__in": list(units)})
        return scope

    def counted(self):
        return self.filter(is_test=False)


class PenaltyCase(models.Model):
    """One administrative penalty case (行政处罚案件), from 立案 (or a draft
    opened from a complaint) to 结案, under the simplified or general procedure."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待立案")
        FILED = "filed", _("已立案")
        INVESTIGATING = "investigating", _("调查取证")
        INVESTIGATED = "investigated", _("调查终结")
        NOTIFIED = "notified", _("已事先告知")
        UNDER_REVIEW = "under_review", _("法制审核中")
        REVIEWED = "reviewed", _("法制审核通过")
        DISCUSSED = "discussed", _("已集体讨论")
        DECIDED = "decided", _("已作出处罚决定")
        SERVED = "served", _("已送达")
        EXECUTED = "executed", _("已执行")
        NO_PENALTY = "no_penalty", _("不予处罚")
        TRANSFERRED = "transferred", _("已移送")
        CLOSED = "closed", _("已结案")
        CANCELLED = "cancelled", _("已撤销立案")

    number = models.CharField(
        _("案件编号"), max_length=40, unique=True, null=True, blank=True
    )
    year = models.PositiveIntegerField(_("编号年度"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("年度序号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    procedure = models.CharField(_("程序类型"), max_length=8, choices=Procedure.choices)
    source = models.CharField(_("案件来源"), max_length=8, choices=CaseSource.choices)
    source_ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    party_type = models.CharField(
        _("当事人类型"), max_length=8, choices=PartyType.choices
    )
    party_name = models.CharField(_("当事人"), max_length=200)
    party_id_number = models.CharField(_("证件号码"), max_length=18, db_index=True)
    party_address = models.CharField(_("当事人地址"), max_length=200, blank=True)
    party_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("关联企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    plate = models.CharField(_("车牌号"), max_length=10, blank=True, db_index=True)
    matter = models.ForeignKey(
        "jiaotong.Matter",
        verbose_name=_("违法行为（处罚事项）"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    discretion_item = models.ForeignKey(
        "jiaotong.DiscretionItem",
        verbose_name=_("裁量基准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    discretion_departure_reason = models.TextField(_("偏离裁量基准的理由"), blank=True)
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("办案单位"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    officers = models.ManyToManyField(
        Officer, verbose_name=_("办案人员"), related_name="cases", blank=True
    )
    occurred_at = models.DateTimeField(_("违法时间"), null=True, blank=True)
    location = models.CharField(_("违法地点"), max_length=200, blank=True)
    facts = models.TextField(_("违法事实"))
    legal_basis = models.TextField(_("处罚依据"), blank=True)
    penalty_types = models.CharField(
        _("处罚种类"), max_length=200, blank=True, help_text=_("以“、”分隔")
    )
    fine = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    is_complex = models.BooleanField(_("情节复杂或重大违法"), default=False)
    outcome = models.CharField(
        _("处理结果"), max_length=8, choices=Outcome.choices, blank=True
    )
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    investigation_started_at = models.DateTimeField(
        _("调查取证开始"), null=True, blank=True
    )
    investigated_at = models.DateTimeField(_("调查终结时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("事先告知时间"), null=True, blank=True)
    statement_waived = models.BooleanField(_("当事人放弃陈述申辩"), default=False)
    statement = models.TextField(_("陈述申辩情况"), blank=True)
    discussed_at = models.DateTimeField(_("集体讨论时间"), null=True, blank=True)
    discussion_record = models.TextField(_("集体讨论记录"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    copy_filed_at = models.DateTimeField(
        _("当场处罚决定书备案时间"), null=True, blank=True
    )
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=20, blank=True)
    paid_at = models.DateTimeField(_("缴款/履行时间"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("实缴金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销立案时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("撤销立案理由"), blank=True)
    extension_days = models.PositiveIntegerField(_("批准延长天数"), default=0)
    overdue_flagged_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    is_test = models.BooleanField(_("测试数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PenaltyCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-filed_at", "-id"]
        permissions = [
            ("review_penaltycase", _("法制审核")),
            ("decide_penaltycase", _("作出处罚决定")),
            ("approve_extension", _("批准案件延期")),
        ]
        indexes = [
            models.Index(fields=["status", "filed_at"], name="case_status_filed_idx"),
            models.Index(fields=["outcome", "decided_at"], name="case_decided_idx"),
            models.Index(fields=["unit", "status"], name="case_unit_status_idx"),
            # The case list's pages (jiaotong/pagination.py): read backwards it
            # gives the list's order, filed_at DESC NULLS FIRST (drafts), id DESC.
            models.Index(fields=["filed_at", "id"], name="case_list_filed_idx"),
            # The list's search box (CaseFilter.search_condition), PostgreSQL only.
            search_index("number", "party_name", "plate", name="case_search_trgm_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="case_sequence_per_year"
            ),
            models.CheckConstraint(
                condition=Q(fine__gte=0) & Q(fine__lte=MAX_FINE),
                name="case_fine_in_range",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True)
                | (Q(paid_amount__gte=0) & Q(paid_amount__lte=MAX_FINE * 2)),
                name="case_paid_in_range",
            ),
            models.CheckConstraint(
                condition=Q(extension_days__lte=MAX_EXTENSION_DAYS),
                name="case_extension_in_range",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | Q(filed_at__isnull=True)
                | Q(decided_at__gte=models.F("filed_at")),
                name="case_decided_after_filed",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(filed_at__isnull=False),
                name="case_number_means_filed",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="处罚") | Q(decided_at__isnull=False),
                name="case_penalty_has_decision_date",
            ),
        ]

    def __str__(self):
        return self.number or f"待立案案件 #{self.pk}"

    def get_absolute_url(self):
        return reverse("enforcement:case_detail", args=[self.pk])

    @property
    def penalty_type_list(self) -> list[str]:
        return [p for p in self.penalty_types.split(PENALTY_SEPARATOR) if p]

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED_STATES and self.status != self.Status.DRAFT

    def decision_due(self) -> dt.date | None:
        """The 90-day limit from 立案 plus approved extensions (APL art. 60)."""
        if self.filed_at is None:
            return None
        from django.utils import timezone

        filed = timezone.localdate(self.filed_at)
        return filed + dt.timedelta(days=DECISION_DAYS + self.extension_days)

    def clock_state(self, today: dt.date) -> str:
        """'red' past the decision limit, 'yellow' within CLOCK_WARN_DAYS of it,
        '' otherwise or once decided (the 90-day clock has stopped)."""
        due = self.decision_due()
        if due is None or self.decided_at is not None or self.status in DECIDED_STATES:
            return ""
        if today > due:
            return "red"
        if (due - today).days <= CLOCK_WARN_DAYS:
            return "yellow"
        return ""


DECISION_DAYS = 90
CLOCK_WARN_DAYS = 15  # yellow when at most this many calendar days are left
_CS = PenaltyCase.Status
# After a decision (or none is due): the 90-day clock no longer runs.
DECIDED_STATES = (
    _CS.DECIDED,
    _CS.SERVED,
    _CS.EXECUTED,
    _CS.NO_PENALTY,
    _CS.TRANSFERRED,
    _CS.CLOSED,
    _CS.CANCELLED,
)
FINISHED_STATES = (_CS.CLOSED, _CS.CANCELLED)
# Their complement, spelled out: ``status IN (…)`` reads the few undecided
# cases from the (status, filed_at) index, where ``NOT IN`` read every case of
# a city's ten years (the officers' home page: 540 ms at 100,000 cases).
UNDECIDED_STATES = tuple(s for s in _CS if s not in DECIDED_STATES)


class CaseExtension(models.Model):
    """An approved extension of the 90-day decision limit (负责人批准)."""

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("案件"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    days = models.PositiveIntegerField(_("延长天数"))
    reason = models.TextField(_("延期理由"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"))

    class Meta:
        verbose_name = _("案件延期")
        verbose_name_plural = _("案件延期")
        ordering = ["approved_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=MAX_EXTENSION_DAYS),
                name="extension_days_in_range",
            )
        ]

    def __str__(self):
        return f"{self.case} 延长{self.days}天"


class LegalReview(models.Model):
    """One round of 法制审核 of a case's proposed decision: the checklist, the
    outcome and the reviewer's written opinion, which enters the case file."""

    class Result(models.TextChoices):
        AGREE = "同意", _("同意")
        RETURN = "退回补充调查", _("退回补充调查")
        DISAGREE = "不同意", _("不同意")

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    submitted_at = models.DateTimeField(_("送审时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送审人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_reviews",
    )
    subject_ok = models.BooleanField(_("执法主体合法"), default=False)
    facts_ok = models.BooleanField(_("事实清楚"), default=False)
    evidence_ok = models.BooleanField(_("证据确凿"), default=False)
    basis_ok = models.BooleanField(_("适用依据正确"), default=False)
    procedure_ok = models.BooleanField(_("程序合法"), default=False)
    discretion_ok = models.BooleanField(_("裁量适当"), default=False)
    result = models.CharField(
        _("审核意见"), max_length=8, choices=Result.choices, blank=True
    )
    opinion = models.TextField(_("书面审核意见"), blank=True)
    concluded_at = models.DateTimeField(
        _("审核完成时间"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="", concluded_at__isnull=True)
                | (~Q(result="") & Q(concluded_at__isnull=False)),
                name="review_result_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(result="同意")
                | Q(
                    subject_ok=True,
                    facts_ok=True,
                    evidence_ok=True,
                    basis_ok=True,
                    procedure_ok=True,
                    discretion_ok=True,
                ),
                name="review_agree_needs_checklist",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(result=""),
                name="review_one_pending_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.case} 法制审核 {self.result or '待审核'}"

    CHECKLIST = (
        "subject_ok",
        "facts_ok",
        "evidence_ok",
        "basis_ok",
        "procedure_ok",
        "discretion_ok",
    )


class Hearing(models.Model):
    """听证: requested by the party within 5 working days of the notice, held
    with at least 7 working days' notice, or waived (APL arts. 63–65)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请")
        SCHEDULED = "scheduled", _("已通知")
        HELD = "held", _("已举行")
        WAIVED = "waived", _("已放弃")

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="hearings",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_on = models.DateField(_("申请日期"))
    notice_sent_on = models.DateField(_("通知日期"), null=True, blank=True)
    scheduled_for = models.DateTimeField(_("举行时间"), null=True, blank=True)
    chair = models.CharField(_("主持人"), max_length=50, blank=True)
    transcript = models.TextField(_("听证笔录摘要"), blank=True)
    concluded_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("听证")
        verbose_name_plural = _("听证")
        ordering = ["requested_on", "id"]

    def __str__(self):
        return f"{self.case} 听证（{self.get_status_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.SCHEDULED)


def evidence_path(instance, filename) -> str:
    # Server-generated storage names: the uploaded name is kept only as a label.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.case_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A piece of evidence in the case file (APL art. 46), stored with its
    SHA-256 so that ``verify_evidence`` can prove it unaltered."""

    class Kind(models.TextChoices):
        DOCUMENT = "书证", _("书证")
        PHYSICAL = "物证", _("物证")
        AUDIOVISUAL = "视听资料", _("视听资料")
        ELECTRONIC = "电子数据", _("电子数据")
        WITNESS = "证人证言", _("证人证言")
        STATEMENT = "当事人陈述", _("当事人陈述")
        EXPERT = "鉴定意见", _("鉴定意见")
        RECORD = "勘验笔录/现场笔录", _("勘验笔录、现场笔录")

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(_("证据类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("证据名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title


class PublicityRecord(models.Model):
    """The publicity (双公示) of one penalty or licensing decision: due within 7
    working days of the decision; withdrawn within 3 working days when the
    decision is revoked or changed (DOMAIN.md §4.8)."""

    class Kind(models.TextChoices):
        PENALTY = "处罚", _("行政处罚")
        LICENSING = "许可", _("行政许可")

    kind = models.CharField(_("公示类别"), max_length=4, choices=Kind.choices)
    case = models.OneToOneField(
        PenaltyCase,
        verbose_name=_("处罚案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publicity",
    )
    application = models.OneToOneField(
        "licensing.Application",
        verbose_name=_("许可办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publicity",
    )
    decision_no = models.CharField(_("决定书文号"), max_length=60)
    title = models.CharField(_("处罚/许可名称"), max_length=200)
    party_name = models.CharField(_("行政相对人"), max_length=200)
    party_type = models.CharField(
        _("相对人类型"), max_length=8, choices=PartyType.choices
    )
    party_code = models.CharField(_("相对人代码"), max_length=18)
    content = models.TextField(_("处罚结果/许可内容"), blank=True)
    decision_date = models.DateField(_("决定日期"))
    due_on = models.DateField(_("公示期限"), db_index=True)
    channel = models.CharField(
        _("公示渠道"), max_length=40, default="信用河南", blank=True
    )
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_due = models.DateField(_("撤回期限"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["kind", "published_on"], name="publicity_pub_idx"),
            # The queue of decisions still to publish (待公示), in deadline order:
            # a few thousand rows of a city's hundred thousand.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(published_on__isnull=True),
                name="publicity_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="处罚", case__isnull=False, application__isnull=True)
                    | Q(kind="许可", case__isnull=True, application__isnull=False)
                ),
                name="publicity_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(published_on__gte=models.F("decision_date")),
                name="publicity_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(published_on__isnull=False),
                name="publicity_withdraw_after_publish",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}公示 {self.decision_no}"

    @property
    def state_label(self) -> str:
        if self.withdrawn_on:
            return "已撤回"
        if self.published_on:
            return "已公示"
        return "待公示"
