"""The year-end workbook at scale (issue 14): records past what one worksheet
holds are never dropped."""

import pytest
from openpyxl import load_workbook

from jiaotong.reports import builder
from jiaotong.reports.builder import write_year_report
from tests.factories import make_matter, make_unit

pytestmark = pytest.mark.django_db


def test_records_past_a_sheets_row_limit_go_on_in_a_sheet_of_the_same_header(
    tmp_path, monkeypatch
):
    # Excel's limit is 1,048,576 rows a sheet; four (a header and three records)
    # stand for it here.
    monkeypatch.setattr(builder, "MAX_SHEET_ROWS", 4)
    window = make_unit("B01", "行政审批股", kind="bureau")
    codes = [f"L{n}" for n in range(1, 8)]
    for code in codes:
        make_matter(code, power_type="行政许可", unit=window)
    path = tmp_path / "report.xlsx"
    write_year_report(2023, None, path)

    book = load_workbook(path)
    names = book.sheetnames
    first = names.index("权责清单")
    assert names[first : first + 4] == [
        "权责清单",
        "权责清单(2)",
        "权责清单(3)",
        "裁量基准",
    ]
    listed = []
    for name, count in (("权责清单", 3), ("权责清单(2)", 3), ("权责清单(3)", 1)):
        sheet = book[name]
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert header[:3] == ("事项编码", "事项名称", "权力类型"), name
        assert len(rows) == count, name
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:I{count + 1}", name
        assert sheet.print_title_rows == "$1:$1", name
        listed += [row[0] for row in rows]
    assert listed == codes  # every record once, in the sheet's order
