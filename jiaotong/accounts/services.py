"""Writes to accounts: creating people, roles (三员分立), deactivation, passwords.

Rules held here (QUALITY.md "Three administrators" and "Login"):

- Accounts are created, deactivated and reactivated by the 系统管理员
  (``jiaotong.add_user`` / ``jiaotong.change_user``); roles are granted only by
  the 安全管理员 (``jiaotong.assign_roles``), who grants nothing to itself.
- No user holds two of 系统管理员 / 安全管理员 / 审计管理员
  (``roles.check_admin_separation``; the m2m receiver in ``jiaotong.accounts.signals``
  refuses it on the role table too).
- Nobody changes their own account through these services: a person cannot
  deactivate themselves or raise their own powers.
- Deactivating an account, or resetting its password, ends its sessions on the
  server at once.
- ``by=None`` means the server's command line (``manage.py create_admin``),
  which is how the first administrators come to exist without a superuser.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong import roles as role_table
from jiaotong.audit.changes import (
    UNCHANGED,
    apply_changes,
    locked_or_new,
    record_upsert,
)
from jiaotong.audit.services import audit_record
from jiaotong.validators import validate_mobile, validate_username

from .models import OrgUnit, User


def _require(by, perm: str, message: str) -> None:
    if by is not None and not by.has_perm(perm):
        raise PermissionDenied(message)


def _refuse_self(by, user, message: str) -> None:
    if by is not None and by.pk == user.pk:
        raise PermissionDenied(message)


def _refuse_administrator(by, user, doing: str) -> None:
    """三员分立: no administrator deactivates, reactivates, resets or re-roles an
    account holding an administrator role; that is done on the server's command
    line (``by=None``), where the act is outside any one administrator's power."""
    if by is None:
        return
    held = [r for r in role_table.ADMIN_ROLES if role_table.has_role(user, r)]
    if held:
        raise PermissionDenied(
            f"三员分立：不能在系统中{doing}{'、'.join(held)}的账户，"
            "请由单位负责人批准后在服务器上使用命令行办理。"
        )


