"""Dates in an imported file as Excel writes them in the office's locale: day first or month first, decided by the
file's own dates; never guessed when the file does not say. A date with a time of day is its day."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import xlsxwriter

from helpers import read
from models import Course, Enrollment, Student
from test_import import HEADER, confirm, counts, preview, text


@pytest.mark.parametrize("birthdays", [("31/12/2010", "05/03/2011"), ("12/31/2010", "3/5/2011"),
                                       ("31.12.2010", "05.03.2011")], ids=["day first", "month first", "dots"])
def test_dates_with_slashes_are_read_in_the_order_the_file_shows(client, app, birthdays):
    data = (HEADER + f"Ana,ana@school.example,3,{birthdays[0]},,,,\nBea,bea@school.example,3,{birthdays[1]},,,,\n")
    response, address = preview(client, data.replace(",,,,\n", ",2024-09-01,,,\n").encode())
    assert counts(response) == (2, 2, 0, 0, 0)
    confirm(client, address)
    assert {s.name: s.birthday for s in read(app, Student)} == {"Ana": date(2010, 12, 31), "Bea": date(2011, 3, 5)}


def test_an_export_saved_again_by_excel_with_its_dates_month_first_changes_nothing(client, add):
    add(Student, name="Ana", email="ana@school.example", grade=3, birthday=date(2010, 12, 31),
        enrolled_on=date(2024, 9, 1), gpa=Decimal("3.20"))
    add(Student, name="Bea", email="bea@school.example", grade=3, birthday=date(2011, 3, 5),
        enrolled_on=date(2024, 1, 9))
    saved = (HEADER + "Ana,ana@school.example,3,12/31/2010,9/1/2024,3.2,,\n"
             "Bea,bea@school.example,3,3/5/2011,1/9/2024,,,\n")
    assert counts(preview(client, saved.encode())[0]) == (2, 0, 0, 2, 0)


@pytest.mark.parametrize("dates, said", [
    (("05/03/2011", "09/01/2024"), "“05/03/2011” could be day/month/year or month/day/year."),
    (("31/12/2010", "12/31/2010"), "the file has dates written day first and others month first."),
], ids=["no date says", "both orders"])
def test_dates_whose_order_the_file_does_not_tell_are_a_problem_not_a_guess(client, app, dates, said):
    data = (HEADER + f"Ana,ana@school.example,3,{dates[0]},2024-09-01,,,\n"
            f"Bea,bea@school.example,3,{dates[1]},2024-09-01,,,\n")
    page = text(preview(client, data.encode())[0])
    assert f"2 Birthday Write the date as year-month-day, like 2024-09-01: {said}" in page
    assert read(app, Student) == []


def test_an_enrollments_date_is_read_in_the_files_order_too(client, app, add):
    add(Student, name="Ana Ruiz", email="ana@school.example", grade=7)
    add(Course, code="ART-001", title="Drawing", credits=2)
    response, address = preview(client, b"Student,Course,Enrolled on\nana@school.example,ART-001,13/01/2025\n",
                                "courses/enrollments")
    assert counts(response) == (1, 1, 0, 0, 0)
    confirm(client, address)
    assert [e.enrolled_on for e in read(app, Enrollment)] == [date(2025, 1, 13)]


def test_a_workbooks_date_and_time_cell_is_read_as_its_day(client, app):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Name", "Email", "Grade", "Enrolled on"])
    sheet.write_row(1, 0, ["Ana", "ana@school.example", 3])
    sheet.write_datetime(1, 3, datetime(2024, 9, 1, 8, 30), workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}))
    workbook.close()
    response, address = preview(client, output.getvalue(), filename="intake.xlsx")
    assert counts(response) == (1, 1, 0, 0, 0)
    confirm(client, address)
    assert [s.enrolled_on for s in read(app, Student)] == [date(2024, 9, 1)]
