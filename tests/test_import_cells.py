"""Cells as a sheet writes numbers and dates: a formula's float, a whole number with ".0", "9th", a day count."""

import io
import zipfile

import pytest
import xlsxwriter

from helpers import read
from models import Course, Enrollment, Student
from test_import import confirm, counts, preview, text


def workbook(rows: list[list], formulas: dict[str, tuple[str, float]] = {}) -> bytes:
    """A sheet of `rows`, and formulas {cell: (formula, its result as Excel saved it)}."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    for cell, (formula, result) in formulas.items():
        sheet.write_formula(cell, formula, book.add_format({"num_format": "0.00"}), result)
    book.close()
    return output.getvalue()


def saved_as_excel_saves(data: bytes, value: float) -> bytes:
    """The workbook with `value` written as Excel writes a number, to 17 significant digits (XlsxWriter: 16)."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as copy:
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(f"<v>{value:.16g}</v>".encode(), f"<v>{value!r}</v>".encode())
            copy.writestr(part, content)
    return output.getvalue()


def test_a_workbooks_gpa_with_float_noise_is_the_value_its_sheet_shows(client, app):
    # =1.1+2.2 is 3.3000000000000003 in a float: the sheet shows 3.3, and so is it read.
    data = workbook([["Name", "Email", "Grade", "GPA"], ["Bea", "bea@school.example", 3]],
                    {"D2": ("=1.1+2.2", 1.1 + 2.2)})
    data = saved_as_excel_saves(data, 1.1 + 2.2)
    assert b"<v>3.3000000000000003</v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    response, address = preview(client, data, filename="intake.xlsx")
    assert counts(response) == (1, 1, 0, 0, 0), text(response)
    confirm(client, address)
    assert str(read(app, Student, email="bea@school.example")[0].gpa) == "3.30"


def test_a_workbooks_gpa_of_more_decimals_is_not_rounded_and_says_what_the_cell_holds(client, app):
    data = workbook([["Name", "Email", "Grade", "GPA"], ["Bea", "bea@school.example", 3]],
                    {"D2": ("=10/3", 10 / 3)})
    page = text(preview(client, data, filename="intake.xlsx")[0])
    assert ("2 GPA The cell holds 3.33333333333333, which its sheet may show rounded: round it there to two decimals "
            "(=ROUND(…, 2)) or type the value, then upload the file again.") in page


def test_a_typed_gpa_of_three_decimals_in_a_csv_is_refused_not_rounded(client, app):
    page = text(preview(client, b"Name,Email,Grade,GPA\nBea,bea@school.example,3,3.456\n")[0])
    assert "2 GPA Enter a number with at most two decimals, like 3.25." in page
    assert read(app, Student) == []


@pytest.mark.parametrize("grade", ["9.0", "9th", "Grade 9", "9th grade", " 9TH "])
def test_a_grade_written_as_a_sheet_may_write_it_is_read_as_the_whole_number(client, app, grade):
    response, address = preview(client, f"Name,Email,Grade\nBea,bea@school.example,{grade}\n".encode())
    assert counts(response) == (1, 1, 0, 0, 0), text(response)
    confirm(client, address)
    assert read(app, Student, email="bea@school.example")[0].grade == 9


@pytest.mark.parametrize("grade", ["9.5", "9st", "ninth", "Year 9"])
def test_a_grade_that_is_not_a_whole_number_is_still_refused(client, grade):
    page = text(preview(client, f"Name,Email,Grade\nBea,bea@school.example,{grade}\n".encode())[0])
    assert "2 Grade Enter a whole number, like 7." in page


def test_a_day_count_in_a_csvs_date_column_is_refused_with_the_day_it_would_be(client, app):
    page = text(preview(client, b"Name,Email,Grade,Enrolled on\nBea,bea@school.example,3,45536\n")[0])
    assert ("2 Enrolled on “45536” is a number, as a spreadsheet counts days (it would be 2024-09-01), not a date: "
            "format the column as dates, like 2024-09-01, and save the file again.") in page
    assert read(app, Student) == []


def test_a_day_count_in_an_enrollments_file_is_refused_the_same_way(client, app, add):
    add(Student, name="Bea", email="bea@school.example", grade=3)
    add(Course, code="MATH-101", title="Algebra", credits=3)
    data = b"Student,Course,Enrolled on\nbea@school.example,MATH-101,45536.0\n"
    page = text(preview(client, data, kind="courses/enrollments")[0])
    assert "2 Enrolled on “45536.0” is a number, as a spreadsheet counts days (it would be 2024-09-01)" in page
    assert read(app, Enrollment) == []
