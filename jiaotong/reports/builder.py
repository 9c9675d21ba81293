"""The year-end workbook (年度指标汇总): every registered indicator, then the
records behind the figures.

The first worksheet, ``指标汇总``, holds one row per indicator in catalog order
under ``指标代码 | 指标 | 数值 | 单位 | 口径说明`` (spec/indicators.md).  Further
worksheets come from the ``report_sheets(year, org)`` hook of each indicators
module (see jiaotong.metrics.registry), in INSTALLED_APPS order.

XlsxWriter in constant-memory mode writes each row to disk as soon as the next
one starts, so memory stays flat however many rows the hooks stream
(QUALITY.md); the rows themselves come from ``.iterator(chunk_size=…)``.  The
writer is the cost of a large workbook, so a record value costs one type check
and one write call: formats are created once per workbook, never per cell, and
only the cells that need one (dates, amounts) carry a format.  Text is always
written as text: a value such as ``=HYPERLINK(..)`` from a record never becomes a
live formula, a number or a link.  The management command and the Celery task
both call ``write_year_report``; ``year_report_start``
(jiaotong.reports.services) queues the background build for the web page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import chain, islice

import xlsxwriter
from django.conf import settings
from django.utils import timezone

from jiaotong.accounts.models import OrgUnit
from jiaotong.dates import local_wall_time
from jiaotong.jobs.models import ExportJob
from jiaotong.metrics.registry import (
    catalog,
    compute_all,
    indicator_modules,
    registered,
)
from jiaotong.validators import mask_personal_numbers

SUMMARY_TITLE = "指标汇总"
SUMMARY_HEADERS = ["指标代码", "指标", "数值", "单位", "口径说明"]
SUMMARY_WIDTHS = [30, 34, 12, 8, 90]
CHECKS_TITLE = "数据检查"
YEAR_REPORT_KIND = "year_report"

# Every workbook of the bureau: rows streamed to disk, and text never read as a
# formula, a number or a link (XlsxWriter's write() would, by default, for "=…").
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    # A worksheet of a million wide rows can pass 2 GiB of XML before zipping;
    # ZIP64 records are written only where a member needs them.
    "use_zip64": True,
}

Progress = Callable[[int], None]
Sheet = tuple[str, list[str], Iterable[tuple]]

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Control characters are not allowed in xlsx text (openpyxl's ILLEGAL_CHARACTERS_RE;
# XlsxWriter would write them as _xHHHH_ escapes): they are dropped.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
# Text that may need cleaning: a control character, or a run of 11 digits (every
# mobile and every ID number has one; see mask_personal_numbers).  Most record
# text has neither and is written as it is.
_NEEDS_CLEANING = re.compile(r"[\000-\010\013\014\016-\037]|[0-9]{11}")
_BORDER = {"border": 1, "border_color": "#A6A6A6"}
_HEADER_FILL = "#DCE6F1"
_SECTION_FILL = "#F2F2F2"
# Record sheets: widths guessed from the header and the first rows.
_SAMPLE_ROWS = 200
_MAX_WIDTH = 50
# Excel's rows a worksheet, the header row included.
MAX_SHEET_ROWS = 1_048_576
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DATE_FORMAT = "yyyy-mm-dd"
_MONEY_FORMAT = "#,##0.00"
_A4 = 9  # XlsxWriter's paper code


def write_year_report(
    year: int, org, path_or_stream, progress: Progress | None = None, by=None
) -> None:
    """Write the workbook for ``year`` (``org`` and its sub-units, None = the whole
    bureau) to a path or a binary stream.  ``progress(percent)`` is called as
    indicators and sheets are done (0..100); ``by`` is named as 生成人.

    A closed year (whole bureau) is written with its frozen values, so the
    published figures never change silently; the differences of the records
    since closing, and every failed consistency check, go on ``数据检查``."""
    from jiaotong.dashboard.checks import consistency_problems
    from jiaotong.dashboard.models import YearClosing

    report = progress or (lambda percent: None)
    indicators = registered()
    sheets = list(_record_sheets(year, org))
    steps = max(1, len(indicators) + len(sheets) + 1)
    done = 0

    values = {}
    # compute_all, as the dashboard reads the figures (one place to make fast).
    for ind, value in compute_all(year, org):
        values[ind.code] = value
        done += 1
        report(done * 100 // steps)
    closing = (
        YearClosing.objects.filter(year=year, is_closed=True).first()
        if org is None
        else None
    )
    published = values
    differences = []
    if closing is not None:
        published = {
            code: _thaw(closing.values.get(code), values.get(code)) for code in values
        }
        differences = [
            code for code in values if published.get(code) != values.get(code)
        ]
    problems = consistency_problems(year, org, values)

    if isinstance(path_or_stream, os.PathLike):
        path_or_stream = os.fspath(path_or_stream)
    workbook = xlsxwriter.Workbook(path_or_stream, WORKBOOK_OPTIONS)
    formats = _Formats(workbook)
    summary = workbook.add_worksheet(SUMMARY_TITLE)
    _write_summary(summary, formats, year, org, by, indicators, published, closing)
    checks = workbook.add_worksheet(CHECKS_TITLE)
    _write_checks(checks, formats, year, org, problems, differences, published, values)

    used_titles = {SUMMARY_TITLE.casefold(), CHECKS_TITLE.casefold()}
    for title, headers, rows in sheets:
        _write_records(workbook, formats, title, used_titles, year, org, headers, rows)
        done += 1
        report(done * 100 // steps)

    workbook.close()
    report(100)


class _Formats:
    """The workbook's cell formats, each created once (XlsxWriter keeps one
    entry per format object; a format per cell would bloat styles.xml)."""

    def __init__(self, workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.label = add({"bold": True})
        self.left = add({"align": "left"})
        self.generated = add({"num_format": _DATETIME_FORMAT, "align": "left"})
        self.header = add(
            {
                "bold": True,
                "bg_color": _HEADER_FILL,
                "align": "center",
                "valign": "vcenter",
                **_BORDER,
            }
        )
        self.section = add({"bg_color": _SECTION_FILL, **_BORDER})
        self.section_title = add({"bold": True, "bg_color": _SECTION_FILL, **_BORDER})
        self.boxed = add({"valign": "top", **_BORDER})
        self.wrapped = add({"text_wrap": True, "valign": "top", **_BORDER})
        # 数值: rates one decimal, money two, counts none; right-aligned.
        self.values = {
            unit: add(
                {"num_format": number_format, "align": "right", "valign": "top"}
                | _BORDER
            )
            for unit, number_format in (("%", "0.0"), ("元", "#,##0.00"), ("", "#,##0"))
        }
        # Record sheets: plain cells, except dates, datetimes and amounts.
        self.datetime = add({"num_format": _DATETIME_FORMAT})
        self.date = add({"num_format": _DATE_FORMAT})
        self.money = add({"num_format": _MONEY_FORMAT})

    def value(self, unit: str):
        return self.values.get(unit, self.values[""])


def _thaw(frozen: str | None, current):
    """A frozen value back in the type of the current one (text in the JSON)."""
    if frozen is None:
        return None
    if isinstance(current, Decimal) or "." in frozen:
        return Decimal(frozen)
    return int(frozen)


def _unit_name(org) -> str:
    return org.name if org else f"{settings.JIAOTONG_COUNTY_NAME}交通运输局（全局）"


def _print_setup(sheet, header_row: int, title: str, sheet_name=False) -> None:
    """A4 landscape, one page wide, the header row (0-based) repeated on every
    page, the title (and the sheet's name) in the page header and 第 n 页，共 m 页
    in the footer."""
    sheet.set_paper(_A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4)
    # "&" starts a code in page headers (&A: the sheet's name); a literal one
    # is doubled.
    sheet.set_header("&C" + title.replace("&", "&&") + (" &A" if sheet_name else ""))
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _write_summary(sheet, formats, year, org, by, indicators, values, closing):
    """Title block (单位, 年度, 生成时间, 生成人) above the spec's header row;
    a section row (empty 指标代码) before each group of the catalog."""
    header_row = 4  # row 5 in Excel
    for i, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(i, i, width)
    sheet.freeze_panes(header_row + 1, 0)
    title = f"{_unit_name(org)}{year}年度指标汇总"
    _print_setup(sheet, header_row, title)

    _write_cell(sheet, 0, 0, title, formats.title)
    _write_cell(sheet, 1, 0, "单位", formats.label)
    _write_cell(sheet, 1, 1, _unit_name(org))
    _write_cell(sheet, 1, 2, "年度", formats.label)
    _write_cell(sheet, 1, 3, year, formats.left)
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    by_name = (by.display_name if by is not None else "") or "系统（命令行）"
    _write_cell(sheet, 2, 0, "生成时间", formats.label)
    _write_cell(sheet, 2, 1, now, formats.generated)
    _write_cell(sheet, 2, 2, "生成人", formats.label)
    _write_cell(sheet, 2, 3, by_name)
    if closing is not None:
        note = (
            f"本年度已于{timezone.localtime(closing.closed_at):%Y-%m-%d %H:%M}"
            f"由{closing.closed_by.display_name}关账，数值为关账时冻结的数值。"
        )
        _write_cell(sheet, 3, 1, note)
    _write_header(sheet, formats, header_row, SUMMARY_HEADERS)

    row = header_row
    section = None
    for ind in indicators:
        if ind.section_zh != section:
            section = ind.section_zh
            row += 1
            for col in range(len(SUMMARY_HEADERS)):
                sheet.write_blank(row, col, None, formats.section)
            _write_cell(sheet, row, 1, section, formats.section_title)
        row += 1
        _write_cell(sheet, row, 0, ind.code, formats.boxed)
        _write_cell(sheet, row, 1, ind.display_label, formats.boxed)
        _write_cell(sheet, row, 2, values.get(ind.code), formats.value(ind.unit))
        _write_cell(sheet, row, 3, ind.unit, formats.boxed)
        _write_cell(sheet, row, 4, ind.definition_zh, formats.wrapped)
    sheet.autofilter(header_row, 0, row, len(SUMMARY_HEADERS) - 1)


def _write_checks(sheet, formats, year, org, problems, differences, published, values):
    """The consistency checks and closed-year differences, never silent: a row
    per problem, or one row saying every check passed."""
    headers = ["检查类别", "指标代码", "指标", "说明"]
    for i, width in enumerate([12, 30, 34, 90]):
        sheet.set_column(i, i, width)
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, 0, f"{_unit_name(org)}{year}年度数据检查")
    _write_header(sheet, formats, 0, headers)
    labels = {code: entry["display_label"] for code, entry in catalog().items()}
    rows = [(p.kind, p.code, labels.get(p.code, ""), p.message) for p in problems]
    rows += [
        (
            "关账后变化",
            code,
            labels.get(code, ""),
            f"关账数值{published.get(code)}，按当前记录为{values.get(code)}"
            "（本表仍报关账数值）。",
        )
        for code in differences
    ]
    if not rows:
        rows = [("通过", "", "", "各项一致性检查均通过。")]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _write_cell(sheet, r, c, value, formats.wrapped)
    sheet.autofilter(0, 0, len(rows), len(headers) - 1)


def _write_records(workbook, formats, title, used_titles, year, org, headers, rows):
    """A record sheet: header row 1, frozen, filtered, columns sized to the
    header and the first rows, dates as dates; plain cells where no format is
    needed (the writer, not the database, is the cost of a large workbook).

    Past Excel's 1,048,576 rows a sheet the records go on in a sheet of the
    same header, ``热线工单(2)`` and so on (XlsxWriter would silently drop them)."""
    rows = iter(rows)
    sample = list(islice(rows, _SAMPLE_ROWS))
    widths = [_text_width(h) + 2 for h in headers]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _value_width(value))
    rows = chain(sample, rows)
    while True:
        sheet = workbook.add_worksheet(_unique_title(title, used_titles))
        for i, width in enumerate(widths):
            sheet.set_column(i, i, min(width, _MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        _print_setup(sheet, 0, f"{_unit_name(org)}{year}年度", sheet_name=True)
        _write_header(sheet, formats, 0, headers)
        page = islice(rows, MAX_SHEET_ROWS - 1)
        count = _write_rows(sheet, formats, page, first_row=1)
        sheet.autofilter(0, 0, count, len(headers) - 1)
        following = next(rows, None)
        if following is None:
            return
        rows = chain((following,), rows)


def _write_rows(sheet, formats, rows: Iterable[tuple], first_row: int) -> int:
    """Write record rows from ``first_row`` on; returns how many were written.

    The hot loop of a large workbook (millions of cells): one type check per
    value, then XlsxWriter's undecorated writer (its public ``write_*`` methods
    only add A1-notation parsing to these).  Text is cleaned only where it may
    hold a control character or a personal number; aware datetimes become local
    wall time; a type without a cell of its own is written as its text."""
    write_string = sheet._write_string
    write_number = sheet._write_number
    write_datetime = sheet._write_datetime
    needs_cleaning = _NEEDS_CLEANING.search
    datetime_format, date_format = formats.datetime, formats.date
    money_format = formats.money
    r = first_row - 1
    for r, row in enumerate(rows, start=first_row):  # noqa: B007 (count below)
        for c, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if not value:
                    continue  # an empty cell, as XlsxWriter's write() leaves it
                if needs_cleaning(value):
                    value = _clean_text(value)
                write_string(r, c, value)
            elif value is None:
                continue
            elif kind is int or kind is float:
                write_number(r, c, value)
            elif kind is dt.datetime:
                if value.tzinfo is not None:
                    value = local_wall_time(value)
                write_datetime(r, c, value, datetime_format)
            elif kind is dt.date:
                write_datetime(r, c, value, date_format)
            elif kind is Decimal:
                write_number(r, c, float(value), money_format)
            else:
                _write_cell(sheet, r, c, value, _record_format(formats, value))
    return r - first_row + 1


def _record_format(formats, value):
    """The record-cell format of a value of a rarer type (subclasses)."""
    if isinstance(value, dt.datetime):
        return formats.datetime
    if isinstance(value, dt.date):
        return formats.date
    if isinstance(value, Decimal):
        return formats.money
    return None


def _write_header(sheet, formats, row: int, headers: list[str]) -> None:
    for col, header in enumerate(headers):
        _write_cell(sheet, row, col, header, formats.header)


def _write_cell(sheet, row: int, col: int, value, cell_format=None) -> None:
    """One cell: numbers as numbers, text always as text (never a formula, a
    number or a link), datetimes in local wall time, an empty value as an empty
    cell that keeps its format."""
    value = cell_value(value)
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, cell_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)


def cell_value(value):
    """What a cell holds for a Python value: None (empty), a number (int or
    float), a naive date or datetime (Excel has no time zones: the local,
    Asia/Shanghai, wall time), or text, cleaned of control characters and with
    ID and mobile numbers masked (PIPL).  是/否 for booleans."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        # Rates are Decimal('88.7'): a number cell holding 88.7.
        return float(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return local_wall_time(value)
        return value
    if isinstance(value, dt.date):
        return value
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    # PIPL: ID and mobile numbers typed into free text are masked in exports.
    return mask_personal_numbers(_ILLEGAL_CHARACTERS.sub("", text))


def _text_width(text: str) -> int:
    """Display width in Excel's character units: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _value_width(value) -> int:
    if isinstance(value, dt.datetime):
        return 18
    if isinstance(value, dt.date):
        return 12
    if value is None:
        return 0
    return _text_width(str(value)) + 2


def build_year_report(job: ExportJob, stream, progress: Progress) -> None:
    """The ExportJob builder for YEAR_REPORT_KIND (see jiaotong.jobs.services)."""
    org_code = job.params.get("org")
    org = OrgUnit.objects.get(code=org_code) if org_code else None
    write_year_report(
        int(job.params["year"]), org, stream, progress=progress, by=job.requested_by
    )


def year_report_title(year: int, org) -> str:
    return f"{year}年度指标汇总（{org.name if org else '全局'}）"


def year_report_filename(year: int, org) -> str:
    return f"{year}年度指标汇总_{org.code if org else '全局'}.xlsx"


def _record_sheets(year: int, org) -> Iterable[Sheet]:
    for module in indicator_modules():
        hook = getattr(module, "report_sheets", None)
        if hook is not None:
            yield from hook(year, org)


def _unique_title(title: str, used: set[str]) -> str:
    """Excel sheet titles: at most 31 characters, none of []:*?/\\, not starting
    or ending with an apostrophe, unique regardless of case (``used`` holds the
    titles taken, case-folded)."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    candidate = base[:31].rstrip("'")
    n = 2
    while candidate.casefold() in used:
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate
