"""Create an administrator who holds one role, instead of a superuser (三员分立).

    manage.py create_admin --username sysadmin --role 系统管理员 --unit B

The password is asked twice on the terminal, or read from the environment
variable JIAOTONG_ADMIN_PASSWORD with --no-input. It must pass every password
rule. The account is an ordinary user (is_superuser stays False).
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiaotong import roles
from jiaotong.accounts import services as accounts
from jiaotong.models import OrgUnit

ENV_VAR = "JIAOTONG_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "创建持有单一管理员角色的账户（代替超级用户）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument(
            "--role", required=True, choices=roles.ADMIN_ROLES, help="管理员角色"
        )
        parser.add_argument("--full-name", default="", help="姓名")
        parser.add_argument("--unit", default="", help="所属单位编码")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"不提问，密码取自环境变量 {ENV_VAR}",
        )

    def handle(self, *args, username, role, full_name, unit, interactive, **options):
        unit_obj = None
        if unit:
            unit_obj = OrgUnit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"单位编码“{unit}”不存在。")
        password = self._password(interactive)
        try:
            with transaction.atomic():
                user = accounts.user_create(
                    username=username,
                    password=password,
                    full_name=full_name,
                    unit=unit_obj,
                    by=None,
                )
                accounts.user_assign_roles(user=user, roles={role}, by=None)
                if role == roles.ROLE_SYSTEM_ADMIN:
                    # The back office (/admin/) keeps reference data such as
                    # rule parameters; only the system administrator enters it.
                    type(user).objects.filter(pk=user.pk).update(is_staff=True)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建{role}“{user.username}”。"))

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(ENV_VAR, "")
            if not password:
                raise CommandError(f"请设置环境变量 {ENV_VAR}。")
            return password
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        return first
