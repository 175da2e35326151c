"""Hostile text in the account forms and in every form: control characters, invalid UTF-8."""

import pytest

from helpers import PASSWORD, read
from models import Student, User


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
