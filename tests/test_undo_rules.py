"""Undo and Restore keep the rules every other way of changing records keeps: the site keeps an active admin, the
person undoing keeps their account, access and role; buttons a role may not use are not shown; a restored record
comes back as it was; and an undo says what it undid, in the words of what was done, and goes back where it was
asked."""

import re
from datetime import datetime

import pytest

from helpers import PASSWORD, read, signed_in
from models import ChangeSet, Course, Enrollment, Student, User, db
from records import undo as undoing

LISA = {"name": "Lisa Padilla", "email": "lisa@example.org", "role": "admin", "active": "y"}
STUDENT = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "7", "gpa": "3", "enrolled_on": "2024-09-01"}
OLD = datetime(2021, 3, 4, 5, 6, 7, 123456)


def newest_change_set(app) -> int:
    return max(change_set.id for change_set in read(app, ChangeSet))


def lisa_signed_in(app, client, **changed) -> tuple[int, int]:
    """Lisa, an admin added by root; her client, and the change set of `changed` made to her by root."""
    client.post("/users/new", data={**LISA, "new_password": PASSWORD, "confirm_password": PASSWORD})
    lisa = read(app, User, email=LISA["email"])[0]
    if changed:
        client.post(f"/users/{lisa.id}/edit", data={**LISA, **changed, "version": str(lisa.version)})
    return signed_in(app, LISA["email"]), newest_change_set(app)


def refused(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


def flashed(client) -> str:
    return client.get("/changes").get_data(as_text=True)


def test_undoing_the_creation_of_oneself_is_refused_and_deletes_nobody(app, client):
    lisa, created = lisa_signed_in(app, client)
    refused(lisa.post(f"/changes/{created}/undo"))
    assert "Not undone: This would delete your own account." in flashed(lisa)
    assert read(app, User, email=LISA["email"])[0].active
    assert read(app, ChangeSet, id=created)[0].undone_by_id is None  # nothing written


def test_undoing_a_role_change_that_made_oneself_admin_is_refused(app, client):
    client.post("/users/new", data={**LISA, "role": "editor"})
    lisa_id = read(app, User, email=LISA["email"])[0].id
    client.post(f"/users/{lisa_id}/edit", data={**LISA, "version": "1"})  # the role alone: undone by a statement
    promoted = newest_change_set(app)
    lisa = signed_in(app, LISA["email"])
    refused(lisa.post(f"/changes/{promoted}/undo"))
    assert "Not undone: This would make you an editor instead of an admin." in flashed(lisa)
    assert read(app, User, id=lisa_id)[0].role == "admin"


def test_undoing_a_change_of_ones_role_and_name_together_is_refused(app, client):
    client.post("/users/new", data={**LISA, "role": "editor"})
    lisa_id = read(app, User, email=LISA["email"])[0].id
    client.post(f"/users/{lisa_id}/edit", data={**LISA, "name": "Lisa P", "version": "1"})  # undone row by row
    lisa = signed_in(app, LISA["email"])
    refused(lisa.post(f"/changes/{newest_change_set(app)}/undo"))
    assert (read(app, User, id=lisa_id)[0].role, read(app, User, id=lisa_id)[0].name) == ("admin", "Lisa P")


def test_undoing_ones_reactivation_is_refused(app, client):
    lisa, _ = lisa_signed_in(app, client, active="")
    lisa_id = read(app, User, email=LISA["email"])[0].id
    client.post(f"/users/{lisa_id}/edit", data={**LISA, "version": "3"})
    lisa = signed_in(app, LISA["email"])
    refused(lisa.post(f"/changes/{newest_change_set(app)}/undo"))
    assert "Not undone: This would deactivate your own account." in flashed(lisa)
    assert read(app, User, id=lisa_id)[0].active


def test_the_only_admin_cannot_undo_the_command_that_added_them_and_setup_stays_shut(make_app):
    app = make_app()
    with app.app_context():
        db.create_all()
    app.test_cli_runner().invoke(args=["demo-accounts"])
    admin = signed_in(app, "admin@example.org")
    first = min(change_set.id for change_set in read(app, ChangeSet))
    admin.post(f"/changes/{first}/undo")
    assert "Not undone: This would delete your own account." in flashed(admin)
    assert read(app, User, email="admin@example.org", role="admin", active=True)
    assert app.test_client().get("/setup").status_code == 404


def test_an_undo_that_would_leave_no_active_admin_is_refused_whoever_asks(app, client):
    """Checked on the state the undo leaves, so it holds for any caller: here, none signed in."""
    _, created = lisa_signed_in(app, client)
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == "root@example.org").values(active=False))
        db.session.commit()
        with pytest.raises(undoing.Refused, match="This would leave no active admin"):
            undoing.undo(db.session.get(ChangeSet, created))
    assert read(app, User, email=LISA["email"], active=True)