def user_end_sessions(*, user: User) -> int:
    """Delete every server-side session of ``user``; return how many ended.

    Sessions stored in the database are read and deleted. Backends that cannot
    be listed (pure cache sessions) still refuse an inactive user on the next
    request, because ``ModelBackend.get_user`` skips inactive accounts.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_id
    ]
    model.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    unit: OrgUnit | None = None,
    phone: str = "",
    by: User | None,
) -> User:
    """Create an account with no roles (roles are the 安全管理员's to grant).

    The password must pass every rule in AUTH_PASSWORD_VALIDATORS. Usernames are
    unique regardless of case, so "Zhang" and "zhang" cannot both exist.
    """
    _require(by, "jiaotong.add_user", "只有系统管理员可以创建账户。")
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "请填写用户名。"})
    try:
        username = validate_username(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用。"})
    if phone:
        phone = validate_mobile(phone)
    user = User(
        username=username,
        full_name=full_name.strip(),
        unit=unit,
        phone=phone,
        # A password chosen by the 系统管理员 is temporary; the command line's
        # first administrators choose their own.
        must_change_password=by is not None,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_record(by=by, action="user_create", obj=user, to_state="启用")
    return user


@transaction.atomic
def user_assign_roles(*, user: User, roles, by: User | None) -> User:
    """Give ``user`` exactly the roles named in ``roles`` (a set of role names).

    Only a 安全管理员 may do this, never for their own account, and never to
    make one person hold two administrator roles. Writes one ``role_change``
    audit event listing the roles before and after; an unchanged set writes
    nothing.
    """
    _require(by, "jiaotong.assign_roles", "只有安全管理员可以分配角色。")
    _refuse_self(by, user, "安全管理员不能为自己分配或撤销角色。")
    _refuse_administrator(by, user, "变更")
    wanted = set(roles)
    unknown = wanted - set(role_table.ALL_ROLES)
    if unknown:
        raise ValidationError(
            {"roles": f"不存在的角色：{'、'.join(sorted(unknown))}。"}
        )
    try:
        role_table.check_admin_separation(wanted)
    except ValidationError as exc:
        raise ValidationError({"roles": exc.messages}) from exc
    # Lock the account so two concurrent grants cannot together break 三员分立.
    user = User.objects.select_for_update().get(pk=user.pk)
    held = set(user.groups.values_list("name", flat=True))
    granted_admin = (wanted - held) & set(role_table.ADMIN_ROLES)
    if by is not None and granted_admin and (held or len(wanted) > 1):
        raise ValidationError(
            {
                "roles": "三员分立：管理员角色只能授予不担任任何其他角色的专用账户"
                f"（{'、'.join(sorted(granted_admin))}）。"
            }
        )
    if held == wanted:
        return user
    user.groups.set(Group.objects.filter(name__in=wanted))
    user.__dict__.pop("_role_names", None)
    added = [r for r in role_table.ALL_ROLES if r in wanted - held]
    removed = [r for r in role_table.ALL_ROLES if r in held - wanted]
    parts = []
    if added:
        parts.append(f"新增：{'、'.join(added)}")
    if removed:
        parts.append(f"撤销：{'、'.join(removed)}")
    audit_record(
        by=by,
        action="role_change",
        obj=user,
        reason="；".join(parts),
        changes={"roles": [_ordered(held), _ordered(wanted)]},
    )
    return user


def _ordered(names) -> list[str]:
    return [r for r in role_table.ALL_ROLES if r in names]


@transaction.atomic
def user_deactivate(*, user: User, by: User | None, reason: str = "") -> User:
    """Stop an account: it can no longer sign in and its sessions end now."""
    _require(by, "jiaotong.change_user", "只有系统管理员可以停用账户。")
    _refuse_self(by, user, "不能停用自己的账户。")
    _refuse_administrator(by, user, "停用")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError("该账户已处于停用状态。")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_end_sessions(user=user)
    audit_record(
        by=by,
        action="user_deactivate",
        obj=user,
        from_state="启用",
        to_state="停用",
        reason=reason,
        changes={"sessions_ended": ended},
    )
    return user


@transaction.atomic
def user_activate(*, user: User, by: User | None, reason: str = "") -> User:
    """Let a stopped account sign in again (with its existing password)."""
    _require(by, "jiaotong.change_user", "只有系统管理员可以启用账户。")
    _refuse_self(by, user, "不能启用自己的账户。")
    _refuse_administrator(by, user, "启用")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError("该账户已处于启用状态。")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        by=by,
        action="user_activate",
        obj=user,
        from_state="停用",
        to_state="启用",
        reason=reason,
    )
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User | None) -> User:
    """Reset a colleague's forgotten password (系统管理员) and end their sessions.

    Accounts holding an administrator role are refused here: otherwise the
    系统管理员 could sign in as the 安全管理员 or 审计管理员. Theirs are reset on
    the server's command line (``manage.py changepassword``). The new password
    is temporary: the holder must replace it before doing anything else, so the
    系统管理员 cannot quietly use a colleague's (or a leader's) account, and the
    sign-in with it is flagged in the audit trail.
    """
    _require(by, "jiaotong.change_user", "只有系统管理员可以重置密码。")
    _refuse_self(by, user, "修改自己的密码请使用“修改密码”。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and role_table.has_role(user, *role_table.ADMIN_ROLES):
        raise PermissionDenied(
            "管理员账户的密码不能在此重置，请在服务器上使用命令行重置。"
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.must_change_password = by is not None
    user.save()
    user_end_sessions(user=user)
    audit_record(
        by=by,
        action="password_reset",
        obj=user,
        reason="临时密码，须在首次登录时修改" if by is not None else "",
    )
    return user


UNIT_FIELDS = frozenset(
    {"name", "kind", "parent", "established_posts", "established_on", "abolished_on"}
)


def check_unit(unit: OrgUnit, old_path: str) -> None:
    """``unit_upsert``'s checks of a changed unit (``old_path``: its stored
    path, empty for a new one); raises ValidationError keyed by field."""
    parent = unit.parent
    if parent is not None and (
        parent.code == unit.code or (old_path and parent.path.startswith(old_path))
    ):
        raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
    if (
        unit.established_on
        and unit.abolished_on
        and unit.abolished_on < unit.established_on
    ):
        raise ValidationError({"abolished_on": "撤销日期不能早于设立日期。"})
    unit.full_clean(exclude=["parent", "path"], validate_unique=False)


@transaction.atomic
def unit_upsert(
    *, code: str, values: dict, by: User | None, actor_name: str = ""
) -> tuple[OrgUnit, str]:
    """Create the organisation unit with this 单位编码 or update the fields given
    in ``values`` (``UNIT_FIELDS``; others keep their stored value).

    Refuses a parent that is the unit itself or lies below it, and an 撤销日期
    (the first day the unit no longer exists) before its 设立日期.  Moving a unit
    re-derives the path of everything below it, so subtree filters stay right.
    Returns ``(unit, created|updated|unchanged)``; each change is audited.
    """
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "单位编码不能为空。"})
    unit, created = locked_or_new(OrgUnit, code=code)
    old_path = unit.path
    changes = apply_changes(unit, values, UNIT_FIELDS)
    if not created and not changes:
        return unit, UNCHANGED
    check_unit(unit, old_path)
    unit.save()
    if old_path and unit.path != old_path:
        # Re-derive the materialised paths below the moved unit, parents first.
        for child in (
            OrgUnit.objects.filter(path__startswith=old_path)
            .exclude(pk=unit.pk)
            .order_by("path")
        ):
            child.parent = OrgUnit.objects.get(pk=child.parent_id)
            child.save(update_fields=["path"])
    return unit, record_upsert(
        unit, created=created, changes=changes, by=by, actor_name=actor_name
    )
