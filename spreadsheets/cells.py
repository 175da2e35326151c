"""A cell of an imported file as the form would be sent it, or what is wrong with it: a formula's text, a decimal
comma, yes or no, a whole number as a sheet may write it."""

import re

from spreadsheets.columns import FileColumn
from spreadsheets.writing import FORMULA_STARTS

TEXT_KINDS = ("text", "choice")
YES, NO = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}
# A decimal comma ("3,5"), as Excel writes a number in much of Europe: never a thousands separator before one or two
# digits, and a GPA has no thousands.
DECIMAL_COMMA = re.compile(r"\s*\d+,\d{1,2}\s*")
# A workbook's number of more decimals than two: a formula's result (10/3) that its sheet may show rounded (3.33).
# A typed "3.456" in a CSV is what was typed: the form's own message says so, and nothing is rounded either way.
MANY_DECIMALS = re.compile(r"\s*-?\d+\.\d{3,}\s*")


def cell_value(cell: str, column: FileColumn, workbook: bool = False) -> tuple[str, str | None]:
    """A cell as the form would be sent it, or what is wrong with it. In a `workbook` (an XLSX) a text cell that
    starts like a formula is one: its sheet shows its result, with no "=" to remove."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):  # neutralised by an export: the text itself
        return cell[1:], None
    if column.kind in TEXT_KINDS and cell.startswith(FORMULA_STARTS) and workbook:
        return cell, (f"This cell is a formula ({cell[:40]}): copy its column and paste it back as values (Paste "
                      "Special, Values), then upload the file again.")
    if column.kind in TEXT_KINDS and cell.startswith(FORMULA_STARTS):
        return cell, (f"Starts with “{cell[0]}”, so a spreadsheet would run it as a formula: remove the "
                      f"“{cell[0]}”, or put an apostrophe before it if it is meant.")
    if column.kind == "decimal" and DECIMAL_COMMA.fullmatch(cell):
        return cell.replace(",", "."), None
    if column.kind == "decimal" and workbook and MANY_DECIMALS.fullmatch(cell):
        return cell, (f"The cell holds {cell.strip()}, which its sheet may show rounded: round it there to two "
                      "decimals (=ROUND(…, 2)) or type the value, then upload the file again.")
    if column.kind == "number":
        return whole_number(cell, column), None
    if column.kind == "bool":
        word = cell.strip().casefold()
        return ("y" if word in YES else ""), None if word in YES | NO else "Write yes or no."
    return cell, None


def whole_number(cell: str, column: FileColumn) -> str:
    """A whole number as a sheet may write it, as the form reads it: "9.0" (a program writing every number with a
    point), "9th", "Grade 9", "9th grade" (the column's name beside it) are 9. Anything else as it is."""
    word = re.escape(column.header)
    found = re.fullmatch(rf"\s*(?:{word}\s*)?(\d+)(?:[.,]0+|(st|nd|rd|th))?(?:\s*{word})?\s*", cell, re.I)
    if found and (found[2] is None or found[2].lower() == ordinal_suffix(int(found[1]))):
        return found[1]
    return cell


def ordinal_suffix(number: int) -> str:
    return "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
