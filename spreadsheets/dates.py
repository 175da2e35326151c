"""Dates as a spreadsheet saved as CSV writes them: in the office's own order (Excel writes a date as the computer's
locale shows it, 12/31/2010 in the US and 31/12/2010 in most other places), read as the form reads them (2010-12-31).

Which order a file uses is decided once for the whole file, by the dates that can only be read one way (a day past
12): 01/09/2024 is 1 September in a file that also has 31/12/2010, and 9 January in one that has 12/31/2010. A file
with no such date, or with both, is not guessed at: its dates with slashes are a row's problem.
"""

import re
from collections.abc import Iterable
from datetime import date, timedelta

SLASHED = re.compile(r"\s*(\d{1,2})([/.])(\d{1,2})\2(\d{4})\s*")  # 31/12/2010, 12/31/2010, 31.12.2010
# A date with a time of day (a workbook's date-and-time cell, a form's timestamp): a date field keeps the day.
TIMED = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*")
# A day as a spreadsheet counts them (45536), what a date column formatted as a number saves: refused, not read,
# since a number in a CSV may be a day count from 1900, or from 1904 (old Mac Excel), or no date at all.
SERIAL = re.compile(r"\s*(\d{5})(?:\.0+)?\s*")
DAY_ZERO = date(1899, 12, 30)  # Excel's count from 1900 (with its 29 February 1900) is days since this one


def order_of(cells: Iterable[str]) -> str | None:
    """"day" (first), "month" (first), "both" (the file says each) or None (no date of the file says)."""
    orders = set()
    for cell in cells:
        if found := SLASHED.fullmatch(cell):
            first, separator, second = int(found[1]), found[2], int(found[3])
            if separator == "." or first > 12:  # 31.12.2010: dots are written day first alone
                orders.add("day")
            elif second > 12:
                orders.add("month")
    return "both" if len(orders) > 1 else next(iter(orders), None)


def as_iso(cell: str, order: str | None) -> tuple[str, str | None]:
    """A date cell as YYYY-MM-DD if it is written with slashes in the file's order, or has a time of day; others
    as they are (the form checks them); or what is wrong with it."""
    if timed := TIMED.fullmatch(cell):
        return timed[1], None
    if serial := SERIAL.fullmatch(cell):
        day = DAY_ZERO + timedelta(days=int(serial[1]))
        return cell, (f"“{cell.strip()}” is a number, as a spreadsheet counts days (it would be {day.isoformat()}), "
                      "not a date: format the column as dates, like 2024-09-01, and save the file again.")
    found = SLASHED.fullmatch(cell)
    if not found:
        return cell, None
    if found[2] == ".":
        order = "day"
    if order not in ("day", "month"):
        why = ("the file has dates written day first and others month first" if order == "both"
               else f"“{cell.strip()}” could be day/month/year or month/day/year")
        return cell, f"Write the date as year-month-day, like 2024-09-01: {why}."
    day, month = (found[1], found[3]) if order == "day" else (found[3], found[1])
    return f"{found[4]}-{int(month):02}-{int(day):02}", None
