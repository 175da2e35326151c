"""Undo where the world moved on: a value it would put back is taken, a related user is gone, a later change is
to be replaced. Never a 500, never half applied silently, and said plainly."""

import pytest

from helpers import read
from models import ChangeSet, Course, Student, User
from records import undo as undoing
from test_bulk import confirm
from test_undo import STUDENT, new_student, newest_change_set

LISA = {"name": "Lisa Padilla", "email": "lisa@example.org"}


def messages(client) -> str:
    return client.get("/changes").get_data(as_text=True)


def edit(client, id, **values):
    version = read(client.application, Student, id=id)[0].version
    client.post(f"/students/{id}/edit", data={**STUDENT, **values, "version": str(version)})
    return newest_change_set(client.application)


def undone(app, change_set_id) -> bool:
    return read(app, ChangeSet, id=change_set_id)[0].undone_by_id is not None


def test_undo_that_would_put_back_an_email_now_taken_is_refused_naming_who_has_it(client, app):
    id = new_student(client, app)
    changed = edit(client, id, email="ana.ruiz@school.example")
    other = new_student(client, app, name="Ana Other")  # takes ana@school.example
    response = client.post(f"/changes/{changed}/undo")
    assert response.status_code == 302
    assert (f'Not undone: the email ana@school.example is now used by student <a href="/students/{other}">“Ana Other”'
            "</a>. Change it there first, then undo again.") in messages(client)
    assert read(app, Student, id=id)[0].email == "ana.ruiz@school.example" and not undone(app, changed)


