"""export_year_report 2023 on the demo gives every governance figure of the
catalog, and the records behind them as worksheets."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from governance import demo as governance_demo
from jiaotong import demo as jiaotong_demo

from .test_demo import _figures

pytestmark = pytest.mark.django_db


def test_year_report_holds_every_governance_figure(tmp_path):
    jiaotong_demo.load(stdout=io.StringIO())
    governance_demo.load(stdout=io.StringIO())
    path = tmp_path / "gov.xlsx"
    call_command(
        "export_year_report", "2023", "--output", str(path), stdout=io.StringIO()
    )

    book = load_workbook(path, read_only=True)
    values = {
        row[0]: row[2]
        for row in book["指标汇总"].iter_rows(values_only=True)
        if len(row) >= 5 and row[0] and "." in str(row[0])  # indicator rows only
    }
    figures = _figures()
    assert {code: values.get(code) for code in figures} == figures

    trainings = list(book["执法人员培训"].iter_rows(min_row=2, values_only=True))
    assert len(trainings) == 6
    assert sum(row[3] for row in trainings) == 207
    suggestions = list(book["建议提案"].iter_rows(min_row=2, values_only=True))
    assert len(suggestions) == 21
