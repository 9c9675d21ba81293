"""Shared registries: the power list (权责清单) and the regulated enterprises."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaotong.validators import MAX_LIMIT_DAYS


class PowerType(models.TextChoices):
    LICENSING = "行政许可", _("行政许可")
    PENALTY = "行政处罚", _("行政处罚")
    CONFIRMATION = "行政确认", _("行政确认")
    OTHER = "其他行政权力", _("其他行政权力")
    PUBLIC_SERVICE = "公共服务", _("公共服务")


class MatterSource(models.TextChoices):
    OWN = "本级", _("本级")
    PROVINCE = "省下放", _("省下放")
    CITY = "市下放", _("市下放")


class InForceQuerySet(models.QuerySet):
    """Rows with an ``effective_from`` / ``repealed_on`` window."""

    def in_force_on(self, day):
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(repealed_on__isnull=True) | Q(repealed_on__gt=day),
        )


class MatterQuerySet(InForceQuerySet):
    def visible_to(self, user):
        """The power list is public reference data: every signed-in user with the
        view permission reads all of it (the public page uses ``in_force_on``)."""
        if not user.is_authenticated or not user.has_perm("jiaotong.view_matter"):
            return self.none()
        return self.all()

    def window(self):
        """Matters handled at the service window (办件)."""
        return self.filter(
            power_type__in=[PowerType.LICENSING, PowerType.PUBLIC_SERVICE]
        )


class Matter(models.Model):
    """One item of the power list or the public-service list (权责清单 / 公共服务清单事项)."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    power_type = models.CharField(
        _("权力类型"), max_length=16, choices=PowerType.choices, db_index=True
    )
    basis = models.TextField(_("实施依据"), blank=True)
    statutory_limit_days = models.PositiveIntegerField(
        _("法定时限（工作日）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LIMIT_DAYS)],
    )
    promised_limit_days = models.PositiveIntegerField(
        _("承诺时限（工作日）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LIMIT_DAYS)],
    )
    source = models.CharField(
        _("承接来源"),
        max_length=8,
        choices=MatterSource.choices,
        default=MatterSource.OWN,
    )
    notify_commit = models.BooleanField(_("告知承诺"), default=False)
    publicity_required = models.BooleanField(_("需公示"), default=False)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    unit = models.ForeignKey(
        "jiaotong.OrgUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    pinyin_initials = models.CharField(
        _("拼音首字母"), max_length=200, blank=True, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("权责事项")
        verbose_name_plural = _("权责事项")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["power_type", "code"], name="matter_type_code_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(statutory_limit_days__lte=MAX_LIMIT_DAYS)
                & Q(promised_limit_days__lte=MAX_LIMIT_DAYS),
                name="matter_limit_days_bounded",
            ),
            models.CheckConstraint(
                condition=Q(repealed_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(repealed_on__gte=models.F("effective_from")),
                name="matter_repealed_after_effective",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("matter_detail", args=[self.pk])

    def in_force_on(self, day) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.repealed_on is None or self.repealed_on > day
        )


class MatterChange(models.Model):
    """A dated adjustment of a power-list item (权责清单动态调整)."""

    class Kind(models.TextChoices):
        FILING_REFORM = "改备案", _("许可改备案")
        NOTIFY_COMMIT = "告知承诺", _("推行告知承诺制")
        DELEGATED = "下放", _("承接下放")
        ADJUSTED = "调整", _("调整")
        REPEALED = "废止", _("废止")

    matter = models.ForeignKey(
        Matter, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(
        _("调整类型"), max_length=8, choices=Kind.choices, db_index=True
    )
    effective_on = models.DateField(_("调整日期"), db_index=True)
    document = models.CharField(_("依据文件"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事项调整")
        verbose_name_plural = _("事项调整")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "kind", "effective_on"],
                name="matterchange_unique_per_day",
            )
        ]

    def __str__(self):
        return f"{self.matter.code} {self.get_kind_display()} {self.effective_on}"


class DiscretionItem(models.Model):
    """An entry of the penalty discretion benchmark (裁量基准) the bureau applies."""

    code = models.CharField(_("基准编码"), max_length=64, unique=True)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("处罚事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discretion_items",
    )
    violation = models.CharField(_("违法行为"), max_length=300)
    basis = models.TextField(_("处罚依据"), blank=True)
    fine_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.violation}"


class Industry(models.TextChoices):
    PASSENGER = "道路旅客运输", _("道路旅客运输")
    FREIGHT = "道路货物运输", _("道路货物运输")
    TAXI = "出租汽车", _("出租汽车")
    DRIVING_SCHOOL = "驾驶员培训", _("驾驶员培训")
    REPAIR = "机动车维修", _("机动车维修")
    BUS = "公交", _("公交")
    LOGISTICS = "物流", _("物流")
    OTHER = "其他", _("其他")


class CreditGrade(models.TextChoices):
    A = "A", _("A（诚信）")
    B = "B", _("B（基本诚信）")
    C = "C", _("C（失信）")
    D = "D", _("D（严重失信）")


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The enterprise register (检查对象名录库) is shared by every business role
        and by the 系统管理员, who maintains and imports it; the 安全管理员 and
        审计管理员 hold no view permission on it and see none of it."""
        if not user.is_authenticated or not user.has_perm("jiaotong.view_enterprise"):
            return self.none()
        return self.all()


class Enterprise(models.Model):
    """A regulated enterprise (检查对象名录库), keyed by its unified social credit code."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    industry = models.CharField(
        _("行业类别"), max_length=16, choices=Industry.choices, db_index=True
    )
    town = models.CharField(_("所属乡镇"), max_length=50, blank=True)
    credit_grade = models.CharField(
        _("信用等级"), max_length=1, choices=CreditGrade.choices, default=CreditGrade.B
    )
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    key_supervision = models.BooleanField(
        _("重点监管"),
        default=False,
        help_text=_(
            "列入重点监管（如一年内超限超载处罚达3次）；窗口收件和热线受理时提示。"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprise_detail", args=[self.pk])

    @property
    def needs_attention(self) -> bool:
        """Graded C/D (失信) or under 重点监管: intake desks warn about it."""
        return self.key_supervision or self.credit_grade in (
            CreditGrade.C,
            CreditGrade.D,
        )


class CreditGradeChange(models.Model):
    """A dated change of an enterprise's credit grade, with its cause."""

    class Cause(models.TextChoices):
        PENALTIES = "penalties", _("一年内受到三次以上行政处罚")
        IMPORT = "import", _("数据导入")
        MANUAL = "manual", _("人工调整")
        REPAIR = "repair", _("信用修复")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="grade_changes",
    )
    from_grade = models.CharField(
        _("原等级"), max_length=1, choices=CreditGrade.choices
    )
    to_grade = models.CharField(_("新等级"), max_length=1, choices=CreditGrade.choices)
    changed_on = models.DateField(_("调整日期"), db_index=True)
    cause = models.CharField(_("原因类型"), max_length=16, choices=Cause.choices)
    reason = models.TextField(_("原因说明"), blank=True)

    class Meta:
        verbose_name = _("信用等级调整")
        verbose_name_plural = _("信用等级调整")
        ordering = ["-changed_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.from_grade}→{self.to_grade}"

    @property
    def is_downgrade(self) -> bool:
        return self.to_grade > self.from_grade
