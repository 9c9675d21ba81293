"""The import framework and jiaotong's kinds (spec/import-formats.md)."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from jiaotong.imports.framework import kinds, parse_bool, parse_datetime, run_import
from jiaotong.registry.services import pinyin_initials

from jiaotong.models import (
    AuditEvent,
    CreditGradeChange,
    Enterprise,
    Matter,
    MatterChange,
)
from tests.factories import credit_code, make_enterprise, make_matter
from tests.fixtures.workbooks import (
    ENTERPRISE_HEADERS,
    MATTER_HEADERS,
    Text,
    enterprise_row,
    matter_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def book(tmp_path):
    """write rows to a fresh workbook file and return its path."""
    counter = iter(range(1000))

    def build(rows, headers=None):
        return write_workbook(tmp_path / f"book{next(counter)}.xlsx", rows, headers)

    return build


def import_matters(path, *, by=None, dry_run=False):
    return run_import("matters", path, by=by, dry_run=dry_run)


def messages(result):
    return [str(error) for error in result.errors]


def wrong_check_char(code: str) -> str:
    """The same code with a different (still allowed) last character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


def snapshot():
    return (
        list(Matter.objects.order_by("code").values()),
        list(Enterprise.objects.order_by("credit_code").values()),
        list(MatterChange.objects.order_by("id").values()),
        list(CreditGradeChange.objects.order_by("id").values()),
    )


# --- Registry and happy path -------------------------------------------------------


def test_matters_and_enterprises_are_registered_kinds():
    assert {"matters", "enterprises"} <= set(kinds())


def test_matter_rows_are_created_with_every_column(book, sysadmin):
    path = book(
        [
            matter_row("JT-XK-001", 告知承诺="是", 生效日期="2023-01-01"),
            matter_row(
                "JT-CF-002",
                事项名称="对未取得道路运输经营许可擅自从事经营的处罚",
                权力类型="行政处罚",
                实施依据=None,
                法定时限=None,
                承诺时限=None,
                承接来源="省下放",
                需公示="否",
                生效日期=None,
            ),
        ]
    )

    result = import_matters(path, by=sysadmin)

    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    licence = Matter.objects.get(code="JT-XK-001")
    assert licence.name == "道路旅客运输经营许可"
    assert licence.power_type == "行政许可"
    assert licence.basis == "《中华人民共和国道路运输条例》第十条"
    assert (licence.statutory_limit_days, licence.promised_limit_days) == (20, 10)
    assert licence.source == "本级"
    assert licence.notify_commit is True
    assert licence.publicity_required is True
    assert licence.effective_from == dt.date(2023, 1, 1)
    assert licence.repealed_on is None
    penalty = Matter.objects.get(code="JT-CF-002")
    assert penalty.basis == ""
    assert penalty.statutory_limit_days is None
    assert penalty.source == "省下放"
    assert penalty.publicity_required is False
    assert penalty.effective_from is None


def test_imported_matters_get_pinyin_initials(book):
    import_matters(book([matter_row("JT-1", 事项名称="道路运输经营许可")]))

    assert Matter.objects.get(code="JT-1").pinyin_initials == "DLYSJYXK"


def test_empty_承接来源_means_本级(book):
    import_matters(book([matter_row("JT-1", 承接来源=None)]))

    assert Matter.objects.get(code="JT-1").source == "本级"


def test_headers_are_matched_in_any_order_with_spaces_and_extra_columns(book):
    headers = ["  事项名称 ", "备注", "权力类型", " 事项编码"]
    row = {"事项名称": "出租汽车驾驶员从业资格注册", "备注": "忽略我"}
    row |= {"权力类型": "行政许可", "事项编码": "JT-9"}

    result = import_matters(book([row], headers))

    assert result.ok, messages(result)
    assert Matter.objects.get(code="JT-9").name == "出租汽车驾驶员从业资格注册"


def test_successful_import_records_one_import_audit_event(book, sysadmin):
    result = import_matters(book([matter_row("JT-1"), matter_row("JT-2")]), by=sysadmin)

    event = AuditEvent.objects.filter(action="import").get()
    assert event.actor == sysadmin
    assert event.changes == {"created": 2, "updated": 0, "unchanged": 0}
    assert "matters" in event.reason
    per_record = AuditEvent.objects.filter(object_type="jiaotong.matter")
    assert per_record.count() == result.created


