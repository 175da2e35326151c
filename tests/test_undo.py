"""Undo: every change set can be put back by someone allowed to make it, and an undo is a change set too."""

import re

from helpers import read
from models import Change, ChangeSet, Course, Enrollment, Student, User

STUDENT = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "7", "gpa": "3.00", "enrolled_on": "2024-09-01"}


def newest_change_set(app) -> int:
    return max(change_set.id for change_set in read(app, ChangeSet))


def undo(client, app, **form):
    return client.post(f"/changes/{newest_change_set(app)}/undo", data=form)


def new_student(client, app, **values):
    client.post("/students/new", data={**STUDENT, **values})
    return read(app, Student)[-1].id


def test_the_flash_after_a_save_offers_undo(client, app):
    html = client.post("/students/new", data=STUDENT, follow_redirects=True).get_data(as_text=True)
    assert re.search(rf'<form method="post" action="/changes/{newest_change_set(app)}/undo">', html)


def test_undo_of_an_edit_puts_the_fields_back(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "grade": "8", "version": "1"})
    response = undo(client, app)
    assert response.headers["Location"] == f"/students/{id}"
    student = read(app, Student, id=id)[0]
    assert (str(student.gpa), student.grade, student.version) == ("3.00", 7, 3)
    assert "Undone: changed student “Ana Ruiz”." in client.get(f"/students/{id}").get_data(as_text=True)


def test_undo_of_a_delete_brings_the_student_back_with_the_same_id_and_enrollments(client, app, add):
    math, art = add(Course, code="MATH-1", title="Algebra", credits=1), add(Course, code="ART-1", title="Art", credits=1)
    id = new_student(client, app, course_ids=[str(math), str(art)])
    client.post(f"/students/{id}/delete")
    client.post(f"/courses/{art}/delete")  # deleted meanwhile: that enrollment cannot come back
    deleting = [c.change_set_id for c in read(app, Change, action="delete", table_name="students")][0]
    response = client.post(f"/changes/{deleting}/undo", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == f"/students/{id}"
    assert "Could not bring back the enrollment in ART-1, which has been deleted." in html
    student = read(app, Student, id=id)[0]
    assert (student.name, str(student.gpa), student.grade) == ("Ana Ruiz", "3.00", 7)
    assert [e.course_id for e in read(app, Enrollment, student_id=id)] == [math]


def test_undo_of_a_create_deletes_the_record(client, app):
    id = new_student(client, app)
    assert undo(client, app).headers["Location"] == f"/students/{id}/history"
    assert read(app, Student) == []


def test_an_undo_can_be_undone(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "version": "1"})
    undo(client, app)
    undo(client, app)
    assert str(read(app, Student, id=id)[0].gpa) == "2.00"


def test_undo_asks_before_overwriting_a_later_change_to_the_same_field(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "version": "1"})
    first = newest_change_set(app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.50", "version": "2"})
    asked = client.post(f"/changes/{first}/undo")
    assert asked.status_code == 200 and "Undo over later changes?" in asked.get_data(as_text=True)
    assert str(read(app, Student, id=id)[0].gpa) == "2.50"  # nothing changed yet
    client.post(f"/changes/{first}/undo", data={"overwrite": "yes", "seen": "1"})  # as the confirmation counted
    assert str(read(app, Student, id=id)[0].gpa) == "3.00"


def test_a_later_change_to_other_fields_does_not_stop_an_undo(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "version": "1"})
    first = newest_change_set(app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "grade": "9", "version": "2"})
    assert client.post(f"/changes/{first}/undo").status_code == 302
    student = read(app, Student, id=id)[0]
    assert (str(student.gpa), student.grade) == ("3.00", 9)


def test_undo_of_an_enrollment_takes_the_student_off_again(client, app, add):
    course = add(Course, code="MATH-1", title="Algebra", credits=1)
    id = new_student(client, app)
    client.post(f"/courses/{course}/enrollments", data={"student_id": id})
    undo(client, app)
    assert read(app, Enrollment) == []


def test_undo_of_a_deleted_user_relinks_their_advisees(client, app, add):
    adviser = add(User, name="Lisa Padilla", email="lisa@example.org")
    id = new_student(client, app, advisor_id=str(adviser))
    client.post(f"/users/{adviser}/delete")
    undo(client, app)
    assert read(app, Student, id=id)[0].advisor_id == adviser


def test_an_editor_may_not_undo_a_change_to_a_user(app, client, client_as, add):
    id = add(User, name="Lisa Padilla", email="lisa@example.org")
    client.post(f"/users/{id}/edit", data={"name": "Lisa P", "email": "lisa@example.org", "role": "viewer",
                                          "active": "y", "version": "1"})
    assert undo(client_as("editor"), app).status_code == 403
    assert read(app, User, id=id)[0].name == "Lisa P"


def test_an_undone_change_is_marked_and_not_undone_twice(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/edit", data={**STUDENT, "gpa": "2.00", "version": "1"})
    first = newest_change_set(app)
    client.post(f"/changes/{first}/undo")
    html = client.get(f"/students/{id}/history").get_data(as_text=True)
    assert "Undone by Root Admin" in html
    client.post(f"/changes/{first}/undo")
    assert len([c for c in read(app, ChangeSet) if c.undoes_id == first]) == 1


def test_a_deleted_students_id_is_not_given_to_the_next_one_so_it_can_come_back(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/delete")
    deleting = newest_change_set(app)
    newer = new_student(client, app, email="other@school.example")
    assert newer != id
    client.post(f"/changes/{deleting}/undo")
    assert {s.id for s in read(app, Student)} == {id, newer}


def test_deleting_a_user_is_in_each_advisees_history_and_undo_puts_it_back(client, app, add):
    adviser = add(User, name="Lisa Padilla", email="lisa@example.org")
    ids = [new_student(client, app, email=f"s{n}@school.example", advisor_id=str(adviser)) for n in range(3)]
    client.post(f"/users/{adviser}/delete")
    html = client.get(f"/students/{ids[0]}/history").get_data(as_text=True)
    assert re.search(r"Advisor: <del>Lisa Padilla</del> → <ins>—</ins>", html)
    undo(client, app)
    assert [read(app, Student, id=id)[0].advisor_id for id in ids] == [adviser] * 3
    redo = client.get(f"/students/{ids[0]}/history").get_data(as_text=True)
    assert re.search(r"Advisor: <del>—</del> → <ins>Lisa Padilla</ins>", redo)


def test_recently_deleted_lists_deletes_with_restore(client, app):
    id = new_student(client, app)
    client.post(f"/students/{id}/delete")
    html = client.get("/changes").get_data(as_text=True)
    assert 'href="/changes?action=delete">Recently deleted</a>' in html
    deleted = client.get("/changes?action=delete").get_data(as_text=True)
    assert deleted.count(">Restore</button>") == 1 and ">Undo</button>" not in deleted.split("<main")[1]


def test_undo_of_taking_a_student_off_a_course_puts_them_back(client, app, add):
    course = add(Course, code="MATH-1", title="Algebra", credits=1)
    id = new_student(client, app, course_ids=[str(course)])
    client.post(f"/courses/{course}/enrollments/{id}/delete")
    undo(client, app)
    assert [(e.student_id, e.course_id) for e in read(app, Enrollment)] == [(id, course)]