def test_restore_of_a_student_whose_email_was_taken_since_is_refused(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/delete")
    deleted = newest_change_set(app)
    other = new_student(client, app, name="Ana Other")
    assert client.post(f"/changes/{deleted}/undo").status_code == 302
    assert f'now used by student <a href="/students/{other}">“Ana Other”</a>' in messages(client)
    assert [s.id for s in read(app, Student)] == [other] and not undone(app, deleted)


def test_restore_of_a_course_whose_code_was_taken_since_is_refused(client, app, add):
    id = add(Course, code="MATH-1", title="Algebra", credits=1)
    client.post(f"/courses/{id}/delete")
    deleted = newest_change_set(app)
    other = add(Course, code="MATH-1", title="Geometry", credits=2)
    client.post(f"/changes/{deleted}/undo")
    assert f'the code MATH-1 is now used by course <a href="/courses/{other}">“MATH-1 Geometry”</a>' in messages(client)
    assert [c.id for c in read(app, Course)] == [other]


def test_undo_of_a_users_email_change_now_taken_is_refused(client, app, add):
    id = add(User, **LISA)
    client.post(f"/users/{id}/edit", data={**LISA, "email": "lp@example.org", "role": "viewer", "active": "y",
                                          "version": "1"})
    changed = newest_change_set(app)
    other = add(User, name="Lisa Other", email="lisa@example.org")
    client.post(f"/changes/{changed}/undo")
    assert f'the email lisa@example.org is now used by user <a href="/users/{other}">“Lisa Other”</a>' in messages(client)
    assert read(app, User, id=id)[0].email == "lp@example.org"


def test_bulk_restore_with_two_emails_taken_since_names_one_and_counts_the_other(client, app, add):
    ids = [new_student(client, app, email=f"s{n}@school.example") for n in range(3)]
    confirm(client, "/students/bulk", action="delete", all="1", query="")
    deleted = newest_change_set(app)
    for n in (0, 2):
        new_student(client, app, name=f"New {n}", email=f"s{n}@school.example")
    client.post(f"/changes/{deleted}/undo")
    assert "(1 other value too)" in messages(client)
    assert not set(ids) & {s.id for s in read(app, Student)} and not undone(app, deleted)


@pytest.mark.parametrize("delete_first", [False, True], ids=["update", "insert"])
def test_a_value_taken_at_the_same_moment_is_refused_by_the_database_and_said_alike(client, app, monkeypatch,
                                                                                      delete_first):
    """The check before writing misses it (taken after the check): the constraint refuses, all is rolled back."""
    id = new_student(client, app)
    if delete_first:
        client.post(f"/students/{id}/delete")
    else:
        edit(client, id, email="ana.ruiz@school.example")
    to_undo = newest_change_set(app)
    other = new_student(client, app, name="Ana Other")
    checks = iter([None])  # the first check sees no clash; the one after the database refused sees it
    clash = undoing.Plan.clash
    monkeypatch.setattr(undoing.Plan, "clash", lambda plan: next(checks, None) or clash(plan))
    assert client.post(f"/changes/{to_undo}/undo").status_code == 302
    assert f'now used by student <a href="/students/{other}">“Ana Other”</a>' in messages(client)
    assert {s.id for s in read(app, Student)} == ({other} if delete_first else {id, other})
    assert not undone(app, to_undo)


def test_undo_of_unsetting_an_advisor_deleted_since_is_refused_saying_so(client, app, add, client_as):
    lisa = add(User, **LISA)
    id = new_student(client, app, advisor_id=str(lisa))
    editor = client_as("editor")
    changed = edit(editor, id, advisor_id="")
    client.post(f"/users/{lisa}/delete")
    assert editor.post(f"/changes/{changed}/undo").status_code == 302
    assert ("Not undone: nothing could be put back: the advisor Lisa Padilla of student “Ana Ruiz”, who has been "
            "deleted since.") in messages(editor)
    assert read(app, Student, id=id)[0].advisor_id is None and not undone(app, changed)


def test_undo_of_an_edit_puts_back_the_rest_when_its_advisor_was_deleted_since(client, app, add):
    lisa = add(User, **LISA)
    id = new_student(client, app, advisor_id=str(lisa))
    changed = edit(client, id, advisor_id="", name="Ana R")
    client.post(f"/users/{lisa}/delete")
    client.post(f"/changes/{changed}/undo")
    html = messages(client)
    assert "Undone: changed student “Ana R”." in html
    assert "Could not bring back the advisor Lisa Padilla of student “Ana Ruiz”, who has been deleted since." in html
    assert (read(app, Student, id=id)[0].name, read(app, Student, id=id)[0].advisor_id) == ("Ana Ruiz", None)


def test_restore_of_a_student_and_a_course_whose_advisor_and_teacher_were_deleted_since(client, app, add):
    lisa = add(User, **LISA)
    id = new_student(client, app, advisor_id=str(lisa))
    course = add(Course, code="MATH-1", title="Algebra", credits=1, teacher_id=lisa)
    client.post(f"/students/{id}/delete")
    student_deleted = newest_change_set(app)
    client.post(f"/courses/{course}/delete")
    course_deleted = newest_change_set(app)
    client.post(f"/users/{lisa}/delete")
    client.post(f"/changes/{student_deleted}/undo")
    client.post(f"/changes/{course_deleted}/undo")
    assert read(app, Student, id=id)[0].advisor_id is None and read(app, Course, id=course)[0].teacher_id is None
    html = messages(client)
    assert "Could not bring back the advisor Lisa Padilla of student “Ana Ruiz”, who has been deleted since." in html
    assert "Could not bring back the teacher Lisa Padilla of course “MATH-1 Algebra”" in html


def test_undo_of_a_bulk_set_advisor_puts_back_those_whose_advisor_is_still_there(client, app, add):
    lisa, omar = add(User, **LISA), add(User, name="Omar Haddad", email="omar@example.org")
    with_lisa = [new_student(client, app, email=f"s{n}@school.example", advisor_id=str(lisa)) for n in range(2)]
    without = new_student(client, app)
    confirm(client, "/students/bulk", action="set-advisor", all="1", query="", advisor_id=str(omar))
    bulk = newest_change_set(app)
    client.post(f"/users/{lisa}/delete")
    client.post(f"/changes/{bulk}/undo")
    assert "Could not bring back the advisor Lisa Padilla of 2 students, who has been deleted since." in messages(client)
    assert [read(app, Student, id=id)[0].advisor_id for id in [*with_lisa, without]] == [omar, omar, None]


@pytest.mark.parametrize("field, values", [("grade", ["9", "8", "2"]), ("name", ["Ana", "Ana B", "Ana C"]),
                                           ("gpa", ["3.00", "2.00", "1.00"])])
def test_undo_anyway_replaces_a_later_change_of_the_same_field(client, app, field, values):
    id = new_student(client, app, **{field: values[0]})
    first = edit(client, id, **{field: values[1]})
    edit(client, id, **{field: values[2]})
    asked = client.post(f"/changes/{first}/undo").get_data(as_text=True)
    assert "Undo anyway" in asked
    client.post(f"/changes/{first}/undo", data={"overwrite": "yes", "seen": "1"})
    assert str(getattr(read(app, Student, id=id)[0], field)) == values[0]
    assert "Undone: changed student" in messages(client) and undone(app, first)


def test_undo_anyway_of_a_bulk_set_advisor_replaces_a_later_advisor(client, app, add):
    lisa, omar, zoe = (add(User, name=n, email=f"{n}@example.org") for n in ("Lisa", "Omar", "Zoe"))
    ids = [new_student(client, app, email=f"s{n}@school.example", advisor_id=str(lisa)) for n in range(3)]
    confirm(client, "/students/bulk", action="set-advisor", all="1", query="", advisor_id=str(omar))
    bulk = newest_change_set(app)
    edit(client, ids[1], email="s1@school.example", advisor_id=str(zoe))
    client.post(f"/changes/{bulk}/undo", data={"overwrite": "yes", "seen": "1"})
    assert [read(app, Student, id=id)[0].advisor_id for id in ids] == [lisa] * 3


def test_undo_that_changes_nothing_says_so_not_undone(client, app):
    id = new_student(client, app)
    first = edit(client, id, grade="8")
    edit(client, id, grade="7")
    client.post(f"/changes/{first}/undo", data={"overwrite": "yes", "seen": "1"})
    assert "Not undone: everything it changed is as it was before already" in messages(client)
    assert not undone(app, first)


def test_restoring_a_user_leaves_an_advisee_given_another_advisor_since_without_asking(client, app, add):
    lisa, omar = add(User, **LISA), add(User, name="Omar Haddad", email="omar@example.org")
    ids = [new_student(client, app, email=f"s{n}@school.example", advisor_id=str(lisa)) for n in range(2)]
    client.post(f"/users/{lisa}/delete")
    deleted = newest_change_set(app)
    edit(client, ids[1], email="s1@school.example", advisor_id=str(omar))
    assert client.post(f"/changes/{deleted}/undo").status_code == 302  # not asked: nothing is replaced
    assert [read(app, Student, id=id)[0].advisor_id for id in ids] == [lisa, omar]
    assert "Restored user “Lisa Padilla”, and gave back 1 student as advisees." in messages(client)


def test_restoring_a_user_counts_the_courses_given_back_not_those_given_to_another_since(client, app, add):
    lisa, omar = add(User, **LISA), add(User, name="Omar Haddad", email="omar@example.org")
    ids = [add(Course, code=f"ART-{n}", title="Art", credits=1, teacher_id=lisa) for n in range(3)]
    client.post(f"/users/{lisa}/delete")
    deleted = newest_change_set(app)
    for id in ids[1:]:
        version = read(app, Course, id=id)[0].version
        client.post(f"/courses/{id}/edit", data={"code": f"ART-{ids.index(id)}", "title": "Art", "credits": "1",
                                                 "teacher_id": str(omar), "version": str(version)})
    assert client.post(f"/changes/{deleted}/undo").status_code == 302
    assert [read(app, Course, id=id)[0].teacher_id for id in ids] == [lisa, omar, omar]
    assert "Restored user “Lisa Padilla”, and gave back 1 course to teach." in messages(client)


def test_the_undo_confirmation_names_the_change_being_undone(client, app):
    id = new_student(client, app)
    first = edit(client, id, grade="8")
    edit(client, id, grade="2")
    html = client.post(f"/changes/{first}/undo").get_data(as_text=True)
    assert "<strong>changed student “Ana Ruiz”</strong>" in html


def test_undoing_an_undo_says_redone(client, app):
    id = new_student(client, app)
    edit(client, id, grade="8")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert "Redone: changed student “Ana Ruiz”." in messages(client)
    assert read(app, Student, id=id)[0].grade == 8


def test_undoing_the_undo_of_a_bulk_change_says_redone_in_its_words(client, app, add):
    lisa = add(User, **LISA)
    new_student(client, app)
    confirm(client, "/students/bulk", action="set-advisor", all="1", query="", advisor_id=str(lisa))
    client.post(f"/changes/{newest_change_set(app)}/undo")
    client.post(f"/changes/{newest_change_set(app)}/undo")
    assert "Redone: set advisor on 1 student." in messages(client)


def test_undoing_an_import_counts_what_it_added_by_table(client, app):
    from test_import import HEADER, confirm, preview
    rows = "".join(f"Person {n},p{n}@school.example,7,,2024-09-01,3.00,,\n" for n in range(3))
    page, address = preview(client, (HEADER + rows).encode())
    assert confirm(client, address, page).status_code == 302
    imported = newest_change_set(app)
    changes = messages(client)
    assert "Import of file.csv: added 3 students" in changes and "Bulk:" not in changes
    edit(client, read(app, Student)[0].id, name="Person 0", email="p0@school.example", grade="8")  # so it asks
    asked = client.post(f"/changes/{imported}/undo").get_data(as_text=True)
    assert "<strong>import of file.csv: added 3 students</strong>" in asked
    client.post(f"/changes/{imported}/undo", data={"overwrite": "yes", "seen": "1"})
    assert "Undone: import of file.csv: added 3 students." in messages(client)
    assert read(app, Student) == []
