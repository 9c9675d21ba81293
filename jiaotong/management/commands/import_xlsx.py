"""python manage.py import_xlsx KIND PATH.xlsx [--dry-run] (spec/import-formats.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiaotong.imports.framework import kinds, run_import

ACTOR_NAME = "命令行导入"


class Command(BaseCommand):
    help = (
        "从 .xlsx 工作簿导入数据（全部成功才写入；有错误时列出每一处并以状态 1 退出）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导入类型：matters、enterprises 等")
        parser.add_argument("path", help=".xlsx 文件路径")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只检查并统计，不写入数据库。",
        )

    def handle(self, *args, kind, path, dry_run=False, **options):
        available = kinds()
        if kind not in available:
            raise CommandError(
                f"未知的导入类型：{kind}（可选：{'、'.join(available)}）"
            )
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"文件不存在：{path}")
        with file_path.open("rb") as workbook:
            result = run_import(
                kind,
                workbook,
                by=None,
                dry_run=dry_run,
                actor_name=ACTOR_NAME,
                source_name=file_path.name,
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            # returncode 1 makes the process exit with status 1.
            raise CommandError(
                f"导入失败：共 {len(result.errors)} 处错误，未写入任何数据。",
                returncode=1,
            )
        self.stdout.write(result.summary())
