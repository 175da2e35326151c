"""Changes to many rows at once: each is a few statements over the whole set (UPDATE … WHERE id IN (…),
INSERT … SELECT, DELETE … WHERE id IN (…)), never an ORM object per row, and its history is written the same way, in
the same transaction (records.history.insert_changes). Run inside records.change(): one transaction, one change set.

A selection is a select of ids: the rows someone ticked, or every row a list's query string matches
(Listing.matching_ids), which is how "all 83,000 matching" costs no more code than three ticked rows.
"""

import json
import secrets
from datetime import date

from sqlalchemy import ColumnElement, Select, String, Text, case, true

from database.backend import backend
from database.deleting import delete_rows
from models import Course, Enrollment, Hundredths, Student, User, db, utcnow
from records import history, pending

SETS = {Student: ("course_ids", Enrollment.course_id, Enrollment.student_id),
        Course: ("student_ids", Enrollment.student_id, Enrollment.course_id)}


def among(model, ids: Select | list[int]) -> ColumnElement:
    """The condition that picks the rows `ids` selects: its own WHERE when it reads the model's table alone (a list's
    filters and search always do), else id IN (ids). An UPDATE … WHERE id IN (SELECT id FROM the same table …) is a
    join of the table with itself: PostgreSQL hashed the 83,000 ids of a grade and scanned all 1,000,000 rows."""
    if isinstance(ids, Select) and ids.get_final_froms() == [model.__table__] and ids._limit_clause is None \
            and ids._offset_clause is None:
        return true() if ids.whereclause is None else ids.whereclause
    return model.id.in_(ids)


def set_field(session, model, ids: Select, column, value) -> int:
    """Sets one column of the selected rows to `value` (a related row's id, or a plain value); rows that have it
    already are left alone. How many changed."""
    where = among(model, ids) & column.is_distinct_from(value)
    labels = named(model, column, value) if column.key in history.RELATED else {}
    history.record_rows(session, model, where, {column.key: (column, value)}, labels)
    return touch(session, model, where, {column: value})


def move_up(session, ids: Select, top: int) -> int:
    """The selected students below grade `top` each move up one grade. How many moved."""
    where = among(Student, ids) & (Student.grade < top)
    history.record_rows(session, Student, where, {"grade": (Student.grade, Student.grade + 1)}, {})
    return touch(session, Student, where, {Student.grade: Student.grade + 1})


def enroll(session, ids: Select, course: Course) -> int:
    """Enrolls the selected students not yet in `course`. How many were enrolled."""
    taking = db.select(Enrollment.student_id).where(Enrollment.course_id == course.id)
    where = among(Student, ids) & Student.id.not_in(taking)
    course_side(session, course, where, "+")
    history.insert_changes(session, Student, where, "edit", {"course_ids": {"+": [course.id], "-": []}},
                           {"course_ids": {str(course.id): course.code}})
    count = touch(session, Student, where, {})
    session.execute(db.insert(Enrollment).from_select(  # each with its student's name and GPA (database/copied_keys.py)
        ["student_id", "course_id", "enrolled_on", "student_sort_name", "student_gpa"],
        db.select(Student.id, db.literal(course.id), db.literal(date.today()), Student.sort_name, Student.gpa)
        .where(where)))
    return count


def unenroll(session, ids: Select, course: Course) -> int:
    """Takes the selected students off `course`. How many were on it."""
    taking = db.select(Enrollment.student_id).where(Enrollment.course_id == course.id)
    where = among(Student, ids) & Student.id.in_(taking)
    course_side(session, course, where, "-")
    history.insert_changes(session, Student, where, "edit", taking_out({"course_ids": {"+": [], "-": [course.id]}},
                                                                    Enrollment.course_id == course.id),
                           {"course_ids": {str(course.id): course.code}})
    count = touch(session, Student, where, {})
    session.execute(db.delete(Enrollment).where(Enrollment.course_id == course.id, Enrollment.student_id.in_(ids)),
                    execution_options={"synchronize_session": False})
    return count


def taking_out(data: dict, which) -> ColumnElement:
    """A student's edit `data` (the same for every student) with the enrollments of theirs it takes out (`which`
    picks them) kept beside it, dates and all, as a SQL expression of the student: so that Undo puts them back as
    they were (records.pending.ENROLLMENTS). Read in SQL, before they are deleted, by the same statement."""
    json_object, json_array = history.json_functions()
    array_agg = getattr(db.func, backend().json_aggregates[0])
    kept = [part for key in pending.KEPT_WITH_ENROLLMENT
            for part in (db.literal(key), Enrollment.__table__.columns[key])]
    each = json_object(db.literal("course_id"), Enrollment.course_id, *kept)
    rows = (db.select(db.func.coalesce(array_agg(each), json_array()))
            .where(Enrollment.student_id == Student.id, which).scalar_subquery())
    written = json.dumps(data)  # the rows spliced in as text: the constant part may hold thousands of ids
    return db.literal(f'{written[:-1]}, "{pending.ENROLLMENTS}": [') + db.cast(rows, Text) + db.literal(", null]}")


def course_side(session, course: Course, students, sign: str):
    """The course's own change, as its history shows it: the students added ("+") or taken off ("-"), one id list
    (nothing when there are none)."""
    array_agg = getattr(db.func, backend().json_aggregates[0])
    ids = db.select(array_agg(Student.id)).where(students).scalar_subquery()
    json_object, json_array = history.json_functions()
    changed = json_object(db.literal("student_ids"), json_object(
        db.literal("+"), ids if sign == "+" else json_array(), db.literal("-"), ids if sign == "-" else json_array()))
    where = (Course.id == course.id) & db.exists().where(students)
    history.insert_changes(session, Course, where, "edit", changed, {})
    touch(session, Course, where, {})


