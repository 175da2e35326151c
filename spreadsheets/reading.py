"""A CSV or XLSX file read into a header and rows of text, or refused with a message that says what is wrong.

CSV: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text", tab-separated), or else the
encoding chosen or guessed (spreadsheets.encodings; said in a note: "read as Windows-1252"); comma, semicolon, tab
or bar as the delimiter, whichever splits the first rows most alike; quoted newlines as the csv module reads them.
A title of one cell above the column names is left out, with a note. XLSX: the first
sheet (a workbook of several says so), read by python-calamine, its text cells that start like a formula marked
as a CSV export marks them (xlsx_rows). Row numbers are as a spreadsheet shows them: the header is row 1.
"""

import csv
import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from spreadsheets import encodings, limits
from spreadsheets.layout import DELIMITERS, delimiter_of, title_note, title_rows
from spreadsheets.writing import FORMULA_STARTS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell's <f> element (any namespace prefix), not <fill> or <formula1>
CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)

CELL_MAX = 100_000  # characters in one cell: far past any field's limit, short of the csv module's 131,072
# An XLSX file is checked before calamine reads it: calamine makes a sheet one block of every cell from A1 to its
# farthest, so one cell at XFD1048576 (a file of 1.5 KB) asks for 512 GB and aborts the process, and one at
# Z1000000 takes 1 GB and 40 s. A 20 MB file of real rows holds about 3,000,000 cells, and unpacks to about 300 MB
# (an 8 MB one of 200,000 students x 10 columns: 108 MB). Counting the cells costs about 1 s per 1,000,000.
SHEET_CELLS_MAX = 10_000_000
UNPACKED_MAX = 1024 * 1024 * 1024
SHEET_TAG = re.compile(rb'<(?:\w+:)?(row|c)\b(?:[^>]*?\sr="([A-Z]*)(\d*)")?')  # a row or cell, with its r="B7"
NOT_XLSX = "This is a ZIP file but not an Excel workbook (.xlsx) that can be read."
# Columns a file's header may have: the page matching them has a choice for each (200,000 columns, a CSV of 1.9 MB,
# made it 141 MB and 31 s). An import's columns number about ten.
COLUMNS_MAX = 1000


class BadFile(ValueError):
    """A file that cannot be imported at all; its message says why, to the person who uploaded it."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, its cells), blank rows left out
    notes: list[str] = field(default_factory=list)  # what was guessed about the file: its encoding, its delimiter
    workbook: bool = False  # an XLSX, where a text cell starting like a formula is one (xlsx_rows marks the others)
    header_row: int = 1  # as a spreadsheet numbers it: below a title, 2 or more
    encoding: str | None = None  # a CSV read in a single-byte encoding, chosen or guessed: it may be chosen again
    encoding_note: str | None = None  # which one, and how it was decided (also one of the notes)


def read(data: bytes, encoding: str | None = None) -> Table:
    """The file's header and rows; a CSV that is not UTF-8 or UTF-16 read in `encoding` if given, else as guessed."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise BadFile("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        rows, sheets = xlsx_rows(data)
        if len(sheets) < 2:
            return table(rows, [], workbook=True)
        # Only the first sheet is read: a workbook of several says which, as a note, and in the message refusing it
        # (an instructions sheet in front leaves "no rows under it" with the rows in plain sight on the next sheet).
        which = f"Only the first of its {len(sheets)} sheets, “{sheets[0]}”, is read"
        try:
            return table(rows, [f"{which}."], workbook=True)
        except BadFile as bad:
            raise BadFile(f"{bad} {which}: move the sheet to import to the front, or save it as a workbook of its "
                          "own.") from bad
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile("This is an old Excel workbook (.xls). Save it as .xlsx or as CSV, then upload that.")
    text, notes, encoding = decoded(data, encoding)
    delimiter = delimiter_of(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {DELIMITERS[delimiter]}.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        read_table = table(list(reader), notes)
    except csv.Error as error:
        raise BadFile(f"Row {reader.line_num} could not be read as CSV ({error}).") from error
    read_table.encoding, read_table.encoding_note = encoding, notes[0] if encoding else None
    return read_table


def decoded(data: bytes, chosen: str | None = None) -> tuple[str, list[str], str | None]:
    """The text, what was decided about it, and the single-byte encoding it was read in (None: UTF-8 or UTF-16)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), [], None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), ["The file is UTF-16 (Excel's “Unicode text”)."], None
    try:
        return data.decode("utf-8"), [], None
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise BadFile("This is not a CSV or XLSX file. Save the spreadsheet as CSV (UTF-8) or as Excel (.xlsx).")
    encoding = chosen if chosen in encodings.CHOICES else encodings.guessed(data)
    if encoding is None:
        raise BadFile("This is not a CSV or XLSX file. Save the spreadsheet as CSV (UTF-8) or as Excel (.xlsx).")
    return data.decode(encoding, errors="replace"), [encodings.note(encoding, encoding == chosen)], encoding


def xlsx_rows(data: bytes) -> tuple[list[list], list[str]]:
    """The first sheet's cells, as a CSV export would hold them: a text cell that starts like a formula (a string
    cell, which a spreadsheet never runs) with an apostrophe before it, which the import takes off; a formula
    whose result is text as its formula, which the import refuses in a text column as it refuses one in a CSV.
    A formula whose result is a number, a date or yes/no is that value: it carries no formula into Roster."""
    unreadable = (CalamineError, ValueError, IndexError, KeyError, zipfile.BadZipFile, ElementTree.ParseError)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # The sizes the parts declare: zipfile reads no more, and calamine refuses a part that unpacks to more.
        if sum(info.file_size for info in archive.infolist()) > UNPACKED_MAX:
            raise BadFile(f"The workbook unpacks to more than {UNPACKED_MAX / 1024 ** 2:,.0f} MB: is this the "
                          "right file? Save it as CSV, or split it.")
        if limits.too_many_strings(archive):
            raise BadFile(f"The workbook holds more than {limits.SHARED_STRINGS_MAX:,} texts, more than an import "
                          "reads: is this the right file? Save it as CSV, or split it.")
        sheet = first_sheet(archive)
        # A sheet not found here (another dialect, which calamine reads): every part is checked instead.
        for part in [sheet] if sheet is not None else map(archive.read, archive.infolist()):
            check_extent(part)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        sheets = workbook.sheet_names
        formulas = formula_cells(sheet)
    except BadFile:
        raise
    except unreadable as error:
        raise BadFile(NOT_XLSX) from error
    formula_rows = {r for r, _ in formulas}
    for r, row in enumerate(rows):
        if row.count("") == len(row) and r not in formula_rows:  # nothing in it (most rows, in a sparse sheet)
            continue
        for c, value in enumerate(row):
            if isinstance(value, str) and (r, c) in formulas:
                row[c] = "=" + (formulas[r, c] or "…")
            elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
                row[c] = "'" + value
    return rows, sheets


def first_sheet(archive: zipfile.ZipFile) -> bytes | None:
    """The first sheet's XML; None in another dialect (Strict OOXML) that calamine reads."""
    first = ElementTree.fromstring(archive.read("xl/workbook.xml")).find(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((link.get("Target") for link in links
                   if first is not None and link.get("Id") == first.get(f"{{{RELATIONSHIPS}}}id")), None)
    if target is None:
        return None
    return archive.read(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))


