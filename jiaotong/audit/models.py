"""The append-only audit trail (执法全过程记录 and security audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only 审计管理员 browse the audit trail (三员分立)."""
        from jiaotong.roles import ROLE_AUDIT_ADMIN, has_role

        if not user.is_authenticated or not has_role(user, ROLE_AUDIT_ADMIN):
            return self.none()
        return self.all()

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One recorded action. Rows are only ever inserted: database triggers refuse
    UPDATE, DELETE and TRUNCATE, and each row's hash is an HMAC (keyed with a
    secret the database never holds) over its content and the previous row's hash."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        "jiaotong.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    reason = models.TextField(_("原因/说明"), blank=True)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    user_agent = models.CharField(
        _("客户端标识"), max_length=300, blank=True, default="", db_default=""
    )
    # Which AUDIT_HMAC_KEYS entry signed this row (keys rotate; old ids stay
    # readable for verification).
    key_id = models.CharField(
        _("签名密钥编号"), max_length=32, blank=True, default="", db_default=""
    )
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64)
    hash = models.CharField(_("记录哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "id"], name="audit_object_idx"
            ),
        ]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
