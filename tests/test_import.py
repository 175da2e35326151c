"""Import: upload, match columns, preview, confirm; all or nothing, one change set, undoable; bad files refused."""

import html
import io
import re
from datetime import date

import pytest
import xlsxwriter

from helpers import read
from models import ChangeSet, Course, Enrollment, Student, Upload, User
from spreadsheets import reading
from views.uploads import UPLOADS_PER_USER

HEADER = "Name,Email,Grade,Birthday,Enrolled on,GPA,Advisor,Courses\n"


def upload(client, data: bytes, kind="students", filename="file.csv"):
    return client.post(f"/{kind}/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview(client, data: bytes, kind="students", filename="file.csv", mapping=None):
    """Uploads, keeps (or sets) the column matching, and returns the preview page's response and its address."""
    response = upload(client, data, kind, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    map_page = response.headers["Location"]
    if mapping is not None:
        client.post(map_page, data={f"column-{i}": name for i, name in enumerate(mapping)})
    address = f"{map_page}/preview"
    return client.get(address), address


def confirm(client, address, page=None, **kwargs):
    """Presses Import on the preview `page` (or on the preview as it is now): the form carries what it showed."""
    page = (page or client.get(address)).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="(seen|since)" value="([^"]*)">', page))
    return client.post(address, data=fields, **kwargs)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def counts(response) -> tuple:
    found = re.search(r"Rows (\S+) New \w+ (\S+) Updated (\S+) Unchanged (\S+) Problems (\S+)", text(response))
    return tuple(int(n.replace(",", "")) for n in found.groups())


@pytest.fixture
def school(add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org", role="editor")
    math = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Course, code="ART-001", title="Drawing", credits=2)
    add(Student, name="Ana Ruiz", email="ana@school.example", grade=7, advisor_id=lisa)
    add(Enrollment, student_id=1, course_id=math)
    return lisa, math


def test_export_imported_back_changes_nothing(client, app, school):
    for kind in ("students", "users", "courses"):
        exported = client.get(f"/{kind}/export").data
        response, _ = preview(client, exported, kind)
        rows = len(exported.decode().strip().splitlines()) - 1
        assert counts(response) == (rows, 0, 0, rows, 0), kind
        assert "nothing to import" in text(response)


def test_preview_counts_new_updated_and_unchanged_and_writes_nothing(client, app, school):
    data = (HEADER + "Ana Ruiz,ana@school.example,8,,2024-09-01,,lisa@example.org,MATH-101\n"
            "Bea Brown,bea@school.example,3,,2024-09-01,3.5,,\"MATH-101, ART-001\"\n").encode()
    response, _ = preview(client, data)
    assert counts(response) == (2, 1, 1, 0, 0)
    assert [s.name for s in read(app, Student)] == ["Ana Ruiz"] and read(app, Student)[0].grade == 7


def test_preview_names_each_change_by_its_label_with_the_old_and_new_value(client, school):
    data = (HEADER + "Ana Ruiz,ana@school.example,8,2014-05-01,2024-09-01,3.25,,MATH-101\n").encode()
    page = text(preview(client, data)[0])
    assert "Grade: 7 → 8" in page and "Birthday: — → 2014-05-01" in page and "GPA: — → 3.25" in page
    assert "Advisor" in page.split("What changes", 1)[1]  # a related row: named, without its ids
    assert "advisor_id" not in page and "gpa" not in page


def test_preview_names_the_advisor_before_and_after_and_the_courses_added_and_removed(client, add, school):
    lisa, math = school
    add(User, name="Omar Haddad", email="omar@example.org", role="editor")
    add(Course, code="SCI-1", title="Science", credits=1)
    data = (HEADER + "Ana Ruiz,ana@school.example,7,,2024-09-01,,omar@example.org,\"ART-001, SCI-1\"\n").encode()
    page = text(preview(client, data)[0])
    assert "Advisor: Lisa Padilla → Omar Haddad" in page
    assert "Courses: added ART-001, SCI-1; removed MATH-101" in page
    data = (HEADER + "Ana Ruiz,ana@school.example,7,,2024-09-01,,,\n").encode()
    page = text(preview(client, data)[0])
    assert "Advisor: Lisa Padilla → —" in page and "Courses: removed MATH-101" in page


