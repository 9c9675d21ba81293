"""The year-end workbook: written by jiaotong.reports.builder, read back with openpyxl."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from jiaotong.metrics.registry import compute, registered
from jiaotong.models import AuditEvent
from jiaotong.reports.builder import (
    SUMMARY_HEADERS,
    SUMMARY_TITLE,
    _cell,
    _unique_title,
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


def test_first_sheet_is_the_summary_with_the_catalog_header(records, tmp_path):
    book = load_workbook(_write(tmp_path))
    assert book.sheetnames[0] == SUMMARY_TITLE == "指标汇总"
    header = [c.value for c in next(book[SUMMARY_TITLE].iter_rows(max_row=1))]
    assert header == SUMMARY_HEADERS == ["指标代码", "指标", "数值", "单位", "口径说明"]


def test_summary_has_one_row_per_indicator_in_catalog_order(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))[SUMMARY_TITLE]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [ind.code for ind in registered()]
    for (_code, label, _value, unit, definition), ind in zip(
        rows, registered(), strict=True
    ):
        assert (label, unit, definition) == (ind.label, ind.unit, ind.definition)


def test_summary_values_are_numbers_or_empty(records, tmp_path):
    sheet = load_workbook(_write(tmp_path))[SUMMARY_TITLE]
    for code, _, value, *_ in sheet.iter_rows(min_row=2, values_only=True):
        expected = compute(code, 2023)
        if expected is None:
            assert value is None, code  # an undefined rate is an empty cell
        elif isinstance(expected, Decimal):
            # 88.7 stays 88.7; a whole 0.0 reads back from the file as 0
            assert isinstance(value, int | float) and value == float(expected), code
        else:
            assert isinstance(value, int) and value == expected, code
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["powers.total"] == 2  # P1 and L1 (L2 repealed, X* are services)


@pytest.mark.parametrize(
    ("value", "stored", "data_type"),
    [
        (Decimal("88.7"), 88.7, "n"),
        (Decimal("100.0"), 100.0, "n"),
        (2370, 2370, "n"),
        (None, None, "n"),
        ("=1+1", "=1+1", "s"),
        ("@A1", "@A1", "s"),
        (True, "是", "s"),
        ("a\x07b", "ab", "s"),  # control characters are not allowed in xlsx
    ],
)
def test_cell_conversion(value, stored, data_type):
    sheet = Workbook(write_only=True).create_sheet("x")
    cell = _cell(sheet, value)
    assert cell.value == stored
    assert cell.data_type == data_type


def test_aware_datetimes_are_written_as_local_wall_time():
    sheet = Workbook(write_only=True).create_sheet("x")
    utc_noon = dt.datetime(2023, 5, 1, 4, 0, tzinfo=dt.UTC)
    assert _cell(sheet, utc_noon).value == dt.datetime(2023, 5, 1, 12, 0)


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
    values = {
        row[0]: row[2]
        for row in book[SUMMARY_TITLE].iter_rows(min_row=2, values_only=True)
    }
    assert values["powers.total"] == 1  # P1 only
    codes = [row[0] for row in book["权责清单"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["P1"]


def test_progress_rises_to_100(records, tmp_path):
    seen = []
    _write(tmp_path, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 100
    # one step per indicator, one per record sheet
    # (jiaotong 3, licensing 1, enforcement 1, hotline 1)
    assert len(seen) == len(registered()) + 6


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
