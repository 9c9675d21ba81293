"""python manage.py export_year_report YEAR --output PATH.xlsx [--org CODE]"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiaotong.audit.services import audit_record
from jiaotong.models import OrgUnit
from jiaotong.reports.builder import write_year_report, year_report_title


class Command(BaseCommand):
    help = "导出年度指标汇总工作簿（第一个工作表为“指标汇总”）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="统计年度，例如 2023")
        parser.add_argument(
            "--output", required=True, help="输出文件路径（.xlsx），已存在时覆盖"
        )
        parser.add_argument(
            "--org", default=None, help="单位编码：只统计该单位及其下级单位"
        )

    def handle(self, *args, year, output, org, **options):
        if not 1900 <= year <= 9999:
            raise CommandError(f"年度无效：{year}（应为四位年份）。")
        unit = None
        if org:
            unit = OrgUnit.objects.filter(code=org).first()
            if unit is None:
                raise CommandError(f"单位编码不存在：{org}")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"输出目录不存在：{path.parent}")

        # Write beside the target and rename at the end: an interrupted run never
        # leaves a truncated workbook under the requested name.
        partial_path = path.with_name(path.name + ".part")
        try:
            write_year_report(year, unit, partial_path)
            os.replace(partial_path, path)
        finally:
            partial_path.unlink(missing_ok=True)

        audit_record(
            action="export",
            actor_name="命令行（export_year_report）",
            reason=year_report_title(year, unit),
            changes={"year": year, "org": org, "output": str(path)},
        )
        self.stdout.write(self.style.SUCCESS(f"已导出：{path}"))
