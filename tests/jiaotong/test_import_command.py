"""python manage.py import_xlsx KIND PATH [--dry-run]."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from jiaotong.models import AuditEvent, Matter
from tests.factories import make_matter
from tests.fixtures.workbooks import matter_row, write_workbook

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_xlsx", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_summary(tmp_path):
    make_matter("JT-1", name="旧名称")
    path = write_workbook(tmp_path / "m.xlsx", [matter_row("JT-1"), matter_row("JT-2")])

    out, err = run("matters", str(path))

    assert out.strip() == "导入完成：新增 1 行，更新 1 行，未变化 0 行。"
    assert err == ""
    assert Matter.objects.count() == 2


def test_command_line_import_is_recorded_as_命令行导入(tmp_path):
    run("matters", str(write_workbook(tmp_path / "m.xlsx", [matter_row("JT-1")])))

    for event in AuditEvent.objects.all():
        assert event.actor is None
        assert event.actor_name == "命令行导入"
    assert AuditEvent.objects.filter(action="import", reason__contains="m.xlsx")


def test_bad_rows_are_printed_one_per_line_and_exit_status_is_1(tmp_path):
    path = write_workbook(
        tmp_path / "m.xlsx",
        [matter_row("JT-1", 权力类型="x"), matter_row("JT-2", 承诺时限=-1)],
    )
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_xlsx", "matters", str(path), stderr=err)

    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "第2行 权力类型: 应为 行政许可 / 行政处罚 / 行政确认 / 其他行政权力 / 公共服务 之一",
        "第3行 承诺时限: 不能为负数",
    ]
    assert not Matter.objects.exists()


def test_dry_run_writes_nothing(tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", [matter_row("JT-1")])

    out, _ = run("matters", str(path), "--dry-run")

    assert out.strip() == "试导入（未写入）：新增 1 行，更新 0 行，未变化 0 行。"
    assert not Matter.objects.exists()
    assert not AuditEvent.objects.exists()


def test_unknown_kind_and_missing_file_are_refused(tmp_path):
    with pytest.raises(CommandError, match="未知的导入类型"):
        run("widgets", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="文件不存在"):
        run("matters", str(tmp_path / "missing.xlsx"))


def test_process_exits_with_status_1_on_bad_rows(tmp_path):
    """The real process, not call_command: the exit status scripts rely on.

    The bad rows are found before any database access, so the child process
    runs against a throwaway SQLite file without tables.
    """
    path = write_workbook(
        tmp_path / "m.xlsx", [matter_row("JT-1", 事项名称=None, 生效日期="昨天")]
    )
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "JIAOTONG_TESTING": "1",
    }

    completed = subprocess.run(
        [sys.executable, "manage.py", "import_xlsx", "matters", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 1, completed.stderr
    assert "第2行 事项名称: 必填，不能为空" in completed.stderr.splitlines()
    assert any(
        line.startswith("第2行 生效日期:") for line in completed.stderr.splitlines()
    )
    assert completed.stdout == ""