# --- All or nothing and error reporting ---------------------------------------------


def test_bad_row_imports_nothing_and_names_its_row_and_column(book):
    path = book(
        [
            matter_row("JT-1"),
            matter_row("JT-2", 权力类型="行政审批"),
            matter_row("JT-3"),
        ]
    )

    result = import_matters(path)

    assert not result.ok
    assert messages(result) == [
        "第3行 权力类型: 应为 行政许可 / 行政处罚 / 行政确认 / 其他行政权力 / 公共服务 之一"
    ]
    assert Matter.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_every_bad_row_is_reported(book):
    path = book(
        [
            matter_row("JT-1", 事项名称=None),
            matter_row("JT-2"),
            matter_row("JT-3", 法定时限="二十", 告知承诺="可能"),
            matter_row("JT-4", 生效日期="2023-02-30"),
            matter_row("JT-5", 承接来源="县下放"),
        ]
    )

    result = import_matters(path)

    assert messages(result) == [
        "第2行 事项名称: 必填，不能为空",
        "第4行 法定时限: 应为整数",
        "第4行 告知承诺: 应填 是/否（或 Y/N、1/0）",
        "第5行 生效日期: 日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]",
        "第6行 承接来源: 应为 本级 / 省下放 / 市下放 之一",
    ]
    assert Matter.objects.count() == 0


def test_a_bad_row_after_good_ones_rolls_back_rows_already_checked(book):
    # 事项名称 longer than the field allows is caught before anything is written.
    path = book([matter_row("JT-1"), matter_row("JT-2", 事项名称="长" * 201)])

    result = import_matters(path)

    assert messages(result) == ["第3行 事项名称: 不能超过200个字符（当前201个）"]
    assert not Matter.objects.exists()


def test_duplicate_key_inside_a_file_is_a_row_error(book):
    path = book([matter_row("JT-1"), matter_row("JT-2"), matter_row("JT-1")])

    result = import_matters(path)

    assert messages(result) == ["第4行 事项编码: 与第2行重复"]
    assert not Matter.objects.exists()


def test_missing_required_column_is_reported_and_nothing_imported(book):
    headers = [h for h in MATTER_HEADERS if h not in ("权力类型", "事项名称")]

    result = import_matters(book([matter_row("JT-1")], headers))

    assert messages(result) == [
        "第1行 事项名称: 缺少必填列",
        "第1行 权力类型: 缺少必填列",
    ]
    assert not Matter.objects.exists()


def test_repeated_header_is_refused(book):
    headers = [*MATTER_HEADERS, "事项名称"]

    result = import_matters(book([matter_row("JT-1")], headers))

    assert messages(result) == ["第1行 事项名称: 列名重复"]


def test_blank_rows_are_skipped_and_row_numbers_stay_spreadsheet_rows(book):
    path = book([matter_row("JT-1"), {}, matter_row("JT-3", 权力类型="未知")])

    result = import_matters(path)

    assert [e.row for e in result.errors] == [4]


def test_a_file_that_is_not_a_workbook_is_one_clear_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("事项编码,事项名称\nJT-1,名称\n", encoding="utf-8")

    result = import_matters(path)

    assert messages(result) == ["第1行 文件: 无法读取，请上传 .xlsx 格式的工作簿"]


def test_a_workbook_without_data_rows_is_an_error(book):
    result = import_matters(book([], MATTER_HEADERS))

    assert messages(result) == ["第1行 文件: 没有数据行（数据应从第2行开始）"]


def test_repealed_before_effective_names_废止日期(book):
    path = book([matter_row("JT-1", 生效日期="2023-05-01", 废止日期="2023-04-30")])

    result = import_matters(path)

    assert messages(result) == ["第2行 废止日期: 不能早于生效日期（2023-05-01）"]


def test_promised_limit_above_statutory_limit_names_承诺时限(book):
    result = import_matters(book([matter_row("JT-1", 法定时限=10, 承诺时限=15)]))

    assert messages(result) == ["第2行 承诺时限: 不能超过法定时限（10个工作日）"]


def test_rule_broken_only_with_the_stored_value_is_reported_against_its_column(book):
    # The workbook has no 法定时限 column: the stored 5 days still bind 承诺时限.
    make_matter("JT-1", statutory_limit_days=5)
    headers = ["事项编码", "事项名称", "权力类型", "承诺时限"]

    result = import_matters(book([matter_row("JT-1", 承诺时限=8)], headers))

    assert messages(result) == ["第2行 承诺时限: 承诺时限不能超过法定时限。"]
    assert Matter.objects.get(code="JT-1").promised_limit_days is None


