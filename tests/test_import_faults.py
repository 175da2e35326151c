"""Import faults found by QA: rows changed by someone after the preview, XLSX round trips of formula-like names,
an admin demoting themselves, the last admin, and the wording and order of what the preview says."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter

from helpers import read
from models import Student, User
from test_import import confirm, counts, preview, text, upload

ALE = {"name": "Ale Moreno", "email": "ale@school.example", "grade": 5, "gpa": Decimal("3.00"),
       "enrolled_on": date(2024, 9, 1)}


def exported_with(client, query: str, **changes) -> bytes:
    """The list exported as CSV, with the first row's cells under these headers changed."""
    rows = list(csv.reader(io.StringIO(client.get(f"/students/export?{query}&format=csv").get_data(as_text=True))))
    for header, value in changes.items():
        rows[1][rows[0].index(header)] = value
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode()


@pytest.fixture
def ale(add):
    add(Student, name="Bo Lin", email="bo@school.example", grade=4)
    return add(Student, **ALE)


def test_a_row_renamed_after_the_preview_refuses_the_import_and_shows_it_again(app, client, client_as, ale):
    page, address = preview(client, exported_with(client, "grade=5", GPA="3.50"))
    assert counts(page) == (1, 0, 1, 0, 0)
    editor = client_as("editor")
    renamed = {"name": "Changed Before Import", "email": ALE["email"], "grade": "5", "gpa": "3.00",
               "enrolled_on": "2024-09-01", "version": "1"}
    assert editor.post(f"/students/{ale}/edit", data=renamed).status_code == 302
    refused = confirm(client, address, page)
    said = text(refused)
    assert refused.status_code == 409 and "Nothing was imported" in said
    assert "Row 2: Changed Before Import was changed by A editor since the preview." in said
    assert "Name: Changed Before Import → Ale Moreno" in said  # the preview again, as the rows are now
    row = read(app, Student, id=ale)[0]
    assert (row.name, str(row.gpa), row.version) == ("Changed Before Import", "3.00", 2)
    done = confirm(client, address, refused, follow_redirects=True)  # pressing Import on what is shown now
    assert "Imported file.csv: 1 row: 0 new, 1 updated" in text(done)
    assert str(read(app, Student, id=ale)[0].gpa) == "3.50"


def test_a_row_deleted_after_the_preview_refuses_the_import(app, client, client_as, ale):
    page, address = preview(client, exported_with(client, "grade=5", GPA="3.50"))
    assert client_as("editor").post(f"/students/{ale}/delete").status_code == 302
    refused = confirm(client, address, page)
    assert refused.status_code == 409
    assert "Row 2: Ale Moreno was deleted by A editor since the preview." in text(refused)
    assert [s.name for s in read(app, Student)] == ["Bo Lin"]  # not made again by the import


def test_a_row_added_after_the_preview_refuses_the_import(app, client, client_as, ale):
    page, address = preview(client, b"Name,Email,Grade\nCy New,cy@school.example,3\n")
    assert counts(page) == (1, 1, 0, 0, 0)
    added = {"name": "Cy Other", "email": "cy@school.example", "grade": "6", "enrolled_on": "2024-09-01"}
    assert client_as("editor").post("/students/new", data=added).status_code == 302
    refused = confirm(client, address, page)
    assert refused.status_code == 409 and "Row 2: Cy Other was added by A editor since the preview." in text(refused)
    assert [(s.name, s.grade) for s in read(app, Student, email="cy@school.example")] == [("Cy Other", 6)]


def test_a_change_to_a_column_the_file_lacks_refuses_an_update_of_that_row(app, client, client_as, ale):
    page, address = preview(client, b"Email,GPA\nale@school.example,3.50\n")
    moved = {"name": "Ale Moreno", "email": ALE["email"], "grade": "6", "gpa": "3.00", "enrolled_on": "2024-09-01",
             "version": "1"}
    assert client_as("editor").post(f"/students/{ale}/edit", data=moved).status_code == 302
    assert confirm(client, address, page).status_code == 409
    row = read(app, Student, id=ale)[0]
    assert (row.grade, str(row.gpa)) == (6, "3.00")


def test_an_import_confirmed_without_the_previews_fingerprint_shows_the_preview(app, client, ale):
    _, address = preview(client, exported_with(client, "grade=5", GPA="3.50"))
    assert client.post(address).status_code == 409
    assert str(read(app, Student, id=ale)[0].gpa) == "3.00"


NAMES = ("=Drawing", "+Plus Name", "-Dash Ortega", "@Home Person")


def test_an_xlsx_export_of_formula_like_names_imports_back_unchanged(app, client, add):
    for number, name in enumerate(NAMES):
        form = {"name": name, "email": f"s{number}@school.example", "grade": "3", "enrolled_on": "2024-09-01"}
        assert client.post("/students/new", data=form).status_code == 302  # the form takes them
    exported = client.get("/students/export?grade=3&format=xlsx").data
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:  # kept text if edited in Excel
        assert b'quotePrefix="1"' in archive.read("xl/styles.xml")
    response, _ = preview(client, exported, filename="grade-3.xlsx")
    assert counts(response) == (4, 0, 0, 4, 0)
    csv_response, _ = preview(client, client.get("/students/export?grade=3&format=csv").data)
    assert counts(csv_response) == (4, 0, 0, 4, 0)


