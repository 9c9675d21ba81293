"""What every governance register shares: unit scoping and who recorded it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
