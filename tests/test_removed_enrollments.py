"""Undoing a change that took students off courses puts the enrollments back with the dates they had, not today's:
the bulk "Remove from a course", the course page's taking one student off, a student's form, an import; and undoing that undo
takes them off again, so that undoing once more puts them back as they were. A change recorded before the dates
were kept still comes back, enrolled today."""

import json
from datetime import date

from helpers import read
from models import Change, ChangeSet, Course, Enrollment, Student, db
from test_bulk import confirm
from test_import import HEADER, preview
from test_import import confirm as confirm_import
from test_restored_enrollments import JANUARY, SEPTEMBER, enrollments, school, undo_newest


def test_students_taken_off_a_course_in_bulk_come_back_with_their_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    confirm(client, "/students/bulk", action="unenroll", all="1", query="", course_id=str(math))
    assert enrollments(app) == {(ana, art, JANUARY)}
    undo_newest(client, app)
    assert enrollments(app) == before


def test_a_student_taken_off_on_the_course_page_comes_back_with_their_date(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    assert client.post(f"/courses/{math}/enrollments/{ana}/delete").status_code == 302
    assert (ana, math, SEPTEMBER) not in enrollments(app)
    undo_newest(client, app)
    assert enrollments(app) == before


def test_courses_removed_on_a_students_form_come_back_with_their_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    [student] = read(app, Student, id=ana)
    form = {"name": student.name, "email": student.email, "grade": "8", "gpa": "3.00", "enrolled_on": "2024-09-01",
            "version": str(student.version),
            "course_ids": [str(art)]}
    assert client.post(f"/students/{ana}/edit", data=form).status_code == 302
    assert {(s, c) for s, c, _ in enrollments(app)} == {(ana, art), (ben, math)}
    undo_newest(client, app)
    assert enrollments(app) == before


def test_courses_an_import_removes_come_back_with_their_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    data = (HEADER + "Ana Ruiz,ana@school.example,8,,2024-09-01,,,ART-1\n").encode()
    _, address = preview(client, data)
    assert confirm_import(client, address).status_code == 302
    assert {(s, c) for s, c, _ in enrollments(app)} == {(ana, art), (ben, math)}
    undo_newest(client, app)
    assert enrollments(app) == before
    undo_newest(client, app)
    undo_newest(client, app)
    assert enrollments(app) == before


def test_undoing_the_undo_and_undoing_again_keeps_the_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    confirm(client, "/students/bulk", action="unenroll", all="1", query="", course_id=str(math))
    undo_newest(client, app)  # back
    undo_newest(client, app)  # off again: the undo of the undo
    assert enrollments(app) == {(ana, art, JANUARY)}
    undo_newest(client, app)  # back once more
    assert enrollments(app) == before


def test_the_course_page_undo_of_the_undo_keeps_the_date(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    client.post(f"/courses/{math}/enrollments/{ana}/delete")
    undo_newest(client, app)
    undo_newest(client, app)
    undo_newest(client, app)
    assert enrollments(app) == before


def test_a_removal_recorded_without_dates_comes_back_enrolled_today(client, app, add):
    math, art, ana, ben = school(add)
    confirm(client, "/students/bulk", action="unenroll", all="1", query="", course_id=str(math))
    with app.app_context():  # as a removal recorded before the change kept the enrollments' dates
        for change in db.session.scalars(db.select(Change).filter_by(table_name="students")):
            change.data = json.dumps({k: v for k, v in json.loads(change.data).items() if k != "enrollments"})
        db.session.commit()
    undo_newest(client, app)
    assert enrollments(app) == {(ana, math, date.today()), (ana, art, JANUARY), (ben, math, date.today())}


def test_the_history_and_the_undone_message_leave_the_kept_enrollments_out(client, app, add):
    math, art, ana, ben = school(add)
    client.post(f"/courses/{math}/enrollments/{ana}/delete")
    html = client.get(f"/students/{ana}/history").get_data(as_text=True)
    assert "MATH-1" in html and "enrolled_on" not in html and "Enrollments" not in html
    newest = max(change_set.id for change_set in read(app, ChangeSet))
    page = client.post(f"/changes/{newest}/undo", follow_redirects=True).get_data(as_text=True)
    assert "Undone: removed Ana Ruiz from MATH-1." in page
