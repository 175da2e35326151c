"""Hostile text in the account forms and in every form: control characters, invalid UTF-8."""

import io

import pytest
import xlsxwriter

from helpers import PASSWORD, read
from models import Student, Upload, User


def post_raw(client, path, body: str):
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("email", ["root@example.org\x00", "ro\x00ot@example.org", "root@example.org\x1b"])
def test_control_characters_in_the_sign_in_email_are_a_field_error(anonymous, email):
    response = anonymous.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Remove the control characters" in response.get_data(as_text=True)


def test_an_overlong_sign_in_email_is_a_field_error(anonymous):
    response = anonymous.post("/sign-in", data={"email": "a" * 300 + "@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "characters or fewer" in response.get_data(as_text=True)


def test_control_characters_in_setup_are_field_errors(make_app):
    from models import db

    app = make_app()
    with app.app_context():
        db.create_all()
    response = app.test_client().post(
        "/setup", data={"name": "Ad\x00min", "email": "ad\x00min@example.org", "password": "a long passphrase", "confirm": "a long passphrase"}
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Remove the control characters") == 2


def test_a_nul_in_the_current_password_is_refused(client):
    response = client.post(
        "/account/password", data={"current_password": "x\x00" * 200, "new_password": "a long passphrase", "confirm": "a long passphrase"}
    )
    assert response.status_code == 200
    assert "characters or fewer" in response.get_data(as_text=True)


def test_invalid_utf8_in_a_record_form_is_a_field_error(app, client):
    response = post_raw(client, "/students/new", "name=Ana%E2%82&email=ana%40school.example&grade=5&enrolled_on=2024-09-01")
    assert response.status_code == 200
    assert "did not arrive as UTF-8" in response.get_data(as_text=True)
    assert read(app, Student, email="ana@school.example") == []


def test_invalid_utf8_in_a_multipart_form_is_a_field_error(app, client):
    response = client.post(
        "/students/new",
        data={"name": "Ana \ufffd", "email": "ana@school.example", "grade": "5", "enrolled_on": "2024-09-01"},
        content_type="multipart/form-data",
    )
    assert "did not arrive as UTF-8" in response.get_data(as_text=True)
    assert read(app, Student, email="ana@school.example") == []


def test_typed_percent_escapes_of_real_utf8_are_kept(app, client):
    response = post_raw(client, "/students/new", "name=100%2525+Ana+%25C3%25A9&email=ana%40school.example&grade=5&enrolled_on=2024-09-01")
    assert response.status_code == 302
    assert read(app, Student, email="ana@school.example")[0].name == "100%25 Ana %C3%A9"


def test_invalid_utf8_in_the_sign_in_form_is_a_field_error(anonymous):
    response = post_raw(anonymous, "/sign-in", f"email=root%40example.org%FF&password={PASSWORD}")
    assert response.status_code == 200
    assert "did not arrive as UTF-8" in response.get_data(as_text=True)
    assert anonymous.get("/students").status_code == 302


def test_invalid_utf8_in_a_user_form_is_a_field_error(app, client):
    response = post_raw(client, "/users/new", "name=Bo%C3&email=bo%40example.org&role=viewer&active=y")
    assert "did not arrive as UTF-8" in response.get_data(as_text=True)
    assert read(app, User, email="bo@example.org") == []


@pytest.mark.parametrize("gpa", ["sNaN", "-sNaN", "sNaN12"])
def test_a_signaling_nan_gpa_is_a_field_error(app, client, gpa):
    """Found by tests/test_fuzz.py: Decimal("sNaN") reached NumberRange, whose NaN check raises on it (a 500)."""
    response = client.post("/students/new", data={"name": "Ana", "email": "ana@school.example", "grade": "5",
                                                  "enrolled_on": "2024-09-01", "gpa": gpa})
    assert response.status_code == 200
    assert "at most two decimals" in response.get_data(as_text=True)
    assert read(app, Student, email="ana@school.example") == []


@pytest.mark.parametrize("value", ["n1e999999999", "n-1e999999999"])
def test_a_cursor_with_a_number_past_decimals_range_is_ignored(client, value):
    """Found by tests/test_fuzz.py: abs() of a Decimal past the context's exponent limit raised Overflow (a 500)."""
    response = client.get(f"/students?sort=gpa&page=2&cursor=1.1.{value}")
    assert response.status_code == 200


INTAKE = b"Name,Email,Grade\nBea,bea@school.example,3\n"


@pytest.mark.parametrize("filename, shown", [("intake\x00.csv", "intake.csv"), ("\u202evsc.ekatni", "vsc.ekatni"),
                                             ("\r\n\t", "file")], ids=["NUL", "right-to-left override", "blank"])
def test_an_uploads_name_is_kept_without_control_or_invisible_characters(app, client, filename, shown):
    """A browser may send any file name: a NUL in it was a 500 on PostgreSQL, which refuses to store one."""
    response = client.post("/students/import", data={"file": (io.BytesIO(INTAKE), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert [upload.filename for upload in read(app, Upload)] == [shown]


def test_another_persons_upload_is_not_found_at_any_step(app, client, client_as):
    map_page = client.post("/students/import", data={"file": (io.BytesIO(INTAKE), "intake.csv")},
                           content_type="multipart/form-data").headers["Location"]
    other = client_as("admin")
    for path in (map_page, f"{map_page}/checking", f"{map_page}/preview", f"{map_page}?encoding=cp1250"):
        assert other.get(path).status_code == 404, path
    assert other.post(map_page, data={"column-0": "name"}).status_code == 404
    assert other.post(f"{map_page}/preview", data={"seen": "", "since": "0"}).status_code == 404
    enrollments = map_page.replace("/students/import/", "/courses/enrollments/import/")
    assert client.get(enrollments).status_code == 404  # one's own, but of another kind
    assert read(app, Student) == []


@pytest.mark.parametrize("encoding", ["rot13", "utf_7", "undefined", "../../etc/passwd", "cp1250\x00"])
def test_an_encoding_not_offered_is_ignored(client, encoding):
    data = "Name,Email,Grade\nRenée,renee@school.example,3\n".encode("cp1252")
    map_page = client.post("/students/import", data={"file": (io.BytesIO(data), "intake.csv")},
                           content_type="multipart/form-data").headers["Location"]
    response = client.get(map_page, query_string={"encoding": encoding})
    assert response.status_code == 200 and "Renée" in response.get_data(as_text=True)


def test_a_workbook_of_more_shared_strings_than_an_import_reads_is_refused_unread(app, client, monkeypatch):
    """calamine reads every shared string, used or not: 20,000,000 of them in a file of 830 KB took 1.1 GB."""
    from spreadsheets import limits

    monkeypatch.setattr(limits, "SHARED_STRINGS_MAX", 20)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Name", "Email", "Grade"])
    for row in range(1, 11):  # 24 texts: the 3 column names, 10 names, 10 emails and "3"
        sheet.write_row(row, 0, [f"Student {row}", f"s{row}@school.example", "3"])
    workbook.close()
    response = client.post("/students/import", data={"file": (io.BytesIO(output.getvalue()), "intake.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The workbook holds more than 20 texts, more than an import reads" in response.get_data(as_text=True)
    assert read(app, Upload) == []
