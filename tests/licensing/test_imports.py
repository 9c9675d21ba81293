import datetime as dt
from io import BytesIO

import pytest
from jiaotong.imports.framework import run_import
from jiaotong.metrics.registry import compute
from openpyxl import Workbook

from licensing.models import Application
from tests.factories import credit_code, make_matter

from .conftest import local, resident_id

S = Application.Status
HEADERS = [
    "办件编号",
    "事项编码",
    "申请人",
    "申请人类型",
    "证件号码",
    "联系电话",
    "办理渠道",
    "收件时间",
    "受理结果",
    "办结时间",
    "办理结果",
    "告知承诺",
    "评价",
]


def workbook(rows, headers=HEADERS) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def matters(db):
    return {
        "lic": make_matter("XK001", power_type="行政许可", promised_limit_days=5),
        "svc": make_matter("GG001", power_type="公共服务", promised_limit_days=1),
        "pen": make_matter("CF001", power_type="行政处罚"),
    }


def row(**values):
    base = {
        "办件编号": "41142220230001",
        "事项编码": "XK001",
        "申请人": "王五",
        "申请人类型": "自然人",
        "证件号码": resident_id(),
        "收件时间": "2023-03-01 09:30",
        "受理结果": "受理",
    }
    base.update(values)
    return base


def test_import_derives_statuses_from_acceptance_and_result(matters, sysadmin):
    person = resident_id()
    rows = [
        row(办件编号="A1", 办结时间="2023-03-03 16:00", 办理结果="准予", 评价="满意"),
        row(办件编号="A2", 受理结果="不予受理"),
        row(办件编号="A3", 办结时间="2023-03-02", 办理结果="撤回"),
        row(办件编号="A4"),
        row(
            办件编号="A5",
            事项编码="GG001",
            申请人="睢县通达运输有限公司",
            申请人类型="法人",
            证件号码=credit_code("91411422MA0000009"),
            办理渠道="网上",
            办结时间=dt.datetime(2023, 3, 1, 11, 0),
            办理结果="办结",
            告知承诺="否",
        ),
        row(办件编号="A6", 证件号码=person.lower(), 告知承诺="是"),
    ]
    result = run_import("applications", workbook(rows), by=sysadmin)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    by_number = {a.number: a for a in Application.objects.all()}
    a1 = by_number["A1"]
    assert (a1.status, a1.result, a1.evaluation) == (S.CLOSED, "准予", "满意")
    assert a1.completed_at == local(2023, 3, 3, 16, 0)
    assert a1.accepted_at == a1.received_at == local(2023, 3, 1, 9, 30)
    assert by_number["A2"].status == S.NOT_ACCEPTED
    assert by_number["A2"].accepted_at is None
    assert by_number["A3"].status == S.WITHDRAWN
    assert by_number["A3"].withdrawn_at == local(2023, 3, 2, 0, 0)
    assert by_number["A3"].result == ""
    assert by_number["A4"].status == S.ACCEPTED
    a5 = by_number["A5"]
    assert (a5.status, a5.result, a5.channel) == (S.CLOSED, "办结", "网上")
    assert by_number["A6"].applicant_id_number == person
    assert by_number["A6"].notify_commit
    assert a1.promised_due_date == dt.date(2023, 3, 8)  # 5 working days after 1 Mar
    assert a1.unit == sysadmin.unit


def test_reimport_is_idempotent_and_updates_changed_rows(matters, sysadmin):
    rows = [row(办件编号="B1"), row(办件编号="B2")]
    run_import("applications", workbook(rows), by=sysadmin)
    again = run_import("applications", workbook(rows), by=sysadmin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[1].update(办结时间="2023-03-05 10:00", 办理结果="不予许可")
    third = run_import("applications", workbook(rows), by=sysadmin)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Application.objects.get(number="B2").status == S.CLOSED
    assert Application.objects.count() == 2


def test_absent_optional_columns_leave_values_alone(matters, sysadmin):
    first = row(办件编号="C1", 联系电话="13900001111")
    run_import("applications", workbook([first]), by=sysadmin)
    headers = [h for h in HEADERS if h != "联系电话"]
    result = run_import("applications", workbook([first], headers), by=sysadmin)
    assert result.unchanged == 1
    assert Application.objects.get(number="C1").applicant_phone == "13900001111"


def test_completion_just_after_midnight_counts_in_the_new_year(matters, sysadmin):
    rows = [
        row(
            办件编号="D1",
            收件时间="2023-12-29 10:00",
            办结时间="2024-01-01 00:05",
            办理结果="准予",
        )
    ]
    assert run_import("applications", workbook(rows), by=sysadmin).ok
    assert compute("window.completed", 2023) == 0
    assert compute("window.completed", 2024) == 1


BAD_ROWS = [
    (row(事项编码="NOPE"), "事项编码", "没有编码为 NOPE"),
    (row(事项编码="CF001"), "事项编码", "行政处罚"),
    (row(证件号码="411422199001011230"), "证件号码", "校验位"),
    (row(申请人类型="法人"), "证件号码", "统一社会信用代码"),
    (
        row(申请人类型="自然人", 证件号码=credit_code("91411422MA0000009")),
        "证件号码",
        "居民身份证号码",
    ),
    (
        row(办结时间="2023-02-28 10:00", 办理结果="准予"),
        "办结时间",
        "不能早于收件时间",
    ),
    (row(办结时间="2023-03-02 10:00"), "办理结果", "必须填写办理结果"),
    (row(办理结果="准予"), "办结时间", "必须填写办结时间"),
    (row(受理结果="同意"), "受理结果", "应为 受理 / 不予受理"),
    (row(申请人=None), "申请人", "必填"),
    (row(收件时间="2023年3月1日"), "收件时间", "日期格式"),
    (
        row(受理结果="不予受理", 办结时间="2023-03-02", 办理结果="准予"),
        "办理结果",
        "没有办理结果",
    ),
    (row(评价="满意"), "评价", "只有已办结"),
    (row(告知承诺="也许"), "告知承诺", "是/否"),
    (row(办理渠道="电话"), "办理渠道", "应为"),
    (
        row(事项编码="GG001", 办结时间="2023-03-02", 办理结果="准予"),
        "办理结果",
        "公共服务事项",
    ),
]


@pytest.mark.parametrize("bad, column, reason", BAD_ROWS)
def test_bad_row_is_reported_and_nothing_is_imported(
    matters, sysadmin, bad, column, reason
):
    good = row(办件编号="OK1")
    bad["办件编号"] = "BAD1"
    result = run_import("applications", workbook([good, bad]), by=sysadmin)
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert any(m.startswith(f"第3行 {column}: ") and reason in m for m in messages), (
        messages
    )
    assert not Application.objects.exists()


def test_duplicate_numbers_in_one_workbook_are_reported(matters, sysadmin):
    result = run_import(
        "applications", workbook([row(办件编号="E1"), row(办件编号="E1")]), by=sysadmin
    )
    assert [str(e) for e in result.errors] == ["第3行 办件编号: 与第2行重复"]


def test_missing_required_column_is_reported(matters, sysadmin):
    headers = [h for h in HEADERS if h != "受理结果"]
    result = run_import("applications", workbook([row()], headers), by=sysadmin)
    assert [str(e) for e in result.errors] == ["第1行 受理结果: 缺少必填列"]


def test_dry_run_writes_nothing(matters, sysadmin):
    result = run_import("applications", workbook([row()]), by=sysadmin, dry_run=True)
    assert result.ok and result.created == 1
    assert not Application.objects.exists()