def test_preview_names_advisors_by_as_many_statements_for_thirty_rows_as_for_three(client, add, count_statements):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org", role="editor")
    add.many(Student, [{"name": f"S{n}", "email": f"s{n}@school.example", "advisor_id": lisa,
                        "enrolled_on": date(2024, 9, 1)} for n in range(30)])
    advisors = add.many(User, [{"name": f"A{n}", "email": f"a{n}@example.org"} for n in range(30)])

    def statements(rows: int) -> int:
        data = HEADER + "".join(f"S{n},s{n}@school.example,5,,2024-09-01,,a{n}@example.org,\n" for n in range(rows))
        count_statements.clear()
        page = text(preview(client, data.encode())[0])
        assert f"Advisor: Lisa Padilla → A{rows - 1}" in page
        return len(count_statements)

    assert statements(3) == statements(30) and len(advisors) == 30


def test_preview_lists_every_problem_with_its_row_column_and_the_forms_message(client, school):
    data = (HEADER + "Bea,bea@school.example,13,,2024-09-01,,,\n"
            "Cid,not-an-email,3,,2024-09-01,,,\n"
            "Dan,dan@school.example,3,,2024-09-01,,nobody@example.org,NOPE-1\n").encode()
    page = text(preview(client, data)[0])
    assert "2 Grade Enter a whole number from 1 to 12." in page
    assert "3 Email Enter an email address like name@example.org." in page
    assert "4 Advisor No user has the email “nobody@example.org”." in page
    assert "4 Courses No course has the code “NOPE-1”." in page
    assert "nothing can be imported yet" in page


def test_confirmed_import_writes_every_row_as_one_undoable_change_set(client, app, school):
    data = (HEADER + "Ana Ruiz,ana@school.example,8,,2024-09-01,,lisa@example.org,ART-001\n"
            "Bea Brown,bea@school.example,3,,2024-09-01,3.5,,MATH-101\n").encode()
    _, address = preview(client, data)
    response = confirm(client, address, follow_redirects=True)
    assert "Imported file.csv: 2 rows: 1 new, 1 updated, 0 unchanged." in text(response)
    assert {(s.name, s.grade) for s in read(app, Student)} == {("Ana Ruiz", 8), ("Bea Brown", 3)}
    assert {(e.student_id, e.course_id) for e in read(app, Enrollment)} == {(1, 2), (2, 1)}
    assert len(read(app, ChangeSet)) == 1 and read(app, Upload) == []
    undone = client.post(f"/changes/{read(app, ChangeSet)[0].id}/undo", follow_redirects=True)
    assert undone.status_code == 200
    assert [(s.name, s.grade) for s in read(app, Student)] == [("Ana Ruiz", 7)]
    assert {(e.student_id, e.course_id) for e in read(app, Enrollment)} == {(1, 1)}



def test_imported_and_renamed_rows_sort_and_search_by_their_new_names(client, app, school):
    """An import writes by statements, without the ORM's events: it makes the folded sort key and the search text
    itself, for new rows and for renamed ones."""
    data = (HEADER + "Zoe Álvarez,ana@school.example,7,,2024-09-01,,,\n"
            "Émile Bernard,emile@school.example,3,,2024-09-01,,,\n").encode()
    _, address = preview(client, data)
    confirm(client, address)
    assert {(s.name, s.sort_name, s.search_text) for s in read(app, Student)} == {
        ("Zoe Álvarez", "zoe alvarez", "zoe alvarez ana@school.example"),
        ("Émile Bernard", "emile bernard", "emile bernard emile@school.example")}
    listed = text(client.get("/students?sort=name"))
    assert listed.index("Émile Bernard") < listed.index("Zoe Álvarez")
    assert "Zoe Álvarez" in text(client.get("/students?q=zo"))

def test_a_problem_in_the_last_row_at_confirmation_writes_nothing(client, app, school, add):
    rows = "".join(f"S{n},s{n}@school.example,3,,2024-09-01,,,\n" for n in range(50))
    data = (HEADER + rows + "Last,last@school.example,3,,2024-09-01,,,ART-001\n").encode()
    response, address = preview(client, data)
    assert counts(response) == (51, 51, 0, 0, 0)
    client.post("/courses/2/delete")  # meanwhile, the last row's course is deleted
    refused = confirm(client, address, response)
    assert refused.status_code == 400 and "52 Courses No course has the code “ART-001”." in text(refused)
    assert [s.name for s in read(app, Student)] == ["Ana Ruiz"]


