"""Import kind ``tickets`` (spec/import-formats.md)."""

import datetime as dt

import pytest
from jiaotong.imports.framework import run_import

from hotline.models import Status, Ticket
from hotline.services import compute_due_date
from jiaotong.models import AuditEvent
from tests.factories import credit_code, make_enterprise
from tests.fixtures.workbooks import write_workbook
from tests.hotline.conftest import local

HEADERS = [
    "工单编号",
    "热线来源",
    "来电时间",
    "诉求类型",
    "业务类别",
    "诉求内容",
    "来电人",
    "联系电话",
    "涉及企业信用代码",
    "承办单位",
    "办理时限",
    "办结时间",
    "答复内容",
    "回访结果",
]


def row(number="12328-2023-0001", **overrides) -> dict:
    values = {
        "工单编号": number,
        "热线来源": "12328",
        "来电时间": "2023-03-01 10:15",
        "诉求类型": "投诉",
        "业务类别": "出租汽车",
        "诉求内容": "出租车拒载。",
        "来电人": "王先生",
        "联系电话": "13812345678",
    }
    values.update(overrides)
    return values


@pytest.fixture
def taxi(db):
    return make_enterprise("睢县城通出租汽车有限公司")


def run(tmp_path, rows, by, name="tickets.xlsx", headers=HEADERS, dry_run=False):
    return run_import(
        "tickets",
        write_workbook(tmp_path / name, rows, headers),
        by=by,
        dry_run=dry_run,
    )


def test_import_creates_closed_and_open_tickets(tmp_path, sysadmin, org, taxi):
    result = run(tmp_path, [
        row("A1", 涉及企业信用代码=taxi.credit_code, 承办单位="第一中队",
            办结时间="2023-03-03 16:00", 答复内容="已约谈驾驶员。", 回访结果="满意"),
        row("A2", 承办单位="第一中队", 办理时限="2023-03-20"),
        row("A3", 诉求类型="咨询", 来电时间="2023/03/04"),
        row("A4", 办结时间="2023-03-01 10:30", 答复内容="已现场答复。",
            回访结果="未回访"),
    ], sysadmin)  # fmt: skip
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)

    closed = Ticket.objects.get(ticket_no="A1")
    assert (closed.status, closed.enterprise, closed.unit) == (
        Status.CLOSED,
        taxi,
        org["squad"],
    )
    assert closed.closed_at == local(2023, 3, 3, 16)
    assert closed.follow_up_result == "满意" and closed.reply_text == "已约谈驾驶员。"
    assert closed.due_date == compute_due_date(
        local(2023, 3, 1, 10, 15), "12328", "投诉"
    )

    dispatched = Ticket.objects.get(ticket_no="A2")
    assert (dispatched.status, dispatched.due_date) == (
        Status.DISPATCHED,
        dt.date(2023, 3, 20),
    )
    consult = Ticket.objects.get(ticket_no="A3")
    assert consult.status == Status.RECEIVED
    assert consult.received_at == local(2023, 3, 4, 0, 0)  # a date alone = 00:00
    assert consult.due_date == compute_due_date(local(2023, 3, 4, 0), "12328", "咨询")
    on_call = Ticket.objects.get(ticket_no="A4")
    assert on_call.follow_up_result == "" and on_call.status == Status.CLOSED
    assert AuditEvent.objects.filter(action="ticket_import").count() == 4


def test_import_twice_changes_nothing_and_update_is_reported(tmp_path, sysadmin, org):
    rows = [row("B1", 承办单位="第一中队"), row("B2")]
    run(tmp_path, rows, sysadmin)
    again = run(tmp_path, rows, sysadmin, name="again.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Ticket.objects.count() == 2

    rows[0].update(办结时间="2023-03-05 09:00", 答复内容="已处理", 回访结果="基本满意")
    changed = run(tmp_path, rows, sysadmin, name="changed.xlsx")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    ticket = Ticket.objects.get(ticket_no="B1")
    assert ticket.status == Status.CLOSED and ticket.follow_up_result == "基本满意"


def test_import_never_reopens_a_closed_ticket(tmp_path, sysadmin):
    closed = row("C1", 办结时间="2023-03-05 09:00", 答复内容="已处理")
    run(tmp_path, [closed], sysadmin)
    run(tmp_path, [row("C1", 诉求内容="出租车拒载（补充）。")], sysadmin, name="b.xlsx")
    ticket = Ticket.objects.get(ticket_no="C1")
    assert ticket.status == Status.CLOSED and ticket.content.endswith("（补充）。")


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, sysadmin, org):
    unknown_code = credit_code("91411422MA9999999")
    result = run(tmp_path, [
        row("D1"),
        row("D2", 热线来源="12315"),
        row("D3", 涉及企业信用代码=unknown_code),
        row("D4", 涉及企业信用代码="91411422MA00000010"),
        row("D5", 承办单位="不存在的股室"),
        row("D6", 办结时间="2023-02-28 10:00", 答复内容="已处理"),
        row("D7", 办结时间="2023-03-02 10:00"),
        row("D8", 回访结果="很好"),
        row("D1"),
        row("D9", 来电时间="3月1日"),
    ], sysadmin)  # fmt: skip
    messages = [str(e) for e in result.errors]
    assert messages == [
        "第3行 热线来源: 应为 12328 / 12345 之一",
        f"第4行 涉及企业信用代码: 企业名录中没有信用代码为 {unknown_code} 的企业",
        "第5行 涉及企业信用代码: 统一社会信用代码校验位错误。",
        "第6行 承办单位: 没有名为“不存在的股室”的组织单位",
        "第7行 办结时间: 不能早于来电时间",
        "第8行 答复内容: 填写了办结时间时必须填写答复内容",
        "第9行 回访结果: 应为 满意 / 基本满意 / 不满意 / 未回访 之一",
        "第10行 工单编号: 与第2行重复",
        "第11行 来电时间: 日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]",
    ]
    assert not Ticket.objects.exists()


def test_missing_required_column_is_reported(tmp_path, sysadmin):
    headers = [h for h in HEADERS if h != "诉求内容"]
    result = run(tmp_path, [row("E1")], sysadmin, headers=headers)
    assert [str(e) for e in result.errors] == ["第1行 诉求内容: 缺少必填列"]


def test_empty_required_cell_is_reported(tmp_path, sysadmin):
    result = run(tmp_path, [row("F1", 诉求内容="")], sysadmin)
    assert [str(e) for e in result.errors] == ["第2行 诉求内容: 必填，不能为空"]


def test_dry_run_counts_without_writing(tmp_path, sysadmin):
    result = run(tmp_path, [row("G1"), row("G2")], sysadmin, dry_run=True)
    assert result.ok and result.created == 2
    assert not Ticket.objects.exists()
