"""Check the audit trail's hash chain from the first record to the last."""

from django.core.management.base import BaseCommand

from jiaotong.audit.services import audit_chain_check


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链（HMAC）并与最近的检查点比对；"
        "链条断开、记录被删除或表被清空时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="只校验，不把校验结果写入审计日志。",
        )

    def handle(self, *args, no_record=False, **options):
        report = audit_chain_check(record=not no_record)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {report.checked} 条"))
            return
        if report.truncated:
            message = f"审计链不完整：{report.problem}"
        else:
            message = f"审计链在第 {report.broken_id} 条断开：{report.problem}"
        self.stderr.write(self.style.ERROR(message))
        raise SystemExit(1)
