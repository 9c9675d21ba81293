"""Import kind ``cases``: all-or-nothing, idempotent, ``第N行 列名: 原因``, and
the imported records feed the enforcement indicators."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from enforcement.models import LegalReview, PenaltyCase, PublicityRecord
from jiaotong.imports.framework import run_import
from jiaotong.metrics.registry import compute
from tests.factories import credit_code, make_matter

from .conftest import PERSON_ID

pytestmark = pytest.mark.django_db
HEADERS = [
    "案件编号",
    "立案日期",
    "程序类型",
    "当事人",
    "当事人类型",
    "证件号码",
    "车牌号",
    "违法行为事项编码",
    "案件来源",
    "法制审核完成日期",
    "法制审核意见",
    "处理结果",
    "决定日期",
    "处罚种类",
    "罚款金额",
    "公示日期",
    "结案日期",
]
FIRM = credit_code("91411422MA0000001")


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
def matters(org):
    return {
        "pen": make_matter("CF001", power_type="行政处罚", unit=org["brigade"]),
        "lic": make_matter("XK001", power_type="行政许可"),
    }


def good_rows():
    return [
        {
            "案件编号": "睢交罚〔2023〕1号",
            "立案日期": "2023-03-01",
            "程序类型": "普通程序",
            "当事人": "张三",
            "当事人类型": "自然人",
            "证件号码": PERSON_ID,
            "车牌号": "豫N 12345",
            "违法行为事项编码": "CF001",
            "案件来源": "路面巡查",
            "法制审核完成日期": "2023-03-20",
            "法制审核意见": "同意",
            "处理结果": "处罚",
            "决定日期": dt.datetime(2023, 3, 25),
            "处罚种类": "罚款、暂扣许可证件",
            "罚款金额": 5000,
            "公示日期": "2023/03/30",
            "结案日期": "2023-04-20",
        },
        {
            "案件编号": "睢交罚〔2023〕2号",
            "立案日期": "2023-05-01",
            "程序类型": "简易程序",
            "当事人": "睢县某运输有限公司",
            "当事人类型": "法人",
            "证件号码": FIRM,
            "违法行为事项编码": "CF001",
            "处理结果": "不予处罚",
            "决定日期": "2023-05-01",
        },
        {
            "案件编号": "睢交罚〔2023〕3号",
            "立案日期": "2023-12-20",
            "程序类型": "普通程序",
            "当事人": "李四",
            "当事人类型": "自然人",
            "证件号码": PERSON_ID,
            "违法行为事项编码": "CF001",
        },
    ]


def test_import_creates_cases_reviews_and_publicity(matters):
    result = run_import("cases", workbook(good_rows()), by=None)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = PenaltyCase.objects.get(number="睢交罚〔2023〕1号")
    assert first.plate == "豫N12345" and first.status == "closed"
    assert first.penalty_type_list == ["罚款", "暂扣许可证件"]
    assert LegalReview.objects.get(case=first).result == "同意"
    assert PublicityRecord.objects.get(case=first).published_on == dt.date(2023, 3, 30)
    assert PenaltyCase.objects.get(number="睢交罚〔2023〕3号").status == "filed"
    assert compute("enforcement.cases", 2023) == 1
    assert compute("enforcement.cases_published_rate", 2023) == 100
    assert compute("enforcement.legal_reviews", 2023) == 1


def test_importing_twice_changes_nothing_and_edits_update(matters):
    run_import("cases", workbook(good_rows()), by=None)
    again = run_import("cases", workbook(good_rows()), by=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    rows = good_rows()
    rows[2].update({"处理结果": "撤销立案", "决定日期": "2023-12-28"})
    changed = run_import("cases", workbook(rows), by=None)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert PenaltyCase.objects.get(number="睢交罚〔2023〕3号").status == "cancelled"
    assert PenaltyCase.objects.count() == 3


def test_any_bad_row_imports_nothing_and_each_is_reported(matters):
    rows = good_rows()
    rows[0]["证件号码"] = PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1")
    rows[1]["违法行为事项编码"] = "XK001"
    rows[2].update({"处理结果": "处罚"})  # no 决定日期
    rows.append(
        {
            **good_rows()[0],
            "案件编号": "睢交罚〔2023〕4号",
            "决定日期": "2023-02-01",
            "处罚种类": "罚款、行政拘留",
        }
    )
    result = run_import("cases", workbook(rows), by=None)
    assert not result.ok and PenaltyCase.objects.count() == 0
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("第2行 证件号码: 应为居民身份证号码") for m in messages)
    assert (
        "第3行 违法行为事项编码: 该事项的权力类型为行政许可，应为行政处罚" in messages
    )
    assert "第4行 决定日期: 填写了处理结果时必须填写决定日期" in messages
    assert any(
        m.startswith("第5行 处罚种类: 未知的处罚种类：行政拘留") for m in messages
    )


def test_review_date_must_lie_between_filing_and_decision(matters):
    rows = good_rows()[:1]
    rows[0]["法制审核完成日期"] = "2023-03-28"
    result = run_import("cases", workbook(rows), by=None)
    assert [str(e) for e in result.errors] == [
        "第2行 法制审核完成日期: 不能晚于决定日期"
    ]


def test_command_exits_1_on_errors(matters, tmp_path, capsys):
    path = tmp_path / "cases.xlsx"
    rows = good_rows()
    rows[0]["程序类型"] = "听证程序"
    path.write_bytes(workbook(rows).getvalue())
    with pytest.raises(CommandError) as exc:
        call_command("import_xlsx", "cases", str(path))
    assert exc.value.returncode == 1
    assert "第2行 程序类型: 应为 简易程序 / 普通程序 之一" in capsys.readouterr().err
