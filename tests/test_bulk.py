"""Bulk actions: on the ticked rows or on every row a list matches, behind a confirmation that counts, set-based,
one change set each, undoable."""

import json
import re
from urllib.parse import urlencode

import pytest

from helpers import read
from models import Change, ChangeSet, Course, Enrollment, Student, User


def students(add, n, **values):
    return add.many(Student, [{"name": f"Student {i:03}", "email": f"s{i}@school.example", "grade": 9, **values}
                              for i in range(n)])


def confirm(client, path, **form):
    """Posts the action's first step, then its preview, then confirms what the preview showed."""
    form.setdefault("then", "preview")
    page = client.post(path, data=form)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    assert hidden, html
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"').replace("&quot;", '"')
    return client.post(path, data={**form, **hidden, "then": "run"}), html


def newest_change_set(app):
    return max(read(app, ChangeSet), key=lambda c: c.id)


def test_set_advisor_on_every_matching_student_is_one_undoable_change_set(client, app, add):
    lisa, omar = add(User, name="Lisa Padilla", email="lisa@example.org"), add(User, name="Omar Haddad", email="omar@example.org")
    ids = students(add, 30, advisor_id=lisa) + students(add, 0)
    other = add(Student, name="Other", email="other@school.example", grade=10, advisor_id=lisa)
    response, preview = confirm(client, "/students/bulk", action="set-advisor", all="1", query="grade=9",
                                advisor_id=str(omar))
    assert "30 students will get Omar Haddad as advisor." in preview
    assert "Now: Lisa Padilla (30)." in preview
    assert response.status_code == 302 and response.headers["Location"] == "/students?grade=9"
    assert {s.id for s in read(app, Student, advisor_id=omar)} == set(ids)
    assert read(app, Student, id=other)[0].advisor_id == lisa
    change_set = newest_change_set(app)
    assert change_set.summary == "set advisor on 30 students"
    changes = read(app, Change, change_set_id=change_set.id)
    assert len(changes) == 30
    assert json.loads(changes[0].data) == {"advisor_id": [lisa, omar]}
    assert json.loads(changes[0].labels) == {"advisor_id": {str(lisa): "Lisa Padilla", str(omar): "Omar Haddad"}}
    assert {s.version for s in read(app, Student, advisor_id=omar)} == {2}
    page = client.get("/students?grade=9", follow_redirects=True).get_data(as_text=True)
    assert "Set advisor on 30 students." in page
    client.post(f"/changes/{change_set.id}/undo")
    assert {s.id for s in read(app, Student, advisor_id=lisa)} == set(ids) | {other}


def test_ticked_rows_only(client, app, add):
    ids = students(add, 5)
    confirm(client, "/students/bulk", action="set-grade", id=[str(i) for i in ids[:2]], grade="11")
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 9, 11, 11]


def test_move_up_a_grade_keeps_or_deletes_grade_12(client, app, add):
    nine, twelve = students(add, 3, grade=9), add(Student, name="Senior", email="senior@school.example", grade=12)
    response, preview = confirm(client, "/students/bulk", action="move-up", all="1", query="", twelfth="keep")
    assert "Grade 9 → 10: 3 students." in preview and "Grade 12: 1 student, who stay in grade 12." in preview
    assert sorted(s.grade for s in read(app, Student)) == [10, 10, 10, 12]
    page = client.post("/students/bulk", data={"action": "move-up", "all": "1", "query": "", "twelfth": "delete",
                                               "then": "preview"}).get_data(as_text=True)
    assert "Tick this to confirm that the grade 12 students are deleted." in page
    confirm(client, "/students/bulk", action="move-up", all="1", query="", twelfth="delete", delete_twelfth="y")
    assert sorted(s.grade for s in read(app, Student)) == [11, 11, 11]
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert sorted(s.grade for s in read(app, Student)) == [10, 10, 10, 12]
    assert read(app, Student, id=twelve)[0].name == "Senior"


