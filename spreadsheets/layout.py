"""Where a CSV's or sheet's table is: the delimiter between its columns, and a title above its column names."""

import csv
import io
from collections import Counter
from itertools import islice

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
SNIFFED_ROWS = 20  # the rows whose widths decide the delimiter: a title above the column names is one of them
SNIFFED_CHARACTERS = 64 * 1024
TITLE_ROWS_MAX = 3  # rows of one cell above the column names that are a title: more is a file of one column


def delimiter_of(text: str) -> str:
    """The delimiter that splits most of the first rows into as many columns as each other (more than one), so a
    title row above the column names does not decide it; a tie goes to the one making more columns, then commas."""
    sample = text[:SNIFFED_CHARACTERS]

    def alike(delimiter: str) -> tuple[int, int]:
        widths = Counter()
        try:
            for row in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), SNIFFED_ROWS):
                if len(row) > 1:
                    widths[len(row)] += 1
        except csv.Error:
            pass  # read whole later, the file says which row
        return max(((rows, width) for width, rows in widths.items()), default=(0, 0))

    return max(DELIMITERS, key=alike)


def filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def title_rows(numbered: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The rows of one cell each above the first row of several (the column names): a sheet's title, its date."""
    first = next((i for i, (_, cells) in enumerate(numbered[:TITLE_ROWS_MAX + 1]) if filled(cells) > 1), 0)
    return numbered[:first]


def title_note(titles: list[tuple[int, list[str]]], header_row: int) -> str:
    said = " / ".join(f"“{next(cell.strip() for cell in cells if cell.strip())[:60]}”" for _, cells in titles)
    rows = f"Row {titles[0][0]}" if len(titles) == 1 else f"Rows {titles[0][0]} to {titles[-1][0]}"
    return f"{rows}, {said}, above the column names, {'is' if len(titles) == 1 else 'are'} read as a title and left " \
           f"out: the column names are row {header_row}."