def check_extent(sheet: bytes):
    """Refuses a sheet whose cells reach farther than SHEET_CELLS_MAX cells from A1 (rows times columns). A row or
    cell without r="..." is the one after the last, as calamine places it."""
    row = column = rows = columns = 0
    numbers = {}  # column letters: their number
    for tag, letters, digits in (match.groups() for match in SHEET_TAG.finditer(sheet)):
        if tag == b"row":
            row, column = int(digits) if digits else row + 1, 0
        else:
            if letters:
                if (column := numbers.get(letters)) is None:
                    column = numbers[letters] = sum(26 ** i * (letter - 64) for i, letter in enumerate(letters[::-1]))
            else:
                column += 1
            row = int(digits) if digits else row
        rows, columns = max(rows, row), max(columns, column)
    if rows * columns > SHEET_CELLS_MAX:
        raise BadFile(f"The first sheet reaches {rows:,} rows down and {columns:,} columns across, more than an "
                      f"import reads ({SHEET_CELLS_MAX:,} cells): delete what lies far below or to the right of the "
                      "table, or save it as CSV.")


def formula_cells(sheet: bytes | None) -> dict[tuple[int, int], str]:
    """{(row, column) counted from 0: formula} of the first sheet's formula cells, which calamine reads as their
    results alone. The sheet's XML is searched only if it holds a formula element at all (an export holds none).
    None, the sheet not found (another dialect): its formulas are read as results."""
    if sheet is None or not FORMULA.search(sheet):
        return {}
    found = {}
    for attributes, body in CELL.findall(sheet):
        place = re.search(rb'\br="([A-Z]+)(\d+)"', attributes)
        if place and body and FORMULA.search(body):
            column = 0
            for letter in place[1]:
                column = column * 26 + letter - 64
            text = re.search(rb"<(?:\w+:)?f\b[^>]*>(.*?)</", body, re.S)
            found[int(place[2]) - 1, column - 1] = html.unescape(text[1].decode()) if text else ""
    return found


def cell_text(value) -> str:
    """A cell as the text a form would be sent: whole numbers without ".0", dates as 2024-09-01. A number to the 15
    significant digits a spreadsheet keeps, shows and compares by: a formula's 3.2500000000000004 (float noise) is
    the 3.25 its sheet shows; 10/3 is 3.33333333333333, more decimals than a sheet showing 3.33 may suggest."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def used_width(cells: list[str]) -> int:
    """How many of a row's cells reach its last one that holds something."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)


def table(rows: list[list], notes: list[str], workbook: bool = False) -> Table:
    # Empty rows are left out before their cells are read: a few rows and one stray cell at J1000000 (a file of 5 KB)
    # are a block of 10,000,000 cells, which took 30 s to read cell by cell, at every step.
    numbered = [(number, [cell_text(v) for v in row]) for number, row in enumerate(rows, 1)
                if row.count("") != len(row)]
    numbered = [(number, cells) for number, cells in numbered if any(cell.strip() for cell in cells)]
    if not numbered:
        raise BadFile("The file is empty.")
    if titles := title_rows(numbered):
        notes.append(title_note(titles, numbered[len(titles)][0]))
        numbered = numbered[len(titles):]
    (header_row, header), *rest = numbered
    for number, cells in rest:
        if any(len(cell) > CELL_MAX for cell in cells):
            raise BadFile(f"Row {number} has a cell of more than {CELL_MAX:,} characters: is this the right file?")
    header = [name.strip() for name in header]
    # Columns at the right with neither a header nor a value (a spreadsheet's trailing commas, cells once formatted)
    # are no columns at all: the page matching columns would offer each as "(no header)", all "(empty)". One pass
    # over the cells: a column at a time would read every row for each of a sheet's 16,384 empty columns.
    del header[max(used_width(cells) for cells in [header, *(cells for _, cells in rest)]):]
    if len(header) > COLUMNS_MAX:
        raise BadFile(f"The header row has {len(header):,} columns, more than an import reads ({COLUMNS_MAX:,}): is "
                      "this the right file?")
    if not rest:
        raise BadFile("The file has a header row but no rows under it.")
    return Table(header, rest, notes, workbook, header_row)


def filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())