@pytest.fixture
def no_admin_left(app, add):
    """A site with people who sign in, but whose every admin is inactive."""
    with app.app_context():
        db.session.execute(db.update(User).values(active=False))
        db.session.commit()
    add(User, name="An editor", email="editor@example.org", role="editor")
    return app


def set_active(app, client, email, active: bool, name=None):
    user = read(app, User, email=email)[0]
    data = {"name": name or user.name, "email": email, "role": user.role, "version": str(user.version)}
    assert client.post(f"/users/{user.id}/edit", data={**data, **({"active": "y"} if active else {})}).status_code == 302


# An undo puts a field of many rows back by set-based statements, and edits of several fields row by row: either way.
@pytest.mark.parametrize("renamed", [None, "Ed Itor"], ids=["reactivated", "reactivated and renamed"])
def test_a_user_deactivated_by_an_undo_stays_signed_out_when_made_active_again(app, client, client_as, renamed):
    client_as("editor")
    set_active(app, client, "editor@example.org", False)
    set_active(app, client, "editor@example.org", True, name=renamed)
    reactivation = newest_change_set(app)
    editor = signed_in(app, "editor@example.org")
    assert editor.get("/students").status_code == 200
    client.post(f"/changes/{reactivation}/undo")  # inactive again
    assert not read(app, User, email="editor@example.org")[0].active
    client.post(f"/changes/{newest_change_set(app)}/undo")  # and active again
    assert read(app, User, email="editor@example.org")[0].active
    assert editor.get("/students").status_code == 302  # the session it had before is over


def test_setup_is_shut_to_everyone_while_anyone_has_an_account(no_admin_left):
    anonymous = no_admin_left.test_client()
    page = anonymous.get("/setup")
    assert page.status_code == 403 and "flask --app app create-admin" in page.get_data(as_text=True)
    posted = anonymous.post("/setup", data={"name": "Evil", "email": "evil@example.org", "password": PASSWORD,
                                            "confirm": PASSWORD})
    assert posted.status_code == 403
    assert read(no_admin_left, User, email="evil@example.org") == []
    assert anonymous.get("/sign-in").status_code == 200  # the others still sign in


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=0001-01-01&until=9999-12-31",
                                   "until=0001-01-01", "since=9999-12-31", "kind=students&until=9999-12-31",
                                   "action=delete&since=0001-01-01&until=9999-12-31"])
def test_the_changes_page_takes_the_first_and_last_days_there_are(client, query):
    client.post("/students/new", data=STUDENT, follow_redirects=True)  # its message shown: not on the page below
    response = client.get(f"/changes?{query}")
    assert response.status_code == 200
    shown = "Ana Ruiz" in response.get_data(as_text=True)
    assert shown == (query.startswith(("since=0001", "kind", "action", "until=9999")) and "action" not in query)


def undo_buttons(client, path) -> int:
    """The Undo and Restore buttons of a page's changes (a message's Undo, shown once, shown before)."""
    client.get("/")
    return len(re.findall(r'<button type="submit" class="small">(?:Undo|Restore)</button>',
                          client.get(path).get_data(as_text=True).split("<main")[1]))


def test_viewers_are_shown_no_undo_or_restore(client, client_as):
    client.post("/students/new", data=STUDENT)
    client.post(f"/students/{read(client.application, Student)[0].id}/delete")
    viewer = client_as("viewer")
    assert undo_buttons(viewer, "/changes") == undo_buttons(viewer, "/changes?action=delete") == 0
    assert undo_buttons(client, "/changes") == 2


