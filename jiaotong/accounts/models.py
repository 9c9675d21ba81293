"""Organisation units and the people who work in them."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OrgUnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: "OrgUnit"):
        """The unit and every unit below it (materialised path prefix)."""
        return self.filter(path__startswith=unit.path)

    def in_force_on(self, day):
        return self.filter(
            models.Q(established_on__isnull=True) | models.Q(established_on__lte=day),
            models.Q(abolished_on__isnull=True) | models.Q(abolished_on__gt=day),
        )


class OrgUnit(models.Model):
    """An organisation unit of the bureau: 局机关股室, 执法大队/中队, 运管/路政 units,
    and the 镇(街) that form the bureau's enforcement area."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("局")
        OFFICE = "office", _("机关股室")
        BRIGADE = "brigade", _("执法大队")
        SQUAD = "squad", _("执法中队")
        AGENCY = "agency", _("局属单位")
        TOWN = "town", _("镇（街）")

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(
        _("层级路径"), max_length=255, editable=False, db_index=True
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    established_posts = models.PositiveIntegerField(_("正式编制（人）"), default=0)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    abolished_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived structure (parent path + own code), kept with the row
        # so that "this unit and everything below it" is one indexed prefix filter.
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounts a user may see: 系统管理员 and 安全管理员 see all accounts;
        everyone else sees only the people of their own unit subtree."""
        from jiaotong.roles import (
            ROLE_SECURITY_ADMIN,
            ROLE_SYSTEM_ADMIN,
            has_role,
        )

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if has_role(user, ROLE_SYSTEM_ADMIN, ROLE_SECURITY_ADMIN):
            return self.all()
        if user.unit_id is None:
            return self.filter(pk=user.pk)
        return self.filter(unit__path__startswith=user.unit.path)


class JiaotongUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff with an account. Roles are Django groups (jiaotong.roles)."""

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Set when an administrator sets the password (creation, reset): the holder
    # must choose their own before using the portal, and that login is flagged.
    must_change_password = models.BooleanField(_("须修改临时密码"), default=False)

    objects = JiaotongUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [
            ("assign_roles", _("分配角色")),
            ("view_dashboard", _("查看年度看板")),
            ("import_data", _("导入数据")),
            ("export_report", _("导出年度报告")),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("user_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so that the last five are not reused."""

    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("密码哈希"), max_length=255)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
