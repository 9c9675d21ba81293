"""Import kind ``units`` (spec/import-formats.md): the organisation first, parents
anywhere in the workbook, cycles and unknown parents named by row."""

import datetime as dt
from io import BytesIO

import pytest

from jiaotong.imports.framework import run_import
from jiaotong.models import AuditEvent, OrgUnit
from tests.factories import make_matter, make_unit, resident_id
from tests.fixtures.workbooks import UNIT_HEADERS, unit_row, workbook_bytes

pytestmark = pytest.mark.django_db


def units(rows, by=None, **kw):
    return run_import("units", BytesIO(workbook_bytes(rows, UNIT_HEADERS)), by=by, **kw)


def test_children_may_come_before_their_parents():
    result = units(
        [
            unit_row("S1", "第一中队", "执法中队", "BR", 正式编制=20),
            unit_row("BR", "综合执法大队", "执法大队", "B", 正式编制=5),
            unit_row("B", "睢县交通运输局", "局", None),
        ]
    )

    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 3
    squad = OrgUnit.objects.get(code="S1")
    assert squad.path == "/B/BR/S1/"
    assert squad.kind == OrgUnit.Kind.SQUAD and squad.established_posts == 20


def test_every_listed_unit_type_is_accepted_and_half_width_brackets_too():
    kinds = ["局", "机关股室", "执法大队", "执法中队", "局属单位", "镇（街）", "镇(街)"]
    rows = [unit_row("B", "局", "局", None)] + [
        unit_row(f"U{i}", f"单位{i}", kind, "B") for i, kind in enumerate(kinds[1:])
    ]

    result = units(rows)

    assert result.ok, [str(e) for e in result.errors]
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWN).count() == 2


def test_dates_and_posts_are_stored_撤销日期_is_the_first_day_gone():
    result = units(
        [
            unit_row("B", "局", "局", None),
            unit_row("S2", "第二中队", "执法中队", "B", 正式编制=15,
                     设立日期="2019-01-01", 撤销日期="2023-12-31"),
        ]
    )  # fmt: skip

    assert result.ok
    squad = OrgUnit.objects.get(code="S2")
    assert squad.abolished_on == dt.date(2023, 12, 31)
    assert not OrgUnit.objects.in_force_on(dt.date(2023, 12, 31)).filter(code="S2")
    assert OrgUnit.objects.in_force_on(dt.date(2023, 12, 30)).filter(code="S2")


def test_unknown_parent_names_its_row():
    result = units(
        [unit_row("B", "局", "局", None), unit_row("X", "某股", "机关股室", "NOPE")]
    )

    assert [str(e) for e in result.errors] == [
        "第3行 上级单位编码: 本表和系统中都没有编码为 NOPE 的单位"
    ]
    assert not OrgUnit.objects.exists()


def test_a_cycle_names_each_row_in_it():
    result = units(
        [
            unit_row("B", "局", "局", None),
            unit_row("A", "甲", "机关股室", "C"),
            unit_row("C", "丙", "机关股室", "A"),
        ]
    )

    assert [str(e) for e in result.errors] == [
        "第3行 上级单位编码: 上级关系形成循环：A → C → A",
        "第4行 上级单位编码: 上级关系形成循环：C → A → C",
    ]
    assert not OrgUnit.objects.exists()


def test_a_cycle_through_a_stored_unit_is_refused():
    bureau = make_unit("B", "局", kind="bureau")
    make_unit("C", "丙", parent=make_unit("A", "甲", parent=bureau))

    result = units([unit_row("A", "甲", "机关股室", "C")])

    assert [str(e) for e in result.errors] == [
        "第2行 上级单位编码: 上级关系形成循环：A → C → A"
    ]


def test_only_the_bureau_may_have_no_parent():
    result = units([unit_row("O", "办公室", "机关股室", None)])

    assert [e.column for e in result.errors] == ["上级单位编码"]


def test_reimport_is_idempotent_and_a_move_rederives_the_subtree():
    rows = [
        unit_row("B", "局", "局", None),
        unit_row("BR", "大队", "执法大队", "B"),
        unit_row("S1", "中队", "执法中队", "BR"),
        unit_row("A1", "运管所", "局属单位", "B"),
    ]
    assert units(rows).created == 4

    again = units(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    rows[1] = unit_row("BR", "大队", "执法大队", "A1")
    moved = units(rows)
    assert (moved.updated, moved.unchanged) == (1, 3)
    assert OrgUnit.objects.get(code="S1").path == "/B/A1/BR/S1/"
    assert AuditEvent.objects.filter(action="orgunit_update").count() == 1


def test_a_precondition_failing_for_every_row_is_reported_once():
    """Applications on a portal with no unit: one error, not one per row."""
    make_matter("XK1", power_type="行政许可", promised_limit_days=5)
    rows = [
        {
            "办件编号": f"N{i}",
            "事项编码": "XK1",
            "申请人": "张三",
            "申请人类型": "自然人",
            "证件号码": resident_id("41142219800101001"),
            "收件时间": "2023-03-01 09:00",
            "受理结果": "受理",
        }
        for i in range(30)
    ]
    result = run_import("applications", BytesIO(workbook_bytes(rows)), by=None)

    assert [str(e) for e in result.errors] == [
        "全部30行（第2行起） 办件编号: 尚未建立组织单位，无法确定办件的受理单位。"
    ]