# --- Idempotency and updates --------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(book, sysadmin):
    code = credit_code("91411422MA0000001")
    matters = book([matter_row("JT-1", 告知承诺="是"), matter_row("JT-2")])
    enterprises = book([enterprise_row(code, 信用等级="C")])
    import_matters(matters, by=sysadmin)
    run_import("enterprises", enterprises, by=sysadmin)
    before = snapshot()
    record_events = AuditEvent.objects.exclude(action="import").count()
    import_events = AuditEvent.objects.filter(action="import").count()

    again = import_matters(matters, by=sysadmin)
    again_enterprises = run_import("enterprises", enterprises, by=sysadmin)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        again_enterprises.created,
        again_enterprises.updated,
        again_enterprises.unchanged,
    ) == (0, 0, 1)
    assert snapshot() == before
    assert AuditEvent.objects.exclude(action="import").count() == record_events
    assert AuditEvent.objects.filter(action="import").count() == import_events + 2


def test_existing_key_updates_the_record_and_audits_changed_fields(book, sysadmin):
    matter = make_matter("JT-1", name="旧名称", power_type="行政许可")

    result = import_matters(
        book([matter_row("JT-1", 事项名称="新名称"), matter_row("JT-2")]), by=sysadmin
    )

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Matter.objects.filter(code="JT-1").count() == 1
    matter.refresh_from_db()
    assert matter.name == "新名称"
    event = AuditEvent.objects.for_object(matter).get()
    assert event.action == "matter_update"
    assert event.changes["name"] == ["旧名称", "新名称"]
    assert event.actor == sysadmin


def test_absent_optional_column_leaves_the_field_alone_but_empty_cell_clears(book):
    make_matter("JT-1", basis="原依据", statutory_limit_days=30)
    headers = ["事项编码", "事项名称", "权力类型", "法定时限"]

    import_matters(book([matter_row("JT-1", 法定时限=None)], headers))

    matter = Matter.objects.get(code="JT-1")
    assert matter.basis == "原依据"  # no 实施依据 column: kept
    assert matter.statutory_limit_days is None  # empty 法定时限 cell: cleared


def test_告知承诺_turning_to_是_records_a_matter_change_dated_today(book):
    make_matter("JT-1", notify_commit=False)

    import_matters(book([matter_row("JT-1", 告知承诺="是")]))

    change = MatterChange.objects.get()
    assert change.matter.code == "JT-1"
    assert change.kind == MatterChange.Kind.NOTIFY_COMMIT
    assert change.effective_on == timezone.localdate()


def test_a_new_matter_with_告知承诺_records_no_matter_change(book):
    import_matters(book([matter_row("JT-1", 告知承诺="是")]))

    assert not MatterChange.objects.exists()


def test_dry_run_reports_counts_and_writes_nothing(book, sysadmin):
    make_matter("JT-1", name="旧名称")
    before = snapshot()
    events = AuditEvent.objects.count()

    result = import_matters(
        book([matter_row("JT-1"), matter_row("JT-2")]), by=sysadmin, dry_run=True
    )

    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert result.summary().startswith("试导入（未写入）")


# --- Cell formats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(2023, 3, 9),
        dt.datetime(2023, 3, 9, 0, 0),
        dt.datetime(2023, 3, 9, 16, 45),
        "2023-03-09",
        "2023/03/09",
        "2023/3/9",
        "2023-03-09 08:30",
        "2023-03-09 08:30:15",
        " 2023-03-09 ",
    ],
    ids=repr,
)
def test_date_columns_accept_excel_cells_and_text_formats(book, cell):
    result = import_matters(book([matter_row("JT-1", 生效日期=cell)]))

    assert result.ok, messages(result)
    assert Matter.objects.get().effective_from == dt.date(2023, 3, 9)


@pytest.mark.parametrize("cell", ["2023.03.09", "09/03/2023", "2023-13-01", "明年"])
def test_unrecognised_dates_are_row_errors(book, cell):
    result = import_matters(book([matter_row("JT-1", 生效日期=cell)]))

    assert [(e.row, e.column) for e in result.errors] == [(2, "生效日期")]