def test_users_are_imported_without_passwords(client, app, school):
    response, address = preview(client, b"Name,Email,Role\nNew Person,new@example.org,editor\n", "users")
    assert counts(response) == (1, 1, 0, 0, 0)
    confirm(client, address)
    new = read(app, User, email="new@example.org")[0]
    assert (new.role, new.active, new.password_hash) == ("editor", True, None)


def test_a_user_deactivated_by_an_import_is_signed_out_for_good(client, client_as, app):
    editor = client_as("editor")
    assert editor.get("/students").status_code == 200
    for active in ("no", "yes"):  # deactivated, then active again
        response, address = preview(client, f"Email,Active\neditor@example.org,{active}\n".encode(), "users")
        assert counts(response) == (1, 0, 1, 0, 0)
        assert confirm(client, address).status_code == 302
    assert read(app, User, email="editor@example.org")[0].active
    assert editor.get("/students").status_code == 302  # the session it had before is over


def test_an_import_may_not_leave_no_active_admin(client, school):
    page = text(preview(client, b"Email,Role\nroot@example.org,viewer\n", "users")[0])
    assert "2 Role After this import no active admin would be left" in page


def test_enrollments_are_imported_by_student_email_and_course_code(client, app, school):
    data = b"Student,Course\nana@school.example,ART-001\nana@school.example,MATH-101\nana@school.example,GONE-1\n"
    page = text(preview(client, data, "courses/enrollments")[0])
    assert "4 Course No course has the code “GONE-1”." in page
    response, address = preview(client, data[:-len(b"ana@school.example,GONE-1\n")], "courses/enrollments")
    assert counts(response) == (2, 1, 0, 1, 0)
    confirm(client, address)
    assert {e.course_id for e in read(app, Enrollment)} == {1, 2}


def test_the_preview_names_the_advisor_and_courses_an_update_changes(client, school):
    response, _ = preview(client, b"Name,Email,Advisor,Courses\nAna Ruiz,ana@school.example,,ART-001\n")
    page = text(response)
    assert "Advisor: Lisa Padilla → —" in page
    assert "Courses: added ART-001; removed MATH-101" in page


def test_a_role_is_read_whatever_its_case_and_an_unknown_one_lists_the_roles(client, app, school):
    data = b"Name,Email,Role\nBea,bea@staff.example,Editor\nCid,cid@staff.example, ADMIN \nDee,dee@staff.example,boss\n"
    page = text(preview(client, data, "users")[0])
    assert "4 Role Write one of: viewer, editor, admin." in page and "Not a valid choice" not in page
    assert "2 Role" not in page and "3 Role" not in page
    _, address = preview(client, data[:data.index(b"Dee")], "users")
    confirm(client, address)
    assert {u.email: u.role for u in read(app, User) if "staff" in u.email} == {"bea@staff.example": "editor",
                                                                              "cid@staff.example": "admin"}


def test_a_new_rows_blank_cells_take_the_forms_defaults_as_a_column_left_out_does(client, app, school):
    _, address = preview(client, b"Name,Email,Role,Active\nBea,bea@staff.example,,\n", "users")
    confirm(client, address)
    assert [(u.role, u.active) for u in read(app, User, email="bea@staff.example")] == [("viewer", True)]
    _, address = preview(client, (HEADER + "Cid,cid@school.example,3,,,,,\n").encode())
    confirm(client, address)
    assert [s.enrolled_on for s in read(app, Student, email="cid@school.example")] == [date.today()]


def test_columns_can_be_matched_by_hand_or_ignored(client, app, school):
    data = b"Full name,E-mail address,Year,Notes\nBea Brown,bea@school.example,3,likes art\n"
    response, _ = preview(client, data, mapping=["name", "email", "grade", ""])
    assert counts(response) == (1, 1, 0, 0, 0)


