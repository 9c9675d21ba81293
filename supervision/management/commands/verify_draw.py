"""``manage.py verify_draw TASK``: recompute a task's current draw (or every
draw with ``--all``) from the stored seed and snapshot; exit 0 if it matches."""

import sys

from django.core.management.base import BaseCommand, CommandError

from supervision.models import Draw, SpotCheckTask
from supervision.services import draw_verify


class Command(BaseCommand):
    help = "按保存的种子和名录快照重新计算抽取结果并核对（一致退出码 0，否则 1）。"

    def add_arguments(self, parser):
        parser.add_argument("task", nargs="?", help="任务编号或 ID")
        parser.add_argument("--all", action="store_true", help="核对全部抽取")

    def handle(self, *args, task=None, all=False, **options):
        if all:
            draws = list(Draw.objects.select_related("task").order_by("pk"))
        elif task:
            found = SpotCheckTask.objects.filter(number=task).first()
            if found is None and task.isdigit():
                found = SpotCheckTask.objects.filter(pk=int(task)).first()
            if found is None:
                raise CommandError(f"找不到抽查任务 {task}。")
            draws = list(found.draws.order_by("pk"))
        else:
            raise CommandError("请给出任务编号，或使用 --all。")
        if not draws:
            raise CommandError("该任务尚未抽取。")
        failed = 0
        for draw in draws:
            ok, message = draw_verify(draw)
            failed += not ok
            self.stdout.write(f"{draw.task.number} 抽取#{draw.pk}: {message}")
        if failed:
            sys.exit(1)