def test_a_date_alone_means_midnight_in_shanghai():
    value = parse_datetime("2023-03-09")

    assert value == dt.datetime(2023, 3, 9, 0, 0, tzinfo=SHANGHAI)
    assert value.utcoffset() == dt.timedelta(hours=8)


def test_a_datetime_cell_is_local_shanghai_time():
    value = parse_datetime(dt.datetime(2023, 3, 9, 16, 45))

    assert value == dt.datetime(2023, 3, 9, 8, 45, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (1.0, True),
    ],
)
def test_yes_no_cells(cell, expected):
    assert parse_bool(cell) is expected


def test_yes_no_columns_read_numeric_cells(book):
    import_matters(book([matter_row("JT-1", 告知承诺=1, 需公示=0)]))

    matter = Matter.objects.get()
    assert (matter.notify_commit, matter.publicity_required) == (True, False)


def test_a_code_typed_as_a_number_is_read_as_text(book):
    import_matters(book([matter_row(11010)]))

    assert Matter.objects.filter(code="11010").exists()


def test_formula_looking_text_is_stored_as_typed(book):
    text = '=HYPERLINK("http://example.com","点击")'
    path = book([matter_row("JT-1", 事项名称=Text(text), 实施依据=Text("+86 依据"))])

    result = import_matters(path)

    assert result.ok, messages(result)
    matter = Matter.objects.get()
    assert matter.name == text
    assert matter.basis == "+86 依据"


def test_a_formula_cell_is_refused_with_its_row_and_column(book):
    result = import_matters(book([matter_row("JT-1", 法定时限="=10+10")]))

    assert messages(result) == [
        "第2行 法定时限: 不接受公式，请将公式转换为数值后再导入"
    ]
    assert not Matter.objects.exists()


# --- Enterprises ------------------------------------------------------------------------


def test_enterprise_rows_are_created_with_a_normalised_credit_code(book):
    code = credit_code("91411422MA0000002")
    path = book([enterprise_row(code.lower(), 信用等级=None)], ENTERPRISE_HEADERS)

    result = run_import("enterprises", path, by=None)

    assert result.ok, messages(result)
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == code
    assert enterprise.name == "睢县顺达出租汽车有限公司"
    assert enterprise.industry == "出租汽车"
    assert enterprise.town == "城关镇"
    assert enterprise.credit_grade == "B"  # empty = B
    assert (enterprise.contact, enterprise.phone) == ("王经理", "13800138000")
    assert enterprise.address == "睢县北湖路1号"
    assert not CreditGradeChange.objects.exists()


def test_a_wrong_credit_code_check_character_is_a_row_error(book):
    good = credit_code("91411422MA0000003")
    path = book([enterprise_row(good), enterprise_row(wrong_check_char(good))])

    result = run_import("enterprises", path, by=None)

    assert messages(result) == ["第3行 统一社会信用代码: 统一社会信用代码校验位错误。"]
    assert not Enterprise.objects.exists()


def test_credit_codes_differing_only_in_case_are_duplicates(book):
    code = credit_code("91411422MA00000A4")
    path = book([enterprise_row(code), enterprise_row(code.lower())])

    result = run_import("enterprises", path, by=None)

    assert messages(result) == ["第3行 统一社会信用代码: 与第2行重复"]


def test_unknown_industry_and_grade_are_row_errors(book):
    code = credit_code("91411422MA0000005")
    path = book([enterprise_row(code, 行业类别="网约车", 信用等级="E")])

    result = run_import("enterprises", path, by=None)

    assert [e.column for e in result.errors] == ["行业类别", "信用等级"]


def test_grade_change_through_import_records_a_credit_grade_change(book, sysadmin):
    enterprise = make_enterprise(credit_grade="B")
    path = book([enterprise_row(enterprise.credit_code, 信用等级="D")])

    result = run_import("enterprises", path, by=sysadmin)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    change = CreditGradeChange.objects.get()
    assert change.enterprise == enterprise
    assert (change.from_grade, change.to_grade) == ("B", "D")
    assert change.cause == CreditGradeChange.Cause.IMPORT
    assert change.changed_on == timezone.localdate()
    enterprise.refresh_from_db()
    assert enterprise.credit_grade == "D"


def test_pinyin_helper_keeps_latin_and_digits():
    assert pinyin_initials("12328热线") == "12328RX"