@pytest.mark.parametrize("data, shown", [
    ("\ufeffName,Email,Grade\nZoë,zoe@school.example,3\n".encode(), None),
    ("Name\tEmail\tGrade\nZoë\tzoe@school.example\t3\n".encode("utf-16"), "UTF-16"),
    ("Name,Email,Grade\nZoë Renée,zoe@school.example,3\n".encode("cp1252"), "read as Windows-1252"),
    ("Name;Email;Grade\nZoë;zoe@school.example;3\n".encode(), "separated by semicolons"),
    ("Name,Email,Grade,Enrolled on\n\"Zoë\nsecond line\",zoe@school.example,3,2024-09-01\n".encode(), None),
], ids=["utf-8 with bom", "utf-16", "windows-1252", "semicolons", "quoted newline"])
def test_files_of_each_encoding_and_delimiter_are_read(client, app, school, data, shown):
    response, _ = preview(client, data)
    page = text(response)
    if shown:
        assert shown in page
    if "second line" in data.decode(errors="ignore"):
        assert "2 Name Remove the control characters" in page  # a name may not hold a line break, as in the form
    else:
        assert counts(response) == (1, 1, 0, 0, 0)
        assert "Zoë" in client.get(re.sub(r"/preview$", "", response.request.path)).get_data(as_text=True)


def test_a_file_with_question_marks_for_letters_its_encoding_lacks_renames_nobody(client, app, add):
    add(Student, name="Jane Dương", email="jane@school.example", grade=3)
    add(Student, name="Zoë Renée", email="zoe@school.example", grade=3)
    data = "Name,Email,Grade\nJane D??ng,jane@school.example,3\nZoë Renée,zoe@school.example,4\n".encode("cp1252")
    page = text(preview(client, data)[0])
    assert ("2 Name The file has “?” in place of letters of “Jane Dương”: it was saved in an encoding without them. "
            "Save it as “CSV UTF-8” and upload it again.") in page
    assert "3 Name" not in page and {s.name for s in read(app, Student)} == {"Jane Dương", "Zoë Renée"}


def test_the_preview_lists_the_new_rows_as_read_so_their_accents_can_be_checked(client, school):
    data = "Name,Email,Grade\nZoë Renée,zoe@school.example,3\nJosé Muñoz,jose@school.example,4\n".encode("cp1252")
    page = text(preview(client, data)[0])
    assert "read as Windows-1252" in page
    assert "New students Row Name Email 2 Zoë Renée zoe@school.example 3 José Muñoz jose@school.example" in page


def test_a_gpa_with_a_decimal_comma_as_european_excel_writes_it_is_read_as_a_number(client, app, school):
    data = "Name;Email;Grade;GPA\nZoë;zoe@school.example;3;3,5\nBea;bea@school.example;3;3,25\n".encode("cp1252")
    response, address = preview(client, data)
    assert counts(response) == (2, 2, 0, 0, 0)
    confirm(client, address)
    assert sorted(str(s.gpa) for s in read(app, Student) if s.gpa is not None) == ["3.25", "3.50"]


def test_empty_columns_without_a_header_at_the_right_are_not_offered_for_matching(client, school):
    data = b"Name,Email,Grade,,,\r\nBea,bea@school.example,3,,,\r\nCid,cid@school.example,3,,x,\r\n,,,,,\r\n"
    page = client.get(upload(client, data).headers["Location"]).get_data(as_text=True)
    assert page.count("(no header)") == 2  # the one with a value in it, and the empty one before it; not the last