def test_editors_are_shown_undo_of_students_but_not_of_users(app, client, client_as, add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org")
    client.post("/students/new", data={**STUDENT, "advisor_id": str(lisa)})
    student = read(app, Student)[0].id
    client.post(f"/users/{lisa}/delete")  # also takes her off as Ana's advisor: a change of a student too
    editor = client_as("editor")
    html = editor.get("/changes").get_data(as_text=True).split("<main")[1]
    assert undo_buttons(editor, "/changes") == 1 and 'action="/changes/1/undo"' in html
    assert undo_buttons(editor, f"/students/{student}/history") == 1  # the add, not the user's delete
    assert undo_buttons(client, f"/students/{student}/history") == 2


def test_restoring_a_deleted_user_keeps_when_they_were_added(app, client, add):
    id = add(User, name="Lisa Padilla", email="lisa@example.org", created_at=OLD)
    client.post(f"/users/{id}/delete")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert read(app, User, id=id)[0].created_at == OLD


def test_restoring_a_user_says_their_password_must_be_set_again(app, client, add):
    id = add(User, name="Lisa Padilla", email="lisa@example.org", password_hash="scrypt:not-kept-by-the-history")
    client.post(f"/users/{id}/delete")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert ("Could not bring back the password of “Lisa Padilla” (the history never keeps one): set a new one."
            in flashed(client))
    assert read(app, User, id=id)[0].password_hash is None


def test_restoring_a_deleted_course_keeps_when_it_was_added(app, client, add):
    id = add(Course, code="MATH-1", title="Algebra", credits=1, created_at=OLD)
    client.post(f"/courses/{id}/delete")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert read(app, Course, id=id)[0].created_at == OLD


def test_undoing_the_undo_of_an_added_student_keeps_when_they_were_added(app, client):
    client.post("/students/new", data=STUDENT)
    student = read(app, Student)[0]
    client.post(f"/changes/{newest_change_set(app)}/undo")  # deleted by statements (records.bulk)
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert read(app, Student, id=student.id)[0].created_at == student.created_at


def test_undoing_a_removal_from_a_course_says_so_and_goes_back_to_the_course(app, client, add):
    course = add(Course, code="MATH-1", title="Algebra", credits=1)
    client.post("/students/new", data={**STUDENT, "course_ids": [str(course)]})
    student = read(app, Student)[0].id
    client.post(f"/courses/{course}/enrollments/{student}/delete")
    response = client.post(f"/changes/{newest_change_set(app)}/undo",
                           headers={"Referer": f"http://localhost/courses/{course}"})
    assert response.headers["Location"] == f"/courses/{course}"
    assert "Undone: removed Ana Ruiz from MATH-1." in client.get(f"/courses/{course}").get_data(as_text=True)
    assert [(e.student_id, e.course_id) for e in read(app, Enrollment)] == [(student, course)]


def test_undo_goes_to_the_history_when_the_page_it_was_asked_on_is_gone(app, client):
    client.post("/students/new", data=STUDENT)
    id = read(app, Student)[0].id
    response = client.post(f"/changes/{newest_change_set(app)}/undo",
                           headers={"Referer": f"http://localhost/students/{id}"})
    assert response.headers["Location"] == f"/students/{id}/history"


def test_undo_does_not_go_back_to_another_site(app, client):
    client.post("/students/new", data=STUDENT)
    id = read(app, Student)[0].id
    client.post(f"/students/{id}/edit", data={**STUDENT, "grade": "8", "version": "1"})
    response = client.post(f"/changes/{newest_change_set(app)}/undo", data={"next": "//evil.example/x"},
                           headers={"Referer": "http://evil.example/courses/1"})
    assert response.headers["Location"] == f"/students/{id}"


def test_an_undos_next_with_a_line_break_goes_to_the_row_not_to_an_error(app, client):
    client.post("/students/new", data=STUDENT)
    id = read(app, Student)[0].id
    client.post(f"/students/{id}/edit", data={**STUDENT, "grade": "8", "version": "1"})
    response = client.post(f"/changes/{newest_change_set(app)}/undo", data={"next": "/?\r"})
    assert response.headers["Location"] == f"/students/{id}"
    assert read(app, Student)[0].grade == 7


def test_restoring_a_user_says_what_came_back_with_them(app, client, add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org")
    for n in range(3):
        client.post("/students/new", data={**STUDENT, "email": f"s{n}@school.example", "advisor_id": str(lisa)})
    client.post(f"/users/{lisa}/delete")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert "Restored user “Lisa Padilla”, and gave back 3 students as advisees." in flashed(client)


def test_history_shows_a_gpa_as_every_page_does(app, client):
    client.post("/students/new", data=STUDENT)
    id = read(app, Student)[0].id
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "3.5", "version": "1"})
    html = client.get(f"/students/{id}/history").get_data(as_text=True)
    assert "<dd>3.00</dd>" in html and "GPA: <del>3.00</del> → <ins>3.50</ins>" in html
