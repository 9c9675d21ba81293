"""12328 and 12345 hotline tickets (热线工单) and their closed loop (DOMAIN.md §5)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiaotong.indexes import search_index
from jiaotong.validators import (
    DB_EARLIEST_INSTANT,
    DB_LATEST_INSTANT,
    MAX_TICKET_DAYS,
)


class Source(models.TextChoices):
    H12328 = "12328", _("12328")
    H12345 = "12345", _("12345")


class Category(models.TextChoices):
    """诉求类型 per GB/T 39666-2020."""

    COMPLAINT = "投诉", _("投诉")
    REPORT = "举报", _("举报")
    CONSULT = "咨询", _("咨询")
    HELP = "求助", _("求助")
    SUGGESTION = "建议", _("建议")
    PRAISE = "表扬", _("表扬")


# Categories that count toward an enterprise's complaint record.
COMPLAINT_CATEGORIES = (Category.COMPLAINT, Category.REPORT)


class Area(models.TextChoices):
    """业务类别: the industry a ticket concerns (feeds 重点监管 targeting)."""

    TAXI = "出租汽车", _("出租汽车")
    DRIVING_SCHOOL = "驾驶员培训", _("驾驶员培训")
    PASSENGER = "道路客运", _("道路客运")
    FREIGHT = "道路货运", _("道路货运")
    BUS = "公交", _("公交")
    ROAD = "路政", _("路政")
    OVERLOAD = "超限治理", _("超限治理")
    OTHER = "其他", _("其他")


class Status(models.TextChoices):
    RECEIVED = "received", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    RETURN_REQUESTED = "return_requested", _("退单待审")
    IN_PROGRESS = "in_progress", _("办理中")
    EXTENSION_REQUESTED = "extension_requested", _("延期待批")
    REPLIED = "replied", _("待回访")
    VISITED = "visited", _("已回访")
    CLOSED = "closed", _("已办结")


# Statuses in which the handling deadline is running (overdue and 督办 apply).
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.RETURN_REQUESTED,
    Status.IN_PROGRESS,
    Status.EXTENSION_REQUESTED,
)


class ClosureKind(models.TextChoices):
    HANDLED = "handled", _("办理答复")
    ON_CALL = "on_call", _("即时答复")
    NOT_ACCEPTED = "not_accepted", _("不予受理")


class RejectionGround(models.TextChoices):
    """不予受理 grounds (潍坊市12345条例 art. 19, DOMAIN.md §5.4)."""

    OTHER_PROCEDURE = (
        "other_procedure",
        _("应通过诉讼、仲裁、纪检监察、行政复议等途径解决"),
    )
    PETITION = "petition", _("已进入信访程序")
    SECRET = "secret", _("涉及国家秘密、商业秘密、个人隐私或违背公序良俗")
    CONCLUDED = "concluded", _("已依法处理且结论合法合理")
    OTHER = "other", _("其他")


class FollowUpResult(models.TextChoices):
    SATISFIED = "满意", _("满意")
    BASICALLY = "基本满意", _("基本满意")
    DISSATISFIED = "不满意", _("不满意")
    UNREACHABLE = "联系不上", _("联系不上")


# Follow-up answers that reached the caller (the satisfaction-rate denominator).
REACHED_RESULTS = (
    FollowUpResult.SATISFIED,
    FollowUpResult.BASICALLY,
    FollowUpResult.DISSATISFIED,
)
SATISFIED_RESULTS = (FollowUpResult.SATISFIED, FollowUpResult.BASICALLY)


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Hotline staff and leaders see every ticket; 承办人员 see the tickets
        dispatched to their unit and the units below it; anyone else none."""
        from jiaotong.roles import (
            ROLE_HANDLER,
            ROLE_HOTLINE,
            ROLE_LEADER,
            has_role,
        )

        if not user.is_authenticated or not user.has_perm("hotline.view_ticket"):
            return self.none()
        if has_role(user, ROLE_HOTLINE, ROLE_LEADER):
            return self.all()
        if has_role(user, ROLE_HANDLER) and user.unit_id is not None:
            from jiaotong.models import OrgUnit

            # The subtree's unit ids as constants (one small query), not a join
            # on the path: the planner then knows how many rows these units hold
            # (the list's estimated total) and reads (unit, received_at, id).
            units = OrgUnit.objects.subtree_of(user.unit).values_list("pk", flat=True)
            return self.filter(unit_id__in=list(units))
        return self.none()

    def counted(self):
        """Without test records (every statistic starts here)."""
        return self.filter(is_test=False)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class Ticket(models.Model):
    """One citizen's call to 12328 or 12345 that the bureau must handle: received,
    dispatched to a handling unit, answered, followed up and closed."""

    ticket_no = models.CharField(_("工单编号"), max_length=40, unique=True)
    platform_no = models.CharField(
        _("省平台工单号"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_(
            "工单来自省级热线平台时，填平台上的编号；本系统的工单编号自动生成。"
        ),
    )
    source = models.CharField(_("热线来源"), max_length=5, choices=Source.choices)
    received_at = models.DateTimeField(_("来电时间"))
    category = models.CharField(_("诉求类型"), max_length=4, choices=Category.choices)
    area = models.CharField(_("业务类别"), max_length=8, choices=Area.choices)
    content = models.TextField(_("诉求内容"))
    location = models.CharField(_("事发地点"), max_length=200, blank=True)
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    caller_confidential = models.BooleanField(
        _("举报人保密"),
        default=False,
        help_text=_("勾选后，承办单位看不到来电人姓名和电话。"),
    )
    reply_wanted = models.BooleanField(_("需要答复"), default=True)
    enterprise = models.ForeignKey(
        "jiaotong.Enterprise",
        verbose_name=_("涉及企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    plate = models.CharField(_("涉及车牌"), max_length=16, blank=True)
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.RECEIVED
    )
    due_date = models.DateField(_("办理时限"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派单人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_text = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up_result = models.CharField(
        _("回访结果"), max_length=4, choices=FollowUpResult.choices, blank=True
    )
    follow_up_note = models.TextField(_("回访说明"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    closure_kind = models.CharField(
        _("办结方式"), max_length=16, choices=ClosureKind.choices, blank=True
    )
    rejection_ground = models.CharField(
        _("不予受理理由"), max_length=20, choices=RejectionGround.choices, blank=True
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    supervised = models.BooleanField(_("已督办"), default=False)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    supervised_due = models.DateField(
        _("已督办的期限"),
        null=True,
        blank=True,
        help_text=_("最近一次督办针对的办理时限；同一期限只督办一次。"),
    )
    is_test = models.BooleanField(_("测试数据"), default=False)
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

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("dispatch_ticket", _("派单、退单审核、即时答复、不予受理、督办")),
            ("handle_ticket", _("签收、退单、延期申请、答复")),
            ("approve_extension", _("审批延期申请")),
            ("view_confidential_caller", _("查看保密的来电人信息")),
        ]
        indexes = [
            models.Index(
                fields=["source", "received_at"], name="ticket_source_recv_idx"
            ),
            models.Index(fields=["received_at", "id"], name="ticket_received_idx"),
            models.Index(fields=["status", "due_date"], name="ticket_status_due_idx"),
            models.Index(fields=["unit", "status"], name="ticket_unit_status_idx"),
            models.Index(fields=["area", "received_at"], name="ticket_area_recv_idx"),
            # The ticket list's pages (jiaotong/pagination.py): its sort key
            # (-received_at, -id) behind the unit scope and the status filter.
            models.Index(
                fields=["unit", "received_at", "id"], name="ticket_list_unit_idx"
            ),
            models.Index(
                fields=["status", "received_at", "id"], name="ticket_list_status_idx"
            ),
            # The list's search box (TicketFilter.search), PostgreSQL only.
            search_index(
                "ticket_no",
                "platform_no",
                "content",
                "plate",
                "caller_name",
                "caller_phone",
                name="ticket_search_trgm_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_at__gte=DB_EARLIEST_INSTANT)
                & Q(received_at__lt=DB_LATEST_INSTANT),
                name="ticket_received_at_plausible",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | Q(closed_at__gte=models.F("received_at")),
                name="ticket_closed_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="ticket_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_no}（{self.source}）"

    def get_absolute_url(self):
        return reverse("hotline:ticket_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class TicketDeadlineRule(models.Model):
    """The handling time limit for tickets of one source and category, in working
    days counted from the day of the call.

    Defaults (DOMAIN.md §5.3, seeded by migration 0002, editable by administrators):
    投诉/举报/建议/表扬 5 working days (安阳市政务服务条例 art. 50); 咨询/求助
    3 working days; an approved extension adds 5 working days by default.
    """

    source = models.CharField(_("热线来源"), max_length=5, choices=Source.choices)
    category = models.CharField(_("诉求类型"), max_length=4, choices=Category.choices)
    days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), validators=[MaxValueValidator(MAX_TICKET_DAYS)]
    )
    extension_days = models.PositiveSmallIntegerField(
        _("延期时限（工作日）"),
        default=5,
        validators=[MaxValueValidator(MAX_TICKET_DAYS)],
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工单办理时限规则")
        verbose_name_plural = _("工单办理时限规则")
        ordering = ["source", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "category"], name="deadline_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1), name="deadline_rule_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(days__lte=MAX_TICKET_DAYS)
                & Q(extension_days__lte=MAX_TICKET_DAYS),
                name="deadline_rule_days_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.category}：{self.days} 个工作日"


class TicketNumberSequence(models.Model):
    """The last ticket number issued per hotline and year: numbers are taken
    under a row lock inside the intake transaction, so they run without gaps."""

    source = models.CharField(_("热线来源"), max_length=5, choices=Source.choices)
    year = models.PositiveIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("工单编号序列")
        verbose_name_plural = _("工单编号序列")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "year"], name="ticket_sequence_unique"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.year}: {self.last}"


class AreaRoutingRule(models.Model):
    """Which unit usually handles tickets of one 业务类别: the intake form
    suggests it as the unit to dispatch to (administrators edit the table)."""

    area = models.CharField(
        _("业务类别"), max_length=8, choices=Area.choices, unique=True
    )
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("建议承办单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("业务类别派单规则")
        verbose_name_plural = _("业务类别派单规则")
        ordering = ["area"]

    def __str__(self):
        return f"{self.get_area_display()} → {self.unit}"


class TicketReturn(models.Model):
    """A handling unit's request to send back a misrouted ticket (退单), made within
    24 hours of dispatch with a reason, and the dispatcher's decision on it."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="returns"
    )
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("退单单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("退单理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    accepted = models.BooleanField(_("同意退单"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退单申请")
        verbose_name_plural = _("退单申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.ticket_id} 退单 {self.requested_at:%Y-%m-%d %H:%M}"


class TicketExtension(models.Model):
    """A request to extend a ticket's deadline (延期申请), decided by a leader."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("工单"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    reason = models.TextField(_("延期理由"))
    previous_due = models.DateField(_("原办理时限"))
    requested_due = models.DateField(_("申请延至"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    approved = models.BooleanField(_("批准"), null=True, blank=True)
    new_due = models.DateField(_("批准延至"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.ticket_id} 延期至 {self.requested_due}"


class SupervisionNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Hotline staff see every notice; leaders and 承办人员 the notices about
        units in their own subtree (a unit's leader gets a copy)."""
        from jiaotong.roles import (
            ROLE_HANDLER,
            ROLE_HOTLINE,
            ROLE_LEADER,
            has_role,
        )

        if not user.is_authenticated:
            return self.none()
        if has_role(user, ROLE_HOTLINE):
            return self.all()
        if has_role(user, ROLE_LEADER, ROLE_HANDLER) and user.unit_id is not None:
            return self.filter(unit__path__startswith=user.unit.path)
        return self.none()

    def pending(self):
        return self.filter(acknowledged_at__isnull=True)


class SupervisionNotice(models.Model):
    """A 督办 notice about an overdue ticket, sent to the handling unit and copied
    to its leaders; one per lapsed deadline of a ticket."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="notices"
    )
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("被督办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("逾期的办理时限"))
    automatic = models.BooleanField(_("系统自动督办"), default=False)
    reason = models.TextField(_("督办事由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("督办时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅知人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "due_date"], name="notice_one_per_deadline"
            )
        ]

    def __str__(self):
        return f"督办 {self.ticket_id}（时限 {self.due_date}）"


def attachment_path(instance, filename):
    # Server-generated name: the uploader's file name is kept only as metadata.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"hotline/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file attached to a ticket (recording, photo, document). Stored under
    MEDIA_ROOT with a generated name and served only by a permission-checked view."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("受理材料")
        HANDLING = "handling", _("办理材料")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("工单"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    stage = models.CharField(
        _("材料类别"), max_length=10, choices=Stage.choices, default=Stage.HANDLING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("hotline:attachment_download", args=[self.ticket_id, self.pk])
