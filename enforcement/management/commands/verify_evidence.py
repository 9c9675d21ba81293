"""Check every evidence file against the SHA-256 recorded at upload."""

from django.core.management.base import BaseCommand, CommandError

from enforcement.models import Evidence
from enforcement.services import evidence_verify


class Command(BaseCommand):
    help = "校验证据文件：列出被改动或缺失的文件（有问题时退出码为 1）。"

    def handle(self, *args, **options):
        problems = evidence_verify()
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(
                f"证据校验未通过：{len(problems)} 个文件有问题。", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(f"证据校验通过：{Evidence.objects.count()} 个文件完好。")
        )
