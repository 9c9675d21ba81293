"""Streaming, bounded reading of an import workbook's first worksheet.

openpyxl's read-only mode is not enough for an upload from anyone (issue 12)
nor fast enough for a city's ten years (issue 14):

- it trusts the worksheet's declared dimension: every row is padded to the
  declared width and the declared height is filled with empty rows, so a 100 KB
  file declaring ``A1:XFD20000`` makes 20,000 × 16,384 cells (2.7 GB);
- a worksheet without a dimension element is parsed in full just to size it,
  before the rows are read a second time;
- its per-cell Python objects (``Text.from_tree`` for every string) cost about
  a millisecond per row.

Here openpyxl reads the package (manifest, workbook, styles: the small parts)
and this module reads the shared strings and the worksheet's rows with lxml's
``iterparse``, one ``<row>`` at a time, freeing each once read.  Cells mean
what openpyxl makes of them (same number casting, date styles, formula marks,
``x005F_`` unescaping of shared strings), but a row is only as wide as its last
cell with a value, and the limits are enforced while reading: a cell with a
value beyond ``max_columns`` or a row beyond ``max_rows`` raises ``TooLarge``
at once, before the rest of the file is read.  Entities are never resolved and
nothing is fetched from the network.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _VALUE, _FORMULA = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}f"
_INLINE, _TEXT, _RUN = f"{_NS}is", f"{_NS}t", f"{_NS}r"
_STRING_ITEM, _DIMENSION, _SHEET_DATA = f"{_NS}si", f"{_NS}dimension", f"{_NS}sheetData"


class Formula:
    """Marks a formula cell (the import refuses it, never evaluates it)."""

    def __repr__(self) -> str:
        return "FORMULA"


FORMULA = Formula()


# Beyond the caps the import states (rows, columns with a value), two bounds on
# what the XML may make us hold in memory: the cells of one row (with or without
# a value; Excel itself has 16,384 columns) and the text of the shared strings.
MAX_CELLS_PER_ROW = 16_384
MAX_SHARED_TEXT = 64 * 2**20  # characters


class TooLarge(Exception):
    """Beyond a limit: ``what`` is "rows", "columns" (``row`` says where) or
    "text" (the shared strings)."""

    def __init__(self, row: int, what: str):
        super().__init__(row, what)
        self.row = row
        self.what = what


def _iterparse(source, **kwargs):
    return etree.iterparse(
        source,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        **kwargs,
    )


def _text(item) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>``, or its runs' ``<t>``
    (phonetic runs left out), as openpyxl's ``Text.content``."""
    if len(item) == 1 and item[0].tag == _TEXT:  # the usual case: one <t>
        return item[0].text or ""
    parts = [child.text or "" for child in item.iterchildren(_TEXT)]
    parts += [run.findtext(_TEXT) or "" for run in item.iterchildren(_RUN)]
    return "".join(parts)


def _free(element) -> None:
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


class Worksheet:
    """The first worksheet of ``workbook_file`` (a path or a binary file).

    ``declared_rows`` is what the worksheet claims (a hint for a progress bar,
    never trusted for anything else); ``rows()`` yields ``(row number, values)``
    of the rows with at least one value, in file order.
    """

    def __init__(self, workbook_file, *, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        reader = ExcelReader(workbook_file, read_only=True, data_only=False)
        self._archive = reader.archive
        try:
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            workbook = reader.wb
            self._epoch = workbook.epoch
            self._date_styles = set(workbook._date_formats)
            self._timedelta_styles = set(workbook._timedelta_formats)
            self._path = next(
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if "chartsheet" not in rel.Type and rel.target in reader.valid_files
            )
            strings = reader.package.find(SHARED_STRINGS)
            self._strings = (
                self._read_strings(strings.PartName[1:]) if strings is not None else []
            )
            self.declared_rows = self._read_declared_rows()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._archive.close()

    def _read_strings(self, path: str) -> list[str]:
        strings, total = [], 0
        with self._archive.open(path) as source:
            for _event, item in _iterparse(source, tag=_STRING_ITEM):
                text = _text(item).replace("x005F_", "")
                total += len(text)
                if total > MAX_SHARED_TEXT:
                    raise TooLarge(0, "text")
                strings.append(text)
                _free(item)
        return strings

    def _read_declared_rows(self) -> int | None:
        with self._archive.open(self._path) as source:
            for _event, element in _iterparse(source, events=("start",)):
                if element.tag == _DIMENSION:
                    last = (element.get("ref") or "").rpartition(":")[2]
                    digits = last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                    return int(digits) if digits.isdigit() else None
                if element.tag == _SHEET_DATA:
                    return None
        return None

    def rows(self) -> Iterator[tuple[int, tuple]]:
        columns: dict[str, int] = {}
        number = 0
        cells = 0  # <c> elements of the row being parsed
        with self._archive.open(self._path) as source:
            for _event, row in _iterparse(source, tag=(_CELL, _ROW)):
                if row.tag == _CELL:
                    cells += 1
                    if cells > MAX_CELLS_PER_ROW:
                        parent = row.getparent()
                        where = parent.get("r") if parent is not None else None
                        raise TooLarge(int(where or number + 1), "columns")
                    continue
                cells = 0
                number = int(row.get("r") or number + 1)
                values: dict[int, object] = {}
                column = 0
                for cell in row.iterchildren(_CELL):
                    ref = cell.get("r")
                    if ref:
                        key = ref.rstrip("0123456789")
                        if key not in columns:
                            columns[key] = column_index_from_string(key)
                        column = columns[key]
                    else:
                        column += 1
                    value = self._value(cell)
                    if value is not None:
                        values[column] = value
                _free(row)
                if not values:
                    continue
                if number > self.max_rows:
                    raise TooLarge(number, "rows")
                width = max(values)
                if width > self.max_columns:
                    raise TooLarge(number, "columns")
                yield number, tuple(values.get(i) for i in range(1, width + 1))

    def _value(self, cell):
        value = inline = None
        for child in cell:  # one pass over <f>, <v>, <is>
            tag = child.tag
            if tag == _VALUE:
                value = child.text or None
            elif tag == _INLINE:
                inline = child
            elif tag == _FORMULA:
                return FORMULA
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return _text(inline) if inline is not None else None
        if value is None:
            return None
        if kind == "n":
            if "." in value or "E" in value or "e" in value:
                number = float(value)
            else:
                number = int(value)
            style = cell.get("s")
            if style and int(style) in self._date_styles:
                try:
                    return from_excel(
                        number,
                        self._epoch,
                        timedelta=int(style) in self._timedelta_styles,
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"  # as openpyxl: an error value, not a date
            return number
        if kind == "s":
            return self._strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's cached text), "e" (#N/A …)
