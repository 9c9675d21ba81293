"""The year-end workbook: written by jiaotong.reports.builder, read back with openpyxl."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from jiaotong.metrics.registry import compute, registered
from jiaotong.models import AuditEvent
from jiaotong.reports.builder import (
    SUMMARY_HEADERS,
    SUMMARY_TITLE,
    WORKBOOK_OPTIONS,
    _Formats,
    _record_sheets,
    _unique_title,
    _write_cell,
    _write_records,
    cell_value,
    write_year_report,
)
from tests.factories import make_matter, make_unit

D = dt.date
DANGEROUS = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-3", "@SUM(A1)"]


@pytest.fixture
def records(db):
    bureau = make_unit("B", "睢县交通运输局", kind="bureau")
    brigade = make_unit("B10", "执法大队", kind="brigade", parent=bureau)
    window = make_unit("B01", "行政审批股", parent=bureau)
    make_matter("P1", power_type="行政处罚", unit=brigade)
    make_matter("L1", power_type="行政许可", unit=window)
    make_matter("L2", power_type="行政许可", unit=window, repealed_on=D(2023, 3, 1))
    for n, name in enumerate(DANGEROUS, start=1):
        make_matter(f"X{n}", name=name, power_type="公共服务", unit=window)
    return {"bureau": bureau, "brigade": brigade, "window": window}


def _write(tmp_path, year=2023, org=None, **kwargs):
    path = tmp_path / "report.xlsx"
    write_year_report(year, org, path, **kwargs)
    return path


HEADER_ROW = 5


def _summary_rows(sheet):
    """The rows under the header, section rows (empty 指标代码) left out."""
    rows = sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [row for row in rows if row[0]]


def test_first_sheet_is_the_summary_with_the_catalog_header(records, tmp_path):
    book = load_workbook(_write(tmp_path))
    assert book.sheetnames[0] == SUMMARY_TITLE == "指标汇总"
    sheet = book[SUMMARY_TITLE]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == SUMMARY_HEADERS == ["指标代码", "指标", "数值", "单位", "口径说明"]


def test_summary_has_a_title_block_and_section_rows(records, tmp_path):
    from tests.factories import make_user

    by = make_user("reporter", full_name="王主任")
    path = tmp_path / "r.xlsx"
    write_year_report(2023, None, path, by=by)
    sheet = load_workbook(path)[SUMMARY_TITLE]
    assert sheet["A1"].value.endswith("2023年度指标汇总")
    assert (sheet["A2"].value, sheet["C2"].value, sheet["D2"].value) == (
        "单位",
        "年度",
        2023,
    )
    assert (sheet["A3"].value, sheet["C3"].value, sheet["D3"].value) == (
        "生成时间",
        "生成人",
        "王主任",
    )
    assert isinstance(sheet["B3"].value, dt.datetime)
    sections = [
        row[1]
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
        if row[0] is None
    ]
    assert sections[0] == "窗口办件与权责清单"
    assert len(sections) == len({ind.section_zh for ind in registered()})


def test_summary_is_fit_to_hand_in(records, tmp_path):
    book = load_workbook(_write(tmp_path))
    sheet = book[SUMMARY_TITLE]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:E")
    assert sheet.column_dimensions["E"].width >= 60
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    by_code = {
        row[0].value: row
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if row[0].value
    }
    rate, count = by_code["window.coverage"][2], by_code["powers.total"][2]
    assert rate.number_format == "0.0" and count.number_format == "#,##0"
    assert rate.alignment.horizontal == count.alignment.horizontal == "right"
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        assert sheet.auto_filter.ref, sheet.title
        assert sheet.column_dimensions["A"].width, sheet.title
        assert sheet.page_setup.orientation == "landscape", sheet.title


def test_summary_speaks_chinese_and_repeated_names_are_told_apart(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))[SUMMARY_TITLE]
    rows = {row[0]: row for row in _summary_rows(sheet)}
    for code, _label, _value, _unit, definition in rows.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in definition), code
        assert not definition.startswith(("applications", "tickets", "power")), code
    labels = [row[1] for row in rows.values()]
    assert len(labels) == len(set(labels))
    assert rows["window.on_time_rate"][1] == "按时办结率（窗口）"
    assert rows["hotline.on_time_rate"][1] == "按时办结率（热线）"
    assert "条目" in rows["powers.benchmarked_penalties"][1]


def test_record_sheets_write_dates_as_dates(records, tmp_path):
    make_matter("D1", power_type="行政许可", effective_from=D(2022, 7, 1))
    sheet = load_workbook(_write(tmp_path))["权责清单"]
    header = [c.value for c in sheet[1]]
    column = header.index("生效日期")
    cells = [row[column] for row in sheet.iter_rows(min_row=2) if row[column].value]
    assert cells and all(c.is_date for c in cells)
    assert sheet.column_dimensions["B"].width >= 8


def test_a_closed_year_is_written_with_its_frozen_values(records, tmp_path):
    from jiaotong.dashboard.services import year_close
    from tests.factories import make_user

    admin = make_user("closer")
    year_close(year=2023, by=admin)
    make_matter("P9", power_type="行政处罚", unit=records["brigade"])
    book = load_workbook(_write(tmp_path))
    values = {row[0]: row[2] for row in _summary_rows(book[SUMMARY_TITLE])}
    assert values["powers.penalty"] == 1  # frozen, though the register now has 2
    checks = [row for row in book["数据检查"].iter_rows(min_row=2, values_only=True)]
    assert ("关账后变化", "powers.penalty") in {(r[0], r[1]) for r in checks}


def test_checks_sheet_lists_failures_never_silently(records, tmp_path):
    book = load_workbook(_write(tmp_path))
    assert book.sheetnames[1] == "数据检查"
    rows = list(book["数据检查"].iter_rows(min_row=2, values_only=True))
    assert rows  # at least the not-yet-implemented flags or a "passed" row


def test_summary_has_one_row_per_indicator_in_catalog_order(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))[SUMMARY_TITLE]
    rows = _summary_rows(sheet)
    assert [row[0] for row in rows] == [ind.code for ind in registered()]
    for (_code, label, _value, unit, definition), ind in zip(
        rows, registered(), strict=True
    ):
        assert (label, unit, definition) == (
            ind.display_label,
            ind.unit,
            ind.definition_zh,
        )


def test_summary_values_are_numbers_or_empty(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))[SUMMARY_TITLE]
    for code, _, value, *_ in _summary_rows(sheet):
        expected = compute(code, 2023)
        if expected is None:
            assert value is None, code  # an undefined rate is an empty cell
        elif isinstance(expected, Decimal):
            # 88.7 stays 88.7; a whole 0.0 reads back from the file as 0
            assert isinstance(value, int | float) and value == float(expected), code
        else:
            assert isinstance(value, int) and value == expected, code
    values = {row[0]: row[2] for row in _summary_rows(sheet)}
    assert values["powers.total"] == 2  # P1 and L1 (L2 repealed, X* are services)


@pytest.mark.parametrize(
    ("value", "stored", "data_type"),
    [
        (Decimal("88.7"), 88.7, "n"),
        (Decimal("100.0"), 100, "n"),
        (2370, 2370, "n"),
        (None, None, "n"),
        ("=1+1", "=1+1", "s"),
        ("@A1", "@A1", "s"),
        ("0123", "0123", "s"),  # text that looks like a number stays text
        ("http://evil.example", "http://evil.example", "s"),  # not a link
        (True, "是", "s"),
        ("a\x07b", "ab", "s"),  # control characters are not allowed in xlsx
        ("电话13812345678", "电话138****5678", "s"),  # PIPL: masked in exports
    ],
)
def test_cell_conversion(tmp_path, value, stored, data_type):
    path = tmp_path / "cells.xlsx"
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("x")
    _write_cell(sheet, 0, 0, value)
    workbook.close()
    cell = load_workbook(path)["x"]["A1"]
    assert cell.value == stored
    assert cell.data_type == data_type
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
        assert "xl/worksheets/_rels/sheet1.xml.rels" not in archive.namelist()


def test_aware_datetimes_are_written_as_local_wall_time():
    utc_noon = dt.datetime(2023, 5, 1, 4, 0, tzinfo=dt.UTC)
    assert cell_value(utc_noon) == dt.datetime(2023, 5, 1, 12, 0)


class Label(str):
    """A str subclass, as Django's lazy and safe strings are."""


def test_record_values_of_every_kind(tmp_path):
    path = tmp_path / "records.xlsx"
    workbook = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    formats = _Formats(workbook)
    used = set()
    row = (
        "张三",
        "",
        "=SUM(A1)",
        "备注：身份证410422199001011234，手机13812345678\x07",
        2370,
        1.5,
        Decimal("1234.5"),
        True,
        dt.datetime(2023, 5, 1, 4, 0, tzinfo=dt.UTC),
        dt.date(2023, 5, 1),
        None,
        Label("准予"),
        ["警告"],
    )
    headers = [f"列{n}" for n in range(len(row))]
    _write_records(workbook, formats, "记录", used, 2023, None, headers, [row] * 3)
    workbook.close()

    sheet = load_workbook(path)["记录"]
    assert sheet.max_row == 4
    cells = sheet[2]
    values = [cell.value for cell in cells]
    assert values == [
        "张三",
        None,
        "=SUM(A1)",
        "备注：身份证410422********1234，手机138****5678",
        2370,
        1.5,
        1234.5,
        "是",
        dt.datetime(2023, 5, 1, 12, 0),
        dt.datetime(2023, 5, 1),
        None,
        "准予",
        "['警告']",
    ]
    assert cells[2].data_type == "s"
    assert cells[6].number_format == "#,##0.00"
    assert cells[8].number_format == "yyyy-mm-dd hh:mm"
    assert cells[9].number_format == "yyyy-mm-dd"
    assert cells[4].number_format == "General"


def test_text_that_looks_like_a_formula_stays_text(records, tmp_path):
    path = _write(tmp_path)
    sheet = load_workbook(path)["权责清单"]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(DANGEROUS) <= names
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            assert b"<f>" not in archive.read(name), name


def test_power_list_sheet_lists_the_matters_in_force(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))["权责清单"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("事项编码", "事项名称", "权力类型")
    # the list's order of power types (许可, 处罚, …, 公共服务), then code;
    # L2 was repealed in March
    assert [row[0] for row in rows] == ["L1", "P1", "X1", "X2", "X3", "X4"]
    assert "L2" not in {row[0] for row in rows}


def test_org_narrows_figures_and_records_to_its_subtree(records, tmp_path):
    book = load_workbook(_write(tmp_path, org=records["brigade"]))
    values = {row[0]: row[2] for row in _summary_rows(book[SUMMARY_TITLE])}
    assert values["powers.total"] == 1  # P1 only
    codes = [row[0] for row in book["权责清单"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["P1"]


def test_progress_rises_to_100(records, tmp_path):
    seen = []
    _write(tmp_path, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 100
    # one step per indicator, one per record sheet of every installed app, and
    # the final 100 once the file is saved
    sheets = len(list(_record_sheets(2023, None)))
    assert sheets >= 5  # jiaotong 3, licensing 1, hotline 1, and any newer app's
    assert len(seen) == len(registered()) + sheets + 1


def test_sheet_titles_are_valid_and_unique():
    used = {"指标汇总"}
    assert _unique_title("指标汇总", used) == "指标汇总(2)"
    assert _unique_title("a/b:c", used) == "a_b_c"
    long = _unique_title("长" * 40, used)
    assert len(long) == 31
    assert len(_unique_title("长" * 40, used)) == 31
    assert len(used) == 5


def test_command_writes_the_workbook_and_audits(records, tmp_path):
    path = tmp_path / "2023.xlsx"
    call_command("export_year_report", "2023", "--output", str(path))
    book = load_workbook(path)
    assert book.sheetnames[0] == "指标汇总"
    assert not (tmp_path / "2023.xlsx.part").exists()
    event = AuditEvent.objects.filter(action="export").get()
    assert event.changes["year"] == 2023


def test_command_with_org(records, tmp_path):
    path = tmp_path / "b10.xlsx"
    call_command("export_year_report", "2023", "--output", str(path), "--org", "B10")
    codes = [
        row[0]
        for row in load_workbook(path)["权责清单"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert codes == ["P1"]


def test_command_refuses_an_unknown_org(records, tmp_path):
    with pytest.raises(CommandError, match="单位编码不存在"):
        call_command(
            "export_year_report",
            "2023",
            "--output",
            str(tmp_path / "x.xlsx"),
            "--org",
            "NOPE",
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_command_refuses_a_missing_directory(records, tmp_path):
    with pytest.raises(CommandError, match="输出目录不存在"):
        call_command(
            "export_year_report", "2023", "--output", str(tmp_path / "no" / "x.xlsx")
        )