def delete(session, model, ids: Select) -> int:
    """Deletes the selected rows, each recorded with every field and what refers to it (so Undo can bring it back);
    a user's advisees and courses lose them first, recorded alike. How many were deleted."""
    where = among(model, ids)
    if model is User:
        for related, column in ((Student, Student.advisor_id), (Course, Course.teacher_id)):
            unlinked = column.in_(ids)
            history.record_rows(session, related, unlinked, {column.key: (column, None)}, named(related, column, None))
            touch(session, related, unlinked, {column: None})
    record_snapshots(session, model, where, "delete")
    if model in SETS:
        _, _, mine = SETS[model]
        delete_rows(session, Enrollment.__table__, mine.in_(ids))
    return delete_rows(session, model.__table__, where)


def record_snapshots(session, model, where, action: str):
    """A create or delete Change of each row `where` selects, with every recorded field as [before, after], the
    related rows' ids (a student's courses, a course's students) and their names: as records.history writes one
    for a row deleted through the ORM."""
    json_object, json_array = history.json_functions()
    array_agg, object_agg = (getattr(db.func, name) for name in backend().json_aggregates)
    fields, labels = [], []
    for name in pending.recorded_columns(model):
        fields += [db.literal(name), pair(json_value(model.__table__.columns[name]), action)]
    if model is User:
        fields += [db.literal(pending.PASSWORD), pair(User.password_hash.is_not(None), action)]
    if action == "delete":
        for name in pending.KEPT_ON_DELETE:
            fields += [db.literal(name), pair(model.__table__.columns[name], action)]
    for column in (model.__table__.columns.get(name) for name in history.RELATED):
        if column is not None:
            labels += [db.literal(column.key), name_of(column)]
    if model in SETS:
        name, other, mine = SETS[model]
        other_model = Course if model is Student else Student
        ids = db.select(db.func.coalesce(array_agg(other), json_array())).where(mine == model.id).scalar_subquery()
        names = (db.select(db.func.coalesce(object_agg(db.cast(other, String), history.label_of(other_model)),
                                            json_object()))
                 .select_from(Enrollment).join(other_model, other_model.id == other).where(mine == model.id).scalar_subquery())
        fields += [db.literal(name), pair(ids, action)]
        labels += [db.literal(name), names]
        if action == "delete":  # each enrollment as a row, with its date, so that Restore puts it back as it was
            kept = [part for key in pending.KEPT_WITH_ENROLLMENT
                    for part in (db.literal(key), Enrollment.__table__.columns[key])]
            each = json_object(db.literal(other.key), other, *kept)
            rows = db.select(db.func.coalesce(array_agg(each), json_array())).where(mine == model.id).scalar_subquery()
            fields += [db.literal(pending.ENROLLMENTS), pair(rows, action)]
    version = model.version if action == "delete" else None
    history.insert_changes(session, model, where, action, json_object(*fields), json_object(*labels), version)


def pair(value, action: str):
    json_array = history.json_functions()[1]
    return json_array(value, db.null()) if action == "delete" else json_array(db.null(), value)


def json_value(column):
    """A column's value as the history keeps it: what Python's JSON gives for it (hundredths as "3.50")."""
    if isinstance(column.type, Hundredths):
        hundredths = column / 100.0
        if backend().name == "sqlite":
            return case((column.is_(None), None), else_=db.func.printf("%.2f", hundredths))
        return db.cast(db.cast(hundredths, db.Numeric(12, 2)), String)
    return column


def name_of(column):
    """The JSON naming the related row a column holds: {"12": "Lisa Padilla"}, or {} when it holds none."""
    json_object = history.json_functions()[0]
    model = history.RELATED[column.key]
    name = db.select(history.label_of(model)).where(model.id == column).scalar_subquery()
    return case((column.is_(None), json_object()), else_=json_object(db.cast(column, String), name))


def named(model, column, value) -> object:
    """The labels of a change of `column` to `value`: the old related row's name (a SQL expression of the row) and
    the new one's."""
    json_object = history.json_functions()[0]
    related = history.RELATED[column.key]
    new = [] if value is None else [db.literal(str(value)), db.session.scalar(
        db.select(history.label_of(related)).where(related.id == value))]
    old_name = db.select(history.label_of(related)).where(related.id == column).scalar_subquery()
    old = case((column.is_(None), json_object(*new)), else_=json_object(db.cast(column, String), old_name, *new))
    return json_object(db.literal(column.key), old)


def end_sessions(session, ids: Select):
    """Signs the selected users out everywhere: each gets a new session token (a fresh secret and their id, so
    no two share one)."""
    token = db.literal(secrets.token_urlsafe(32)) + db.cast(User.id, String)
    session.execute(db.update(User).where(User.id.in_(ids)).values({User.session_token: token}),
                    execution_options={"synchronize_session": False})


def touch(session, model, where, values: dict) -> int:
    """UPDATE of the rows `where` selects, raising their version as every recorded change does. How many."""
    values = {**values, model.version: model.version + 1, model.updated_at: utcnow()}
    return session.execute(db.update(model).where(where).values(values),
                           execution_options={"synchronize_session": False}).rowcount
