"""Rows of values out as CSV or XLSX, a chunk at a time, in constant memory.

Text a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) is written with an
apostrophe before it, as OWASP's advice on CSV injection says; the import takes that apostrophe off again, so a
file exported and imported back is unchanged. XLSX cells are typed (a string cell is never a formula), so they
need none; such a cell is also marked "quote prefix", so that editing it in Excel keeps it text.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 1000  # rows per chunk of a CSV: the download starts after the first
FILE_CHUNK_BYTES = 64 * 1024


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(value) -> str:
    """A value as a CSV cell, and as the form reading it back expects it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralised(value)
    return str(value)


# as_text by the value's exact type, for the types columns hold: a million rows are ten million cells, and a lookup
# costs a third of as_text's tests. Anything else (None, a subclass of str) goes through as_text itself.
TEXT_OF_TYPE = {str: neutralised, int: str, Decimal: str, date: date.isoformat, bool: as_text, datetime: as_text}


def csv_chunks(header: list[str], rows: Iterable[Iterable], bom: bool = False) -> Iterator[bytes]:
    """UTF-8 CSV, with the byte-order mark Excel needs to read it as UTF-8 if `bom`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff" if bom else "")
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow([TEXT_OF_TYPE.get(type(value), as_text)(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(header: list[str], rows: Iterable[Iterable], sheet: str = "Sheet1") -> Iterator[bytes]:
    """An XLSX workbook of one sheet. XlsxWriter's constant-memory mode writes each row to a temporary file as it
    comes; the workbook is zipped together at the end, so its download starts only then."""
    with tempfile.TemporaryFile() as output:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        text = workbook.add_format({"quote_prefix": True})
        worksheet.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    worksheet.write_string(r, c, "yes" if value else "no")
                elif isinstance(value, datetime):
                    worksheet.write_datetime(r, c, value, moment)
                elif isinstance(value, date):
                    worksheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, (int, Decimal, float)):
                    worksheet.write_number(r, c, value)
                else:
                    value = str(value)
                    worksheet.write_string(r, c, value, text if value.startswith(FORMULA_STARTS) else None)
        workbook.close()
        output.seek(0)
        while chunk := output.read(FILE_CHUNK_BYTES):
            yield chunk