def test_enroll_and_remove_from_a_course(client, app, add):
    ids = students(add, 4)
    course = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Enrollment, student_id=ids[0], course_id=course)
    response, preview = confirm(client, "/students/bulk", action="enroll", all="1", query="grade=9", course_id=str(course))
    assert "3 students will be enrolled in MATH-101 Algebra." in preview and "1 student is on it already." in preview
    assert sorted(e.student_id for e in read(app, Enrollment, course_id=course)) == sorted(ids)
    changes = read(app, Change, change_set_id=newest_change_set(app).id)
    course_change = [c for c in changes if c.table_name == "courses"][0]
    assert sorted(json.loads(course_change.data)["student_ids"]["+"]) == sorted(ids[1:])
    assert len([c for c in changes if c.table_name == "students"]) == 3
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert [e.student_id for e in read(app, Enrollment, course_id=course)] == [ids[0]]
    confirm(client, "/students/bulk", action="unenroll", all="1", query="", course_id=str(course))
    assert read(app, Enrollment) == []


def test_delete_students_with_enrollments_and_undo_brings_them_back(client, app, add):
    ids = students(add, 3, gpa=None)
    course = add(Course, code="ART-1", title="Art", credits=1)
    add.many(Enrollment, [{"student_id": id, "course_id": course} for id in ids])
    response, preview = confirm(client, "/students/bulk", action="delete", all="1", query="")
    assert "3 students will be deleted." in preview and "3 enrollments will be removed with them." in preview
    assert read(app, Student) == [] and read(app, Enrollment) == []
    deleted = read(app, Change, change_set_id=newest_change_set(app).id)
    assert json.loads(deleted[0].data)["course_ids"] == [[course], None]
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert sorted(s.id for s in read(app, Student)) == sorted(ids)
    assert len(read(app, Enrollment)) == 3


def test_viewers_see_no_checkboxes_and_may_not_post(client_as, add):
    students(add, 2)
    viewer = client_as("viewer")
    assert 'name="id"' not in viewer.get("/students").get_data(as_text=True)
    assert viewer.post("/students/bulk", data={"action": "delete", "all": "1", "query": ""}).status_code == 403


def test_a_forged_query_string_is_refused(client, app, add):
    students(add, 2)
    response = client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "grade=9&evil=1"})
    assert response.status_code == 400
    assert "evil" in response.get_data(as_text=True)
    assert len(read(app, Student)) == 2


def test_a_row_changed_after_the_confirmation_asks_again(client, app, add):
    ids = students(add, 3)
    form = {"action": "set-grade", "all": "1", "query": "", "grade": "10", "then": "preview"}
    html = client.post("/students/bulk", data=form).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    confirm(client, "/students/bulk", action="set-grade", id=[str(ids[0])], grade="11")  # a colleague, meanwhile
    page = client.post("/students/bulk", data={**form, **hidden, "then": "run"})
    assert page.status_code == 200
    assert "1 of these students changed since you were shown what would happen" in page.get_data(as_text=True)
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 11]


def test_the_last_admin_cannot_be_demoted_and_oneself_needs_a_second_yes(client, app, add):
    root = read(app, User)[0]
    page = client.post("/users/bulk", data={"action": "set-role", "id": [str(root.id)], "query": "", "role": "viewer",
                                            "then": "preview"}).get_data(as_text=True)
    assert "This would leave no active admin" in page
    other = add(User, name="Second Admin", email="second@example.org", role="admin")
    page = client.post("/users/bulk", data={"action": "deactivate", "id": [str(root.id), str(other)], "query": ""})
    assert "This would leave no active admin" in page.get_data(as_text=True)
    add(User, name="Third Admin", email="third@example.org", role="admin")
    response, preview = confirm(client, "/users/bulk", action="set-role", id=[str(root.id)], query="", role="editor")
    assert "You are one of them" in response.get_data(as_text=True)
    assert read(app, User, id=root.id)[0].role == "admin"
