"""An undo is recorded in the shape of the change it makes: one history row per record, as a form's save of the
same change would write, whatever mix of fields and enrollments it puts back."""

import json

from helpers import read
from models import Change, ChangeSet, Student
from test_restored_enrollments import enrollments, school, undo_newest


# What Ana's edit changes (she was added without a GPA or a date); and with the enrollments it took out
FORM_FIELDS = ["course_ids", "enrolled_on", "gpa", "grade"]
FORM_FIELDS_TAKEN_OUT = sorted([*FORM_FIELDS, "enrollments"])


def edit_ana(client, app, ana, art, **values):
    """Ana's form saved with grade 8 and ART-1 alone (MATH-1 taken out)."""
    [student] = read(app, Student, id=ana)
    form = {"name": student.name, "email": student.email, "grade": "8", "gpa": "3.00", "enrolled_on": "2024-09-01",
            "version": str(student.version), "course_ids": [str(art)], **values}
    assert client.post(f"/students/{ana}/edit", data=form).status_code == 302


def rows_of_newest(app) -> list[tuple]:
    newest = max(change_set.id for change_set in read(app, ChangeSet))
    return sorted((c.table_name, c.row_id, c.action, sorted(json.loads(c.data)), c.version)
                  for c in read(app, Change, change_set_id=newest))


def test_undoing_a_form_edit_that_took_out_a_course_writes_one_row_for_the_student(client, app, add):
    math, art, ana, ben = school(add)
    edit_ana(client, app, ana, art)
    saved = rows_of_newest(app)
    assert saved == [("courses", math, "edit", ["student_ids"], 2),
                     ("students", ana, "edit", FORM_FIELDS_TAKEN_OUT, 2)]
    newest = max(change_set.id for change_set in read(app, ChangeSet))
    page = client.post(f"/changes/{newest}/undo", follow_redirects=True).get_data(as_text=True)
    assert "Undone: changed student “Ana Ruiz”." in page
    assert rows_of_newest(app) == [("courses", math, "edit", ["student_ids"], 3),
                                   ("students", ana, "edit", FORM_FIELDS, 3)]
    assert read(app, Student, id=ana)[0].version == 3


def test_undoing_the_undo_writes_one_row_for_the_student_too(client, app, add):
    math, art, ana, ben = school(add)
    before = enrollments(app)
    edit_ana(client, app, ana, art)
    undo_newest(client, app)
    undo_newest(client, app)
    assert rows_of_newest(app) == [("courses", math, "edit", ["student_ids"], 4),
                                   ("students", ana, "edit", FORM_FIELDS_TAKEN_OUT, 4)]
    [student] = read(app, Student, id=ana)
    assert (student.grade, student.version) == (8, 4)
    assert {(s, c) for s, c, _ in enrollments(app)} == {(ana, art), (ben, math)}
    undo_newest(client, app)
    assert enrollments(app) == before and read(app, Student, id=ana)[0].grade == 7