def test_an_xlsx_formula_cell_is_a_problem_but_a_text_cell_is_its_text(app, client):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Name", "Email", "Grade"])
    sheet.write_formula(1, 0, '=HYPERLINK("http://x","Bea")', None, "Bea")
    sheet.write_row(1, 1, ["bea@school.example", 3])
    sheet.write_row(2, 0, ["=Cid", "cid@school.example"])
    sheet.write_formula(2, 2, "=1+2", None, 3)  # a number: its value, no formula, comes in
    workbook.close()
    response, address = preview(client, output.getvalue(), filename="intake.xlsx")
    page = text(response)
    # the sheet shows "Bea", not an "=" to remove: the message says what to do in a workbook
    assert ("2 Name This cell is a formula (=HYPERLINK(\"http://x\",\"Bea\")): copy its column and paste it back as "
            "values (Paste Special, Values), then upload the file again.") in page
    assert "3 Name" not in page and "3 Grade" not in page and counts(response)[4] == 1


@pytest.mark.parametrize("cells, column, said", [
    ("viewer,yes", "Role", "This is you: an import may not change your own role; ask another admin to."),
    ("admin,no", "Active", "This is you: an import may not deactivate you (it would sign you out); ask another "
                           "admin to."),
], ids=["demoted", "deactivated"])
def test_an_admin_may_not_demote_or_deactivate_themselves_by_import(app, client, add, cells, column, said):
    add(User, name="Other Admin", email="other@example.org", role="admin")  # so it is not the last admin
    data = f"Email,Role,Active\nother@example.org,admin,yes\nroot@example.org,{cells}\n".encode()
    response, address = preview(client, data, "users")
    assert f"3 {column} {said}" in text(response) and counts(response)[4] == 1
    assert client.post(address).status_code == 400
    root = read(app, User, email="root@example.org")[0]
    assert (root.role, root.active) == ("admin", True)


@pytest.mark.parametrize("cells, column", [("viewer,yes", "Role"), ("admin,no", "Active")],
                         ids=["demoted", "deactivated"])
def test_an_import_leaving_no_active_admin_names_each_row_and_the_column(client, add, cells, column):
    add(User, name="Other Admin", email="other@example.org", role="admin")
    data = f"Email,Role,Active\nroot@example.org,{cells}\nother@example.org,{cells}\n".encode()
    page = text(preview(client, data, "users")[0])
    for row in (2, 3):
        assert f"{row} {column} After this import no active admin would be left" in page
    assert "only active admin" not in page and f"3 {'Active' if column == 'Role' else 'Role'}" not in page


def test_the_import_command_refuses_leaving_no_active_admin(runner, app, add, tmp_path):
    add(User, name="Other Admin", email="other@example.org", role="admin")
    file = tmp_path / "users.csv"
    file.write_text("Email,Active\nroot@example.org,no\nother@example.org,no\n")
    result = runner.invoke(args=["import", "users", str(file)])
    assert result.exit_code == 1 and "Row 3, active: After this import no active admin would be left" in result.output
    assert {u.active for u in read(app, User)} == {True}


def test_problems_are_listed_by_row_then_column(client):
    data = (b"Name,Email,Grade\nBea,bea@school.example,3\nCid,cid@school.example,13\n"
            b"Bea again,bea@school.example,3\n,dan@school.example,0\n")
    page = text(preview(client, data)[0])
    found = [page.index(f" {problem} ") for problem in ("3 Grade", "4 Email", "5 Name", "5 Grade")]
    assert found == sorted(found)


def test_enrollment_problems_are_worded_as_the_students_import_words_them(client, add):
    add(Student, name="Ana Ruiz", email="ana@school.example", grade=7)
    page = text(preview(client, b"Student,Course,Enrolled on\n,MATH-101,someday\n", "courses/enrollments")[0])
    assert "2 Student Fill in “Student”." in page and "2 Enrolled on Enter a date, like 2024-09-01." in page
    assert "This field is required." not in page and "Not a valid date value." not in page


def test_one_row_is_counted_in_the_singular(client, app):
    page, address = preview(client, b"Name,Email,Grade\nBea,bea@school.example,3\n")
    assert "Import 1 row: 1 new, 0 updated, 0 unchanged" in text(page)
    assert "Imported file.csv: 1 row: 1 new" in text(confirm(client, address, page, follow_redirects=True))


def test_the_column_matching_page_shows_one_first_value_a_line(client):
    data = b"Name,Email,Grade,Courses\nBea,bea@school.example,3,\"MATH-101, ART-001\"\nCid,cid@school.example,,\n"
    page = client.get(upload(client, data).headers["Location"]).get_data(as_text=True)
    assert "MATH-101, ART-001<br>" in page and '<span class="muted">(empty)</span>' in page
