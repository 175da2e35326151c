"""A deleted student or course comes back with its enrollments as they were, their dates too: by the form's delete,
a bulk delete, and from a snapshot kept before the dates were (which falls back to today's date)."""

import json
import re
from datetime import date

from helpers import read
from models import Change, ChangeSet, Course, Enrollment, Student, db

SEPTEMBER, JANUARY = date(2024, 9, 2), date(2025, 1, 13)


def school(add):
    math = add(Course, code="MATH-1", title="Algebra", credits=1)
    art = add(Course, code="ART-1", title="Art", credits=1)
    ana = add(Student, name="Ana Ruiz", email="ana@school.example", grade=7)
    ben = add(Student, name="Ben Ode", email="ben@school.example", grade=7)
    add.many(Enrollment, [{"student_id": ana, "course_id": math, "enrolled_on": SEPTEMBER},
                          {"student_id": ana, "course_id": art, "enrolled_on": JANUARY},
                          {"student_id": ben, "course_id": math, "enrolled_on": JANUARY}])
    return math, art, ana, ben


def enrollments(app) -> set:
    return {(e.student_id, e.course_id, e.enrolled_on) for e in read(app, Enrollment)}


def undo_newest(client, app):
    newest = max(change_set.id for change_set in read(app, ChangeSet))
    assert client.post(f"/changes/{newest}/undo").status_code == 302


def test_a_restored_student_gets_back_their_enrollments_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    client.post(f"/students/{ana}/delete")
    assert {e.student_id for e in read(app, Enrollment)} == {ben}
    undo_newest(client, app)
    assert enrollments(app) == before


def test_a_restored_course_gets_back_its_students_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    client.post(f"/courses/{math}/delete")
    undo_newest(client, app)
    assert enrollments(app) == before


def test_students_deleted_in_bulk_come_back_with_their_enrollments_dates(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    page = client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "", "then": "preview"})
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"',
                              page.get_data(as_text=True)))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"').replace("&quot;", '"')
    client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "", **hidden, "then": "run"})
    assert read(app, Student) == []
    undo_newest(client, app)
    assert enrollments(app) == before


def test_a_snapshot_kept_without_dates_comes_back_enrolled_today(client, app, add):
    math, art, ana, ben = school(add)
    client.post(f"/students/{ana}/delete")
    with app.app_context():  # as a delete recorded before the snapshot kept its enrollments' dates
        deleted = db.session.scalars(db.select(Change).filter_by(action="delete")).one()
        deleted.data = json.dumps({k: v for k, v in json.loads(deleted.data).items() if k != "enrollments"})
        db.session.commit()
    undo_newest(client, app)
    assert {(s, c, d) for s, c, d in enrollments(app) if s == ana} == {(ana, math, date.today()),
                                                                     (ana, art, date.today())}


def test_a_deleted_students_history_names_their_courses_once(client, app, add):
    math, art, ana, ben = school(add)
    client.post(f"/students/{ana}/delete")
    html = client.get(f"/students/{ana}/history").get_data(as_text=True)
    assert "MATH-1" in html and "enrolled_on" not in html and "Enrollments" not in html
