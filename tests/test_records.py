from datetime import date, datetime
from decimal import Decimal

import pytest

from helpers import read
from models import Student, User

VALID = {
    "users": {"name": "Ada Lovelace", "email": "Ada@Example.org", "age": "36"},
    "students": {"name": "Ana Álvarez", "email": "ana@school.example", "grade": "7", "gpa": "3.25",
                 "birthday": "2012-05-01", "enrolled_on": "2024-09-01"},
}
MODELS = {"users": User, "students": Student}


def the_record(app, kind):
    """The one record the test made from VALID[kind]."""
    return read(app, MODELS[kind], email=VALID[kind]["email"].lower())[0]


@pytest.mark.parametrize("kind", ["users", "students"])
def test_create_redirects_to_detail_with_flash(client, app, kind):
    response = client.post(f"/{kind}/new", data=VALID[kind], follow_redirects=True)
    record = the_record(app, kind)
    assert response.request.path == f"/{kind}/{record.id}"
    assert f"“{VALID[kind]['name']}”" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["users", "students"])
def test_save_and_add_another_goes_to_a_new_form(client, kind):
    response = client.post(f"/{kind}/new", data={**VALID[kind], "then": "add-another"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{kind}/new"


def test_student_values_are_stored_exactly(client, app):
    client.post("/students/new", data=VALID["students"])
    student = read(app, Student)[0]
    assert (student.grade, student.gpa, student.birthday, student.enrolled_on) == (
        7, Decimal("3.25"), date(2012, 5, 1), date(2024, 9, 1))
    assert student.created_at and student.updated_at


@pytest.mark.parametrize("gpa, birthday", [("0.00", "1900-01-01"), ("0.01", "2000-02-29"), ("4.00", "2012-12-31")])
def test_edge_decimals_and_dates_are_stored_exactly(client, app, gpa, birthday):
    client.post("/students/new", data={**VALID["students"], "gpa": gpa, "birthday": birthday})
    student = read(app, Student)[0]
    assert (student.gpa, student.birthday) == (Decimal(gpa), date.fromisoformat(birthday))


def test_timestamps_keep_microseconds(app, add):
    moment = datetime(2024, 2, 29, 23, 59, 59, 999_999)
    add(User, name="Ada", email="ada@example.org", created_at=moment, updated_at=moment)
    user = read(app, User, email="ada@example.org")[0]
    assert (user.created_at, user.updated_at) == (moment, moment)


def test_email_is_stored_lowercase(client, app):
    client.post("/users/new", data=VALID["users"])
    assert read(app, User, name="Ada Lovelace")[0].email == "ada@example.org"


def test_enrolled_on_defaults_to_today(client):
    html = client.get("/students/new").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in html


@pytest.mark.parametrize("kind", ["users", "students"])
def test_duplicate_email_in_other_case_is_a_field_error(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    response = client.post(f"/{kind}/new", data={**VALID[kind], "email": VALID[kind]["email"].upper()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already has this email" in html
    assert 'aria-invalid="true"' in html
    assert len(read(app, MODELS[kind], email=VALID[kind]["email"].lower())) == 1


def test_emails_differing_only_in_accents_belong_to_different_people(client, app):
    for email in ("zoe@example.org", "zoë@example.org"):
        assert client.post("/users/new", data={"name": "Zoë", "email": email}).status_code == 302
    assert sorted(user.email for user in read(app, User, name="Zoë")) == ["zoe@example.org", "zoë@example.org"]


@pytest.mark.parametrize("kind", ["users", "students"])
def test_edit_changes_the_row_and_its_search_text(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    record = the_record(app, kind)
    response = client.post(f"/{kind}/{record.id}/edit", data={**VALID[kind], "name": "Grace Hopper"})
    assert response.headers["Location"] == f"/{kind}/{record.id}"
    edited = the_record(app, kind)
    assert edited.name == "Grace Hopper"
    assert "grace hopper" in edited.search_text
    assert edited.updated_at >= record.updated_at


def test_edit_keeps_own_email(client, app, add):
    user_id = add(User, name="Ada", email="ada@example.org")
    response = client.post(f"/users/{user_id}/edit", data={"name": "Ada L.", "email": "ada@example.org"})
    assert response.status_code == 302


def test_edit_form_shows_current_values(client, add):
    user_id = add(User, name="Ada", email="ada@example.org", age=36)
    html = client.get(f"/users/{user_id}/edit").get_data(as_text=True)
    assert 'value="Ada"' in html and 'value="36"' in html


@pytest.mark.parametrize("kind", ["users", "students"])
def test_detail_shows_the_record(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    record = the_record(app, kind)
    html = client.get(f"/{kind}/{record.id}").get_data(as_text=True)
    assert VALID[kind]["name"] in html and VALID[kind]["email"].lower() in html


@pytest.mark.parametrize("kind", ["users", "students"])
def test_delete_asks_first_naming_the_record(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    record = the_record(app, kind)
    html = client.get(f"/{kind}/{record.id}/confirm-delete").get_data(as_text=True)
    assert f"“{VALID[kind]['name']}”?" in html
    assert f'action="/{kind}/{record.id}/delete"' in html
    assert len(read(app, MODELS[kind], email=VALID[kind]["email"].lower())) == 1


@pytest.mark.parametrize("kind", ["users", "students"])
def test_delete_removes_and_returns_to_list(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    record = the_record(app, kind)
    response = client.post(f"/{kind}/{record.id}/delete", follow_redirects=True)
    assert response.request.path == f"/{kind}"
    assert f"Deleted {kind[:-1]} “{VALID[kind]['name']}” ({VALID[kind]['email'].lower()}" in response.get_data(as_text=True)
    assert read(app, MODELS[kind], email=VALID[kind]["email"].lower()) == []


@pytest.mark.parametrize("kind", ["users", "students"])
def test_delete_on_get_is_not_allowed(client, app, kind):
    client.post(f"/{kind}/new", data=VALID[kind])
    record = the_record(app, kind)
    response = client.get(f"/{kind}/{record.id}/delete")
    assert response.status_code == 405
    assert "Roster" in response.get_data(as_text=True)
    assert len(read(app, MODELS[kind], email=VALID[kind]["email"].lower())) == 1


@pytest.mark.parametrize("path", ["/users/999", "/students/999", "/users/999/edit", "/students/999/confirm-delete"])
def test_unknown_id_is_a_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert 'class="site-nav"' in response.get_data(as_text=True)


def test_unknown_id_delete_is_a_404(client):
    assert client.post("/students/999/delete").status_code == 404
