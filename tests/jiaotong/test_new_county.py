"""A new county's first day: on an empty database, ``import_xlsx`` of units,
matters, enterprises, applications and tickets (in that order, workbooks in the
documented format) all succeed, and the year-end workbook's figures are what the
catalog's definitions give for those records.

Every expected figure is worked out by hand beside the rows that make it."""

from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from jiaotong.metrics.registry import catalog
from jiaotong.models import Enterprise, Matter, OrgUnit
from jiaotong.reports.builder import SUMMARY_TITLE, write_year_report
from tests.factories import credit_code, resident_id
from tests.fixtures.workbooks import (
    ENTERPRISE_HEADERS,
    MATTER_HEADERS,
    UNIT_HEADERS,
    enterprise_row,
    matter_row,
    unit_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db

TAXI = credit_code("91411422MA0000001")
BUS = credit_code("91411422MA0000002")

# Children before parents on purpose. At 31 Dec 2023: brigade staff = BR 5 + S1 20
# + S3 7 = 32 (S2 is abolished on 31 Dec, the first day it no longer exists; A1 is
# not enforcement); towns = T1 + T2 = 2 (T3 is set up in 2024).
UNITS = [
    unit_row("S1", "第一中队", "执法中队", "BR", 正式编制=20),
    unit_row("T1", "城关镇", "镇（街）", "B"),
    unit_row("BR", "交通运输综合执法大队", "执法大队", "B", 正式编制=5),
    unit_row("B", "睢县交通运输局", "局", None, 正式编制=30),
    unit_row("O1", "行政审批股", "机关股室", "B", 正式编制=4),
    unit_row("S2", "第二中队", "执法中队", "BR", 正式编制=15, 撤销日期="2023-12-31"),
    unit_row("S3", "第三中队", "执法中队", "BR", 正式编制=7, 撤销日期="2024-01-01"),
    unit_row("T2", "潮庄镇", "镇(街)", "B"),
    unit_row("T3", "白庙乡", "镇（街）", "B", 设立日期="2024-03-01"),
    unit_row("A1", "运输管理所", "局属单位", "B", 正式编制=12),
]  # fmt: skip

# In force at 31 Dec 2023 and not 公共服务: XK1 XK2 XK4 CF1 QR1 QT1 = 6 (XK3 is
# repealed on 31 Dec, XK5 starts in 2024); licensing XK1 XK2 XK4 = 3, of which
# delegated (省/市下放) XK2 = 1.  Window matters in force: XK1 XK2 XK4 GG1 = 4.
MATTERS = [
    matter_row("XK1", 权力类型="行政许可", 承诺时限=5),
    matter_row("XK2", 权力类型="行政许可", 承接来源="省下放", 承诺时限=3),
    matter_row("XK3", 权力类型="行政许可", 承接来源="市下放", 废止日期="2023-12-31"),
    matter_row("XK4", 权力类型="行政许可", 废止日期="2024-01-01"),
    matter_row("XK5", 权力类型="行政许可", 生效日期="2024-02-01"),
    matter_row("CF1", 权力类型="行政处罚", 法定时限=None, 承诺时限=None),
    matter_row("QR1", 权力类型="行政确认", 告知承诺="Y"),
    matter_row("QT1", 权力类型="其他行政权力", 需公示=0),
    matter_row("GG1", 权力类型="公共服务", 承诺时限=1, 法定时限=1),
]  # fmt: skip

APPLICATION_HEADERS = [
    "办件编号", "事项编码", "申请人", "申请人类型", "证件号码", "联系电话", "办理渠道",
    "收件时间", "受理结果", "办结时间", "办理结果", "告知承诺", "评价",
]  # fmt: skip
PERSON = resident_id("41142219800101001")


def application(
    number, matter, received, accepted="受理", done=None, outcome=None, **more
):
    row = {
        "办件编号": number, "事项编码": matter, "申请人": "张三", "申请人类型": "自然人",
        "证件号码": PERSON, "收件时间": received, "受理结果": accepted,
        "办结时间": done, "办理结果": outcome,
    }  # fmt: skip
    row.update(more)
    return row


# window.completed (accepted, final result, completed in 2023): A1 A2 A3 A7 A8 = 5;
# licensing A1 A2 A7 = 3, public service A3 A8 = 2.  Received in 2023, accepted,
# not withdrawn: A1 A2 A3 A4 A8, finished by 31 Dec: A1 A2 A3 A8 -> 4/5 = 80.0.
# Coverage: XK1 and GG1 of the 4 window matters -> 50.0.  On time (promised N
# working days after receipt): A1 (due 8 Mar), A3 (due 4 Sep), A7 (received
# 28 Dec 2022, 元旦 holidays, due 5 Jan), A8 (due 11 Oct) yes, A2 (due 8 Jun, done
# 20 Jun) no -> 4/5 = 80.0.  Evaluated: A1 非常满意, A2 不满意, A3 满意 -> 2/3 = 66.7.
# 告知承诺: A3 -> 1.
APPLICATIONS = [
    application("A1", "XK1", "2023-03-01 09:00", done="2023-03-03 10:00", outcome="准予", 评价="非常满意", 办理渠道="网上"),
    application("A2", "XK1", "2023/06/01 09:30", done="2023-06-20", outcome="不予许可", 评价="不满意",
                申请人类型="法人", 证件号码=TAXI, 申请人="睢县顺达出租汽车有限公司"),
    application("A3", "GG1", "2023-09-01", done="2023-09-01 15:00", outcome="准予", 评价="满意", 告知承诺="是", 办理渠道="自助终端"),
    application("A4", "XK2", "2023-12-30 10:00"),
    application("A5", "XK1", "2023-05-05 10:00", accepted="不予受理"),
    application("A6", "XK2", "2023-04-04 10:00", done="2023-04-06 10:00", outcome="撤回"),
    application("A7", "XK1", "2022-12-28 10:00", done="2023-01-05 16:00", outcome="准予"),
    application("A8", "GG1", "2023-10-10 10:00", done="2023-10-11 10:00", outcome="不予许可", 告知承诺="N"),
]  # fmt: skip

TICKET_HEADERS = [
    "工单编号", "热线来源", "来电时间", "诉求类型", "业务类别", "诉求内容", "来电人",
    "联系电话", "涉及企业信用代码", "承办单位", "办理时限", "办结时间", "答复内容", "回访结果",
]  # fmt: skip


def ticket(number, source, called, category, area, **more):
    row = {"工单编号": number, "热线来源": source, "来电时间": called, "诉求类型": category,
           "业务类别": area, "诉求内容": "反映情况", "来电人": "李四"}  # fmt: skip
    row.update(more)
    return row


# Received in 2023: 12328 T1 T3 T5 = 3, 12345 T2 = 1 (T4 is 2022).  Closed by
# 31 Dec: T1 T2 T5 -> 3/4 = 75.0.  On time of the closed: T1 (10 Feb), T5 (next
# day) yes, T2 (due 10 May, closed 20 May) no -> 2/3 = 66.7.  Follow-up reached:
# T1 满意, T2 不满意, T5 基本满意 -> 2/3 = 66.7.
TICKETS = [
    ticket("T1", 12328, "2023-02-01 10:00", "投诉", "出租汽车", 涉及企业信用代码=TAXI, 承办单位="第一中队",
           办理时限="2023-02-10", 办结时间="2023-02-08 11:00", 答复内容="已处理", 回访结果="满意"),
    ticket("T2", "12345", "2023-05-01 10:00", "咨询", "道路客运", 办理时限="2023-05-10",
           办结时间="2023-05-20 10:00", 答复内容="已答复", 回访结果="不满意"),
    ticket("T3", "12328", "2023-12-20 10:00", "举报", "路政", 回访结果="未回访"),
    ticket("T4", "12345", "2022-12-30 10:00", "建议", "其他", 办结时间="2023-01-03 10:00", 答复内容="已采纳"),
    ticket("T5", "12328", "2023-07-07 10:00", "求助", "公交", 承办单位="运输管理所",
           办结时间="2023-07-08 10:00", 答复内容="已协调", 回访结果="基本满意"),
]  # fmt: skip

EXPECTED_2023 = {
    "org.enforcement_staff": 32,
    "org.towns": 2,
    "powers.total": 6,
    "powers.licensing": 3,
    "powers.penalty": 1,
    "powers.confirmation": 1,
    "powers.other": 1,
    "powers.filing_reform": 0,
    "powers.notify_commit": 0,
    "powers.delegated": 1,
    "powers.benchmarked_penalties": 0,
    "window.completed": 5,
    "window.completed.licensing": 3,
    "window.completed.public_service": 2,
    "window.completion_rate": 80.0,
    "window.coverage": 50.0,
    "window.on_time_rate": 80.0,
    "window.satisfaction_rate": 66.7,
    "window.notify_commit": 1,
    "hotline.12328.received": 3,
    "hotline.12345.received": 1,
    "hotline.closure_rate": 75.0,
    "hotline.on_time_rate": 66.7,
    "hotline.satisfaction_rate": 66.7,
}


def import_xlsx(kind, path):
    out = StringIO()
    call_command("import_xlsx", kind, str(path), stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_a_new_county_starts_from_an_empty_database(tmp_path):
    assert not OrgUnit.objects.exists() and not Matter.objects.exists()
    books = {
        "units": write_workbook(tmp_path / "u.xlsx", UNITS, UNIT_HEADERS),
        "matters": write_workbook(tmp_path / "m.xlsx", MATTERS, MATTER_HEADERS),
        "enterprises": write_workbook(
            tmp_path / "e.xlsx",
            [enterprise_row(TAXI), enterprise_row(BUS, 企业名称="睢县公交公司", 行业类别="公交", 信用等级=None)],
            ENTERPRISE_HEADERS,
        ),
        "applications": write_workbook(tmp_path / "a.xlsx", APPLICATIONS, APPLICATION_HEADERS),
        "tickets": write_workbook(tmp_path / "t.xlsx", TICKETS, TICKET_HEADERS),
    }  # fmt: skip
    counts = {
        "units": 10,
        "matters": 9,
        "enterprises": 2,
        "applications": 8,
        "tickets": 5,
    }

    for kind, path in books.items():
        summary = import_xlsx(kind, path)
        assert summary == f"导入完成：新增 {counts[kind]} 行，更新 0 行，未变化 0 行。"

    assert Enterprise.objects.get(credit_code=BUS).credit_grade == "B"  # empty = B
    stream = BytesIO()
    write_year_report(2023, None, stream)
    sheet = load_workbook(BytesIO(stream.getvalue()), read_only=True)[SUMMARY_TITLE]
    rows = {  # indicator rows only (the title block and section rows are shorter)
        row[0]: row[:5]
        for row in sheet.iter_rows(values_only=True)
        if len(row) >= 5 and row[0] and "." in str(row[0])
    }
    for code, expected in EXPECTED_2023.items():
        _code, label, value, unit, definition = rows[code]
        assert value == expected, code
        entry = catalog()[code]
        assert (label, unit, definition) == (
            entry["display_label"],
            entry["unit"],
            entry["definition_zh"] or entry["definition"],
        )


def test_reimporting_the_same_workbooks_changes_nothing(tmp_path):
    for kind, rows, headers in [
        ("units", UNITS, UNIT_HEADERS),
        ("matters", MATTERS, MATTER_HEADERS),
    ]:
        path = write_workbook(tmp_path / f"{kind}.xlsx", rows, headers)
        import_xlsx(kind, path)
        assert import_xlsx(kind, path).endswith(f"未变化 {len(rows)} 行。")  # fmt: skip