@pytest.mark.parametrize("data, filename, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.png", "This is not a CSV or XLSX file."),
    (b"", "empty.csv", "The file is empty."),
    (b"\xef\xbb\xbf\r\n", "blank.csv", "The file is empty."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", "This is an old Excel workbook (.xls)."),
    (b"PK\x03\x04" + b"\x00" * 64, "broken.xlsx", "not an Excel workbook (.xlsx) that can be read"),
    (b"Name,Email,Grade\n", "header.csv", "The file has a header row but no rows under it."),
], ids=["not a spreadsheet", "empty", "only a byte-order mark", "xls", "broken xlsx", "no rows"])
def test_a_bad_file_is_refused_with_a_message_and_nothing_kept(client, app, data, filename, message):
    response = upload(client, data, filename=filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert read(app, Upload) == []


def xlsx_with(cells: dict[tuple[int, int], str]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    for (row, column), value in cells.items():
        sheet.write(row, column, value)
    workbook.close()
    return output.getvalue()


@pytest.mark.parametrize("far", [(1_048_575, 10), (1_048_575, 16_383)], ids=["K1048576", "XFD1048576"])
def test_an_xlsx_cell_far_from_the_table_is_refused_before_the_sheet_is_read(client, app, far):
    # calamine makes one block of every cell from A1 to the farthest: XFD1048576 (a file of 6 KB) asked for 512 GB
    # and aborted the server's process; K1048576 took 20 s and 400 MB.
    data = xlsx_with({(0, 0): "Name", (0, 1): "Email", (0, 2): "Grade", (1, 0): "Bea", (1, 1): "bea@school.example",
                      (1, 2): "3", far: "x"})
    response = upload(client, data, filename="intake.xlsx")
    assert response.status_code == 400
    assert "The first sheet reaches 1,048,576 rows down" in text(response)
    assert read(app, Upload) == []


def test_cells_without_a_place_are_placed_after_the_last_as_calamine_places_them():
    header = b"".join(b"<c t=\"inlineStr\"><is><t>%d</t></is></c>" % n for n in range(11))
    with pytest.raises(reading.BadFile, match="1,000,000 rows down and 11 columns across"):
        reading.check_extent(b"<sheetData><row>" + header + b"</row><row r=\"1000000\"><c><v>1</v></c></row></sheetData>")
    reading.check_extent(b"<sheetData><row>" + header + b"</row><row r=\"900000\"><c><v>1</v></c></row></sheetData>")


def test_only_a_persons_newest_uploads_are_kept(client, app):
    data = b"Name,Email,Grade\nBea,bea@school.example,3\n"
    first, *others = [upload(client, data).headers["Location"] for _ in range(UPLOADS_PER_USER + 1)]
    assert client.get(first).status_code == 404
    assert all(client.get(address).status_code == 200 for address in others)
    assert len(read(app, Upload)) == UPLOADS_PER_USER


def test_a_file_of_more_columns_than_an_import_reads_is_refused(client, app):
    data = (",".join(f"Column {n}" for n in range(1001)) + "\n" + "x," * 1000 + "x\n").encode()
    response = upload(client, data)
    assert response.status_code == 400
    assert "The header row has 1,001 columns, more than an import reads (1,000)" in text(response)
    assert read(app, Upload) == []


def test_an_xlsx_that_unpacks_to_more_than_the_limit_is_refused_unread(client, app, monkeypatch):
    monkeypatch.setattr(reading, "UNPACKED_MAX", 2000)
    response = upload(client, xlsx_with({(0, 0): "Name", (1, 0): "Bea"}), filename="intake.xlsx")
    assert response.status_code == 400 and "The workbook unpacks to more than" in text(response)
    assert read(app, Upload) == []


def test_a_missing_required_column_is_a_problem_of_the_file(client, school):
    page = text(preview(client, b"Name,Email\nBea,bea@school.example\n")[0])
    assert "The file has new students but no column for Grade, which every new student needs." in page


def test_a_file_without_the_key_column_says_which_to_choose(client, school):
    page = text(preview(client, b"Name,Grade\nBea,3\n")[0])
    assert "Choose the column with each student's email: it says which student a row is." in page


def test_a_title_above_the_column_names_is_named_with_what_to_do(client, school):
    # A title above several columns is left out (test_import_layout); above one, it may be the column's name.
    page = text(preview(client, b"Class 9B intake 2025\r\nEmail\r\nbea@school.example\r\n")[0])
    assert ("The first row, “Class 9B intake 2025”, is read as the column names: if it is a title, delete the rows "
            "above the column names and upload the file again.") in page


def test_duplicate_emails_in_the_file_are_a_problem_of_the_later_row(client, school):
    data = b"Name,Email,Grade\nBea,bea@school.example,3\nBea again,BEA@school.example,4\n"
    page = text(preview(client, data)[0])
    assert "3 Email Row 2 has this email too: each student may be in the file once." in page


def test_a_10000_character_cell_gets_the_forms_length_message(client, school):
    data = f"Name,Email,Grade\n{'x' * 10_000},bea@school.example,3\n".encode()
    assert "2 Name Shorten it to 100 characters or fewer." in text(preview(client, data)[0])


def test_a_formula_is_a_problem_but_an_exported_neutralised_one_is_its_text(client, app, school):
    data = b"Name,Email,Grade\n=HYPERLINK(\"http://x\"),bea@school.example,3\n'=Cid,cid@school.example,3\n"
    page = text(preview(client, data)[0])
    assert "2 Name Starts with “=”, so a spreadsheet would run it as a formula" in page
    assert "3 Name" not in page


def test_an_xlsx_file_is_read_with_its_typed_cells(client, app, school):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Name", "Email", "Grade", "GPA"])
    sheet.write_row(1, 0, ["Bea", "bea@school.example", 3, 3.25])
    workbook.close()
    response, address = preview(client, output.getvalue(), filename="intake.xlsx")
    assert counts(response) == (1, 1, 0, 0, 0)
    confirm(client, address)
    assert str(read(app, Student, email="bea@school.example")[0].gpa) == "3.25"


def workbook_of(*sheets: tuple[str, list[list]]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    workbook.close()
    return output.getvalue()


def test_a_workbook_whose_first_sheet_has_no_rows_names_the_sheet_read(client, app, school):
    data = workbook_of(("Read me", [["Fill in the Students sheet"]]),
                       ("Students", [["Name", "Email", "Grade"], ["Bea", "bea@school.example", 3]]))
    response = upload(client, data, filename="intake.xlsx")
    assert response.status_code == 400
    assert ("The file has a header row but no rows under it. Only the first of its 2 sheets, “Read me”, is read: "
            "move the sheet to import to the front") in text(response)
    assert read(app, Upload) == []


def test_a_workbook_of_several_sheets_says_which_is_read(client, school):
    data = workbook_of(("Students", [["Name", "Email", "Grade"], ["Bea", "bea@school.example", 3]]),
                       ("Notes", [["Ask Lisa about Bea"]]))
    response, _ = preview(client, data, filename="intake.xlsx")
    assert "Only the first of its 2 sheets, “Students”, is read." in text(response)
    assert counts(response) == (1, 1, 0, 0, 0)


def test_a_file_over_the_import_limit_is_refused_while_other_forms_keep_theirs(make_app, app):
    limited = make_app(IMPORT_MAX_BYTES=2000)
    from helpers import signed_in

    client = signed_in(limited, "root@example.org")
    response = upload(client, HEADER.encode() + b"x" * 3000)
    assert response.status_code == 400 and "larger than" in response.get_data(as_text=True)
    assert upload(client, HEADER.encode() + b"Bea,bea@school.example,3,,2024-09-01,,,\n").status_code == 302
    too_long = client.post("/students/new", data={"name": "x" * (1024 * 1024 + 10)})
    assert too_long.status_code == 413


def test_viewers_may_not_import(client_as):
    assert client_as("viewer").get("/students/import").status_code == 403


def test_import_command_names_the_columns_it_ignores_a_blank_header_too(runner, school, tmp_path):
    file = tmp_path / "intake.csv"
    file.write_text("Name,Email,Grade,,Notes\nBea,bea@school.example,3,x,likes art\n")
    result = runner.invoke(args=["import", "students", str(file), "--dry-run"])
    assert "Ignored columns: (no header), Notes." in result.output


def test_import_command_dry_run_checks_and_writes_nothing(runner, app, school, tmp_path):
    file = tmp_path / "intake.csv"
    file.write_text(HEADER + "Bea,bea@school.example,13,,2024-09-01,,,\n")
    result = runner.invoke(args=["import", "students", str(file), "--dry-run"])
    assert result.exit_code == 1 and "Row 2, grade: Enter a whole number from 1 to 12." in result.output
    file.write_text(HEADER + "Bea,bea@school.example,3,,2024-09-01,,,\n")
    result = runner.invoke(args=["import", "students", str(file), "--dry-run"])
    assert "Would import intake.csv: 1 row: 1 new" in result.output and len(read(app, Student)) == 1
    result = runner.invoke(args=["import", "students", str(file)])
    assert result.exit_code == 0 and len(read(app, Student)) == 2


def test_import_command_reads_a_csv_in_the_encoding_given(runner, app, school, tmp_path):
    file = tmp_path / "intake.csv"
    file.write_bytes("Name,Email,Grade\nRenée Čapek,renee@school.example,3\n".encode("cp1250"))
    result = runner.invoke(args=["import", "students", str(file), "--dry-run"])
    assert "read as Windows-1252" in result.output  # a guess the file cannot correct
    result = runner.invoke(args=["import", "students", str(file), "--encoding", "cp1250"])
    assert result.exit_code == 0, result.output
    assert "Renée Čapek" in {student.name for student in read(app, Student)}
