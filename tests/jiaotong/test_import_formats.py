"""spec/import-formats.md: "every value this page lists for a column is accepted
for every row" — one row per listed value of the enumerated columns."""

from io import BytesIO

import pytest

from jiaotong.imports.framework import run_import
from tests.factories import credit_code, make_unit
from tests.fixtures.workbooks import enterprise_row, matter_row, workbook_bytes

pytestmark = pytest.mark.django_db

INDUSTRIES = ["道路旅客运输", "道路货物运输", "出租汽车", "驾驶员培训", "机动车维修", "公交", "物流", "其他"]  # fmt: skip
CATEGORIES = ["投诉", "举报", "咨询", "求助", "建议", "表扬"]
AREAS = ["出租汽车", "驾驶员培训", "道路客运", "道路货运", "公交", "路政", "超限治理", "其他"]  # fmt: skip


def imported(kind, rows):
    result = run_import(kind, BytesIO(workbook_bytes(rows)), by=None)
    assert result.ok, [str(e) for e in result.errors]
    return result


def test_every_matter_power_type_source_and_yes_no_form():
    types = ["行政许可", "行政处罚", "行政确认", "其他行政权力", "公共服务"]
    sources = ["本级", "省下放", "市下放", None]
    yes_no = ["是", "否", "Y", "N", 1, 0, "1", "0"]
    rows = [
        matter_row(f"M{i}", 权力类型=types[i % 5], 承接来源=sources[i % 4],
                   告知承诺=yes_no[i % 8], 需公示=yes_no[(i + 1) % 8])
        for i in range(20)
    ]  # fmt: skip

    assert imported("matters", rows).created == 20


def test_every_industry_and_credit_grade():
    grades = ["A", "B", "C", "D", None]
    rows = [
        enterprise_row(credit_code(f"91411422MA000{i:04d}"), 行业类别=industry,
                       信用等级=grades[i % 5])
        for i, industry in enumerate(INDUSTRIES)
    ]  # fmt: skip

    assert imported("enterprises", rows).created == len(INDUSTRIES)


def test_every_ticket_source_category_area_and_follow_up():
    make_unit("B", "睢县交通运输局", kind="bureau")
    follow_ups = ["满意", "基本满意", "不满意", "未回访", None]
    rows = [
        {
            "工单编号": f"T{i}", "热线来源": ["12328", "12345", 12328][i % 3],
            "来电时间": "2023-03-01 09:00", "诉求类型": CATEGORIES[i % 6],
            "业务类别": area, "诉求内容": "反映情况", "办结时间": "2023-03-02",
            "答复内容": "已答复", "回访结果": follow_ups[i % 5],
        }
        for i, area in enumerate(AREAS * 2)
    ]  # fmt: skip

    assert imported("tickets", rows).created == len(AREAS) * 2
