"""The bad input of issue 14 that test_bulk.py does not cover already: each gets a clear message and writes nothing
(no row changed, no change set), on every backend."""

import html

import pytest

from helpers import read
from models import ChangeSet, Course, Student, User
from test_bulk import students
from test_bulk_together import previewed


def nothing_written(app, grades=(9, 9)):
    assert sorted(s.grade for s in read(app, Student)) == sorted(grades)
    assert [c.summary for c in read(app, ChangeSet) if c.summary] == []


def test_ticked_rows_all_deleted_say_so_and_write_nothing(client, app, add, client_as):
    ids = students(add, 2)
    run = previewed(client, {"action": "set-grade", "grade": "10", "id": [str(id) for id in ids]})
    editor = client_as("editor")
    for id in ids:
        assert editor.post(f"/students/{id}/delete").status_code == 302
    page = client.post("/students/bulk", data=run)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 of the 2 ticked students no longer exist (deleted meanwhile)" in html
    assert "None of the ticked students exist any more. Nothing was changed." in html
    nothing_written(app, grades=())


@pytest.mark.parametrize("ids", [["abc"], ["0", "-5"], ["99999999999999999999"]])
def test_ids_no_row_could_have_are_said_and_write_nothing(client, app, add, ids):
    students(add, 2)
    response = client.post("/students/bulk", data={"action": "delete", "id": ids, "query": "", "then": "run"},
                           follow_redirects=True)
    assert "Tick the students to act on, or select all that match." in response.get_data(as_text=True)
    nothing_written(app)


@pytest.mark.parametrize("query, said", [
    ("grade=9&evil=1", "The selection names what the students list does not have (evil): go back to the list and "
                       "select again."),
    ("grade=nine", "The selection's Grade is not valid: go back to the list and select again."),
])
def test_a_forged_all_matching_query_string_is_said_and_writes_nothing(client, app, add, query, said):
    students(add, 2)
    response = client.post("/students/bulk", data={"action": "set-grade", "grade": "10", "all": "1", "query": query,
                                                   "then": "run"})
    assert response.status_code == 400 and said in html.unescape(response.get_data(as_text=True))
    nothing_written(app)


@pytest.mark.parametrize("role, path, action", [("viewer", "/students/bulk", "set-grade"),
                                                ("viewer", "/courses/bulk", "delete"),
                                                ("editor", "/users/bulk", "deactivate")])
def test_an_action_the_role_may_not_take_is_said_and_writes_nothing(client_as, app, add, role, path, action):
    students(add, 2)
    add(Course, code="ART-1", title="Art", credits=1)
    person = client_as(role)
    response = person.post(path, data={"action": action, "grade": "10", "all": "1", "query": "", "then": "run"})
    assert response.status_code == 403
    assert f"Your role ({role}) may not do this; ask an admin." in response.get_data(as_text=True)
    nothing_written(app)
    assert len(read(app, Course)) == 1 and all(u.active for u in read(app, User))


def test_a_post_without_the_csrf_token_says_so_and_writes_nothing(app, client, add):
    students(add, 2)
    run = previewed(client, {"action": "set-grade", "grade": "10", "all": "1", "query": ""})
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/students/bulk", data=run)
    assert response.status_code == 400 and "so it was not sent: nothing was saved" in response.get_data(as_text=True)
    nothing_written(app)


@pytest.mark.parametrize("grade", ["0", "13", "-1", "9.5", ""])
def test_a_grade_out_of_range_at_the_confirmation_is_said_and_writes_nothing(client, app, add, grade):
    students(add, 2)
    run = previewed(client, {"action": "set-grade", "grade": "10", "all": "1", "query": ""})
    page = client.post("/students/bulk", data={**run, "grade": grade})
    assert page.status_code == 200
    said = "Enter a grade." if grade == "" else "A grade is a whole number from 1 to 12."
    assert said in page.get_data(as_text=True)
    nothing_written(app)


@pytest.mark.parametrize("path, action, field", [("/students/bulk", "set-advisor", "advisor_id"),
                                                 ("/courses/bulk", "set-teacher", "teacher_id")])
def test_an_advisor_deactivated_after_the_confirmation_is_said_and_nothing_is_written(client, app, add, path, action,
                                                                                      field):
    leaving = add(User, name="Leaving Soon", email="leaving@example.org")
    students(add, 2)
    add(Course, code="ART-1", title="Art", credits=1)
    run = previewed(client, {"action": action, field: str(leaving), "all": "1", "query": ""}, path)
    deactivate = previewed(client, {"action": "deactivate", "id": [str(leaving)], "query": ""}, "/users/bulk")
    assert client.post("/users/bulk", data=deactivate).status_code == 302
    page = client.post(path, data=run)
    assert page.status_code == 200
    assert "Leaving Soon has been deactivated: choose someone active." in page.get_data(as_text=True)
    assert {s.advisor_id for s in read(app, Student)} == {None} and {c.teacher_id for c in read(app, Course)} == {None}
    assert [c.summary for c in read(app, ChangeSet) if c.summary] == ["deactivated 1 user"]
