"""Two people editing one record: a save over a newer version merges what each changed, and never silently drops
what the other saved."""

import re

import pytest

from helpers import PASSWORD, read, signed_in
from models import Change, Course, Enrollment, Student, User, db

RECORDS = {
    "students": (Student, {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "7", "gpa": "3.00",
                           "enrolled_on": "2024-09-01"}, "gpa", "name"),
    "users": (User, {"name": "Omar Haddad", "email": "omar@example.org", "age": "40", "role": "viewer", "active": "y"},
              "age", "name"),
    "courses": (Course, {"code": "MATH-101", "title": "Algebra", "credits": "3"}, "credits", "title"),
}


@pytest.fixture
def maria(app):
    """A second admin, editing in her own browser."""
    with app.app_context():
        user = User(name="Maria Lopez", email="maria@example.org", role="admin")
        user.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
        db.session.add(user)
        db.session.commit()
    return signed_in(app, "maria@example.org")


def created(client, app, kind):
    model, values, *_ = RECORDS[kind]
    assert client.post(f"/{kind}/new", data=values).status_code == 302
    return read(app, model)[-1].id, dict(values, version="1")


@pytest.mark.parametrize("kind", RECORDS)
def test_fields_changed_on_each_side_are_merged(app, client, maria, kind):
    model, values, number, text = RECORDS[kind]
    id, opened = created(client, app, kind)
    first = {"students": "2.00", "users": "41", "courses": "4"}[kind]
    assert maria.post(f"/{kind}/{id}/edit", data={**opened, number: first}).status_code == 302
    response = client.post(f"/{kind}/{id}/edit", data={**opened, text: "Renamed"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Maria Lopez changed the" in html and "your changes were saved with it" in html
    row = read(app, model, id=id)[0]
    assert (str(getattr(row, number)), getattr(row, text), row.version) == (first, "Renamed", 3)


@pytest.mark.parametrize("kind", RECORDS)
def test_a_field_both_changed_is_not_saved_and_shows_both_values(app, client, maria, kind):
    model, values, number, _ = RECORDS[kind]
    id, opened = created(client, app, kind)
    theirs, mine = {"students": ("2.00", "3.50"), "users": ("41", "42"), "courses": ("4", "5")}[kind]
    maria.post(f"/{kind}/{id}/edit", data={**opened, number: theirs})
    response = client.post(f"/{kind}/{id}/edit", data={**opened, number: mine})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Maria Lopez saved “{theirs}” here on" in html and f'value="{mine}"' in html
    assert 'name="version" type="hidden" value="2"' in html
    assert str(getattr(read(app, model, id=id)[0], number)) == theirs  # nothing lost
    resolved = client.post(f"/{kind}/{id}/edit", data={**opened, number: mine, "version": "2"})
    assert resolved.status_code == 302 and str(getattr(read(app, model, id=id)[0], number)) == mine


def test_a_conflict_keeps_their_other_changes_in_the_form(app, client, maria):
    id, opened = created(client, app, "students")
    maria.post(f"/students/{id}/edit", data={**opened, "gpa": "2.00", "grade": "8"})
    html = client.post(f"/students/{id}/edit", data={**opened, "gpa": "3.50"}).get_data(as_text=True)
    assert re.search(r'name="grade"[^>]*value="8"', html)  # saving this form again keeps Maria's grade


def test_courses_added_and_removed_on_both_sides_are_all_kept(app, client, maria, add):
    math, art, music = (add(Course, code=code, title=code, credits=1) for code in ("MATH-1", "ART-1", "MUS-1"))
    model, values, *_ = RECORDS["students"]
    client.post("/students/new", data={**values, "course_ids": [str(math), str(art)]})
    id = read(app, Student)[0].id
    opened = {**values, "version": "1"}
    maria.post(f"/students/{id}/edit", data={**opened, "course_ids": [str(math), str(art), str(music)]})
    client.post(f"/students/{id}/edit", data={**opened, "course_ids": [str(math)]})
    assert sorted(e.course_id for e in read(app, Enrollment, student_id=id)) == sorted([math, music])


def test_enrolling_from_the_course_page_while_the_student_is_edited_is_kept(app, client, maria, add):
    math = add(Course, code="MATH-1", title="Algebra", credits=1)
    id, opened = created(client, app, "students")
    maria.post(f"/courses/{math}/enrollments", data={"student_id": id})
    client.post(f"/students/{id}/edit", data={**opened, "grade": "8"})
    assert read(app, Student, id=id)[0].grade == 8
    assert [e.course_id for e in read(app, Enrollment, student_id=id)] == [math]


def test_a_delete_confirmed_at_an_older_version_asks_again(app, client, maria):
    id, opened = created(client, app, "students")
    maria.post(f"/students/{id}/edit", data={**opened, "gpa": "2.00"})
    response = client.post(f"/students/{id}/delete", data={"version": "1"}, follow_redirects=True)
    assert response.request.path == f"/students/{id}/confirm-delete"
    assert "was changed after you were asked: look again before deleting" in response.get_data(as_text=True)
    assert read(app, Student, id=id)
    assert 'name="version" value="2"' in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_record_deleted_while_you_edit_says_so_and_offers_to_restore_it(app, client, maria, method):
    id, opened = created(client, app, "students")
    maria.post(f"/students/{id}/delete")
    response = client.open(f"/students/{id}/edit", method=method, data={**opened, "gpa": "2.00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Student “Ana Ruiz” was deleted" in html and "Maria Lopez deleted it on" in html
    assert ("your changes are not saved" in html) == (method == "POST")
    [deleting] = [change.change_set_id for change in read(app, Change, action="delete")]
    assert f'action="/changes/{deleting}/undo">' in html.split("Restore it")[0][-300:]
    assert client.post(f"/changes/{deleting}/undo").headers["Location"] == f"/students/{id}"
    assert read(app, Student, id=id)[0].name == "Ana Ruiz"


def test_a_record_never_made_is_a_plain_404(client):
    response = client.get("/students/999")
    assert response.status_code == 404 and "was deleted" not in response.get_data(as_text=True)


def test_enrolling_someone_enrolled_meanwhile_says_so(app, client, maria, add):
    math = add(Course, code="MATH-1", title="Algebra", credits=1)
    id, _ = created(client, app, "students")
    maria.post(f"/courses/{math}/enrollments", data={"student_id": id})
    html = client.post(f"/courses/{math}/enrollments", data={"student_id": id}, follow_redirects=True).get_data(as_text=True)
    assert "“Ana Ruiz” (" in html and ") was enrolled in MATH-1 already." in html


def test_taking_off_someone_taken_off_meanwhile_says_so(app, client, maria, add):
    math = add(Course, code="MATH-1", title="Algebra", credits=1)
    id, _ = created(client, app, "students")
    client.post(f"/courses/{math}/enrollments", data={"student_id": id})
    maria.post(f"/courses/{math}/enrollments/{id}/delete")
    response = client.post(f"/courses/{math}/enrollments/{id}/delete", follow_redirects=True)
    assert response.request.path == f"/courses/{math}"
    assert "That student is not on this course any more" in response.get_data(as_text=True)


def test_on_the_conflict_screen_one_can_take_their_value_instead(app, client, maria):
    id, opened = created(client, app, "students")
    maria.post(f"/students/{id}/edit", data={**opened, "gpa": "2.00"})
    html = client.post(f"/students/{id}/edit", data={**opened, "gpa": "3.50"}).get_data(as_text=True)
    assert 'name="take" value="gpa"' in html
    taken = client.post(f"/students/{id}/edit", data={**opened, "gpa": "3.50", "version": "2", "take": "gpa"})
    page = taken.get_data(as_text=True)
    assert taken.status_code == 200 and re.search(r'name="gpa"[^>]*value="2.00"', page)
    assert "GPA now shows the value saved meanwhile" in page
    assert client.post(f"/students/{id}/edit", data={**opened, "gpa": "2.00", "version": "2"}).status_code == 302
    assert str(read(app, Student, id=id)[0].gpa) == "2.00"
