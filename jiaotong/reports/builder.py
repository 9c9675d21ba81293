"""The year-end workbook (年度指标汇总): every registered indicator, then the
records behind the figures.

The first worksheet, ``指标汇总``, holds one row per indicator in catalog order
under ``指标代码 | 指标 | 数值 | 单位 | 口径说明`` (spec/indicators.md).  Further
worksheets come from the ``report_sheets(year, org)`` hook of each indicators
module (see jiaotong.metrics.registry), in INSTALLED_APPS order.

openpyxl write-only mode keeps memory flat however many rows the hooks stream
(QUALITY.md).  Text is always written as text: a value such as ``=HYPERLINK(..)``
from a record never becomes a live formula.  The management command and the
Celery task both call ``write_year_report``; ``year_report_start``
(jiaotong.reports.services) queues the background build for the web page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import chain, islice

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jiaotong.accounts.models import OrgUnit
from jiaotong.dates import local_wall_time
from jiaotong.jobs.models import ExportJob
from jiaotong.metrics.registry import catalog, indicator_modules, registered
from jiaotong.validators import mask_personal_numbers

SUMMARY_TITLE = "指标汇总"
SUMMARY_HEADERS = ["指标代码", "指标", "数值", "单位", "口径说明"]
SUMMARY_WIDTHS = [30, 34, 12, 8, 90]
CHECKS_TITLE = "数据检查"
YEAR_REPORT_KIND = "year_report"

Progress = Callable[[int], None]
Sheet = tuple[str, list[str], Iterable[tuple]]

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_RIGHT = Alignment(horizontal="right", vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
# Record sheets: widths guessed from the header and the first rows.
_SAMPLE_ROWS = 200
_MAX_WIDTH = 50
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DATE_FORMAT = "yyyy-mm-dd"


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
    for ind in indicators:
        values[ind.code] = ind.compute(year, org)
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

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY_TITLE)
    _write_summary(summary, year, org, by, indicators, published, closing)

    problems = consistency_problems(year, org, values)
    checks = workbook.create_sheet(CHECKS_TITLE)
    _write_checks(checks, year, org, problems, differences, published, values)

    used_titles = {SUMMARY_TITLE, CHECKS_TITLE}
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(_unique_title(title, used_titles))
        _write_records(sheet, year, org, headers, rows)
        done += 1
        report(done * 100 // steps)

    workbook.save(path_or_stream)
    report(100)


def _thaw(frozen: str | None, current):
    """A frozen value back in the type of the current one (text in the JSON)."""
    if frozen is None:
        return None
    if isinstance(current, Decimal) or "." in frozen:
        return Decimal(frozen)
    return int(frozen)


def _unit_name(org) -> str:
    return org.name if org else f"{settings.JIAOTONG_COUNTY_NAME}交通运输局（全局）"


def _print_setup(sheet, header_row: int, columns: int, title: str) -> None:
    """A4 landscape, one page wide, the header row repeated on every page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.center.text = title
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _write_summary(sheet, year, org, by, indicators, values, closing) -> None:
    """Title block (单位, 年度, 生成时间, 生成人) above the spec's header row;
    a section row (empty 指标代码) before each group of the catalog."""
    header_row = 5
    for i, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    title = f"{_unit_name(org)}{year}年度指标汇总"
    _print_setup(sheet, header_row, len(SUMMARY_HEADERS), title)

    heading = _cell(sheet, title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    generated = _cell(sheet, now)
    generated.number_format = _DATETIME_FORMAT
    generated.alignment = Alignment(horizontal="left")
    year_cell = _cell(sheet, year)
    year_cell.alignment = Alignment(horizontal="left")
    sheet.append([_label(sheet, "单位"), _cell(sheet, _unit_name(org)),
                  _label(sheet, "年度"), year_cell])  # fmt: skip
    by_name = (by.display_name if by is not None else "") or "系统（命令行）"
    sheet.append([_label(sheet, "生成时间"), generated,
                  _label(sheet, "生成人"), _cell(sheet, by_name)])  # fmt: skip
    if closing is not None:
        note = (
            f"本年度已于{timezone.localtime(closing.closed_at):%Y-%m-%d %H:%M}"
            f"由{closing.closed_by.display_name}关账，数值为关账时冻结的数值。"
        )
        sheet.append([None, _cell(sheet, note)])
    else:
        sheet.append([])
    sheet.append(_header_row(sheet, SUMMARY_HEADERS))

    section = None
    for ind in indicators:
        if ind.section_zh != section:
            section = ind.section_zh
            sheet.append(_section_row(sheet, section, len(SUMMARY_HEADERS)))
        sheet.append(
            [
                _boxed(_cell(sheet, ind.code), _TOP),
                _boxed(_cell(sheet, ind.display_label), _TOP),
                _value_cell(sheet, values.get(ind.code), ind.unit),
                _boxed(_cell(sheet, ind.unit), _TOP),
                _boxed(_cell(sheet, ind.definition_zh), _WRAP),
            ]
        )
    last_row = header_row + len(indicators) + len({i.section_zh for i in indicators})
    sheet.auto_filter.ref = f"A{header_row}:E{last_row}"


def _write_checks(sheet, year, org, problems, differences, published, values):
    """The consistency checks and closed-year differences, never silent: a row
    per problem, or one row saying every check passed."""
    headers = ["检查类别", "指标代码", "指标", "说明"]
    for i, width in enumerate([12, 30, 34, 90], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    _print_setup(sheet, 1, len(headers), f"{_unit_name(org)}{year}年度数据检查")
    sheet.append(_header_row(sheet, headers))
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
    for row in rows:
        sheet.append([_boxed(_cell(sheet, v), _WRAP) for v in row])
    sheet.auto_filter.ref = f"A1:D{len(rows) + 1}"


def _write_records(sheet, year, org, headers, rows) -> None:
    """A record sheet: header row 1, frozen, filtered, columns sized to their
    contents, dates as dates; plain values where no style is needed (the
    writer, not the database, is the cost of a large workbook)."""
    rows = iter(rows)
    sample = list(islice(rows, _SAMPLE_ROWS))
    widths = [_text_width(h) + 2 for h in headers]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _value_width(value))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    _print_setup(sheet, 1, len(headers), f"{_unit_name(org)}{year}年度 &A")
    sheet.append(_header_row(sheet, headers))
    count = 0
    for row in chain(sample, rows):
        sheet.append([_plain(sheet, value) for value in row])
        count += 1
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


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


def _header_row(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = _cell(sheet, header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    return cells


def _section_row(sheet, title: str, columns: int) -> list[WriteOnlyCell]:
    """A section row: empty 指标代码, the section's Chinese title."""
    cells = [_boxed(_cell(sheet, None)), _boxed(_cell(sheet, title))]
    cells[1].font = _BOLD
    cells += [_boxed(_cell(sheet, None)) for _ in range(columns - 2)]
    for cell in cells:
        cell.fill = _SECTION_FILL
    return cells


def _label(sheet, text: str) -> WriteOnlyCell:
    cell = _cell(sheet, text)
    cell.font = _BOLD
    return cell


def _boxed(cell: WriteOnlyCell, alignment: Alignment | None = None) -> WriteOnlyCell:
    cell.border = _BOX
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _value_cell(sheet, value, unit: str) -> WriteOnlyCell:
    """数值: a number cell, right-aligned, a fixed number of decimals (rates
    one, money two, counts none); empty where the rate is undefined."""
    cell = _boxed(_cell(sheet, value), _RIGHT)
    if unit == "%":
        cell.number_format = "0.0"
    elif unit == "元":
        cell.number_format = "#,##0.00"
    else:
        cell.number_format = "#,##0"
    return cell


def _plain(sheet, value):
    """A record value as cheaply as openpyxl writes it: the bare value, except
    text openpyxl would take for a formula (leading "="), Decimals (two
    decimals) and datetimes (a date format without seconds)."""
    if isinstance(value, str):
        # PIPL: ID and mobile numbers typed into free text are masked in exports.
        value = mask_personal_numbers(ILLEGAL_CHARACTERS_RE.sub("", value))
        if value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    if isinstance(value, bool | Decimal | dt.datetime) or (
        value is not None and not isinstance(value, int | float | dt.date)
    ):
        cell = _cell(sheet, value)
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
        elif isinstance(value, dt.datetime):
            cell.number_format = _DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATE_FORMAT
        return cell
    return value


def _cell(sheet, value) -> WriteOnlyCell:
    """One cell: numbers as numbers, text always as text, never a formula."""
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, Decimal):
        # Rates are Decimal('88.7'): a number cell holding 88.7.
        value = float(value)
    elif isinstance(value, dt.datetime):
        # Excel has no time zones: write the local (Asia/Shanghai) wall time.
        if value.tzinfo is not None:
            value = local_wall_time(value)
    elif value is not None and not isinstance(value, int | float | dt.date):
        value = str(value)
    if isinstance(value, str):
        value = mask_personal_numbers(ILLEGAL_CHARACTERS_RE.sub("", value))
        cell = WriteOnlyCell(sheet, value=value)
        # openpyxl makes any text starting with "=" a formula; force plain text.
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)


def _unique_title(title: str, used: set[str]) -> str:
    """Excel sheet titles: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_TITLE_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    candidate = base[:31]
    n = 2
    while candidate in used:
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate
