"""Undoing a change set: each row it touched is put back as it was, as one new change set of its own (so an undo
can be undone too).

A created row is deleted; a deleted row comes back with its id, its enrollments in courses (or students) that still
exist, and, for a user, the advisees and courses that still have no other advisor or teacher; an edited row gets its
fields' earlier values. Where a later change set touched the same fields of the same rows, `later_changes` names
them, and the caller asks before `undo(..., overwrite=True)` replaces what they saved.
"""

import json

from records import change, conflicts
from records.history import UNDOES
from models import Change, ChangeSet, Course, Enrollment, Student, User, db

MODELS = {model.__tablename__: model for model in (User, Student, Course)}
SETS = {"course_ids": (Enrollment.course_id, Enrollment.student_id), "student_ids": (Enrollment.student_id, Enrollment.course_id)}


def later_changes(change_set: ChangeSet) -> list[Change]:
    """Later changes to the same fields of the same rows: what undoing `change_set` would overwrite."""
    later = []
    for undone in change_set.changes:
        fields = set(json.loads(undone.data))
        for change in db.session.scalars(
            db.select(Change).where(
                Change.table_name == undone.table_name, Change.row_id == undone.row_id, Change.id > undone.id
            )
        ):
            if undone.action != "edit" or fields & set(json.loads(change.data)):
                later.append(change)
    return later


def undo(change_set: ChangeSet) -> list[str]:
    """Puts back what `change_set` changed. Returns what could not come back, in words."""
    missing = []
    with change() as session:
        session.info[UNDOES] = change_set.id
        for undone in reversed(change_set.changes):
            model = MODELS[undone.table_name]
            data, labels = json.loads(undone.data), json.loads(undone.labels)
            row = session.get(model, undone.row_id)
            if undone.action == "create":
                if row is not None:
                    session.delete(row)
            elif undone.action == "delete":
                if row is None:
                    missing += restore(session, model, undone, data, labels)
            elif row is not None:
                missing += put_back(session, row, data, labels)
    return missing


def put_back(session, row, data: dict, labels: dict) -> list[str]:
    missing = []
    for name, values in data.items():
        if name in SETS:
            missing += relink(session, row, name, values["-"], labels, remove=values["+"])
        elif name == "password":
            missing.append("a password change (passwords are not kept, so it cannot be put back)")
        else:
            setattr(row, name, conflicts.decoded(row, name, values[0]))
    return missing


def restore(session, model, deleted: Change, data: dict, labels: dict) -> list[str]:
    columns = {name: conflicts.decoded(model, name, values[0]) for name, values in data.items() if name in
               model.__table__.columns}
    row = model(id=deleted.row_id, version=deleted.version + 1, **columns)
    session.add(row)
    session.flush()
    missing = []
    for name, (ids, _) in data.items():
        if name in SETS:
            missing += relink(session, row, name, ids, labels)
        elif name == "advisee_ids":
            session.execute(db.update(Student).where(Student.id.in_(ids), Student.advisor_id.is_(None))
                            .values(advisor_id=row.id, version=Student.version + 1))
        elif name == "course_taught_ids":
            session.execute(db.update(Course).where(Course.id.in_(ids), Course.teacher_id.is_(None))
                            .values(teacher_id=row.id, version=Course.version + 1))
    return missing


def relink(session, row, name, add: list[int], labels: dict, remove: list[int] = ()) -> list[str]:
    """Enrollments of `row` back in (those whose other side still exists) and out."""
    other, mine = SETS[name]
    other_model = Course if name == "course_ids" else Student
    for id in remove:
        enrollment = session.get(Enrollment, key(name, row.id, id))
        if enrollment is not None:
            session.delete(enrollment)
    existing = set(session.scalars(db.select(other_model.id).where(other_model.id.in_(add)))) if add else set()
    for id in existing:
        if session.get(Enrollment, key(name, row.id, id)) is None:
            session.add(Enrollment(**{mine.key: row.id, other.key: id}))
    gone = [labels.get(name, {}).get(str(id), f"#{id}") for id in add if id not in existing]
    return [f"the enrollment in {label}, which has been deleted" for label in gone]


def key(name, row_id, other_id) -> tuple[int, int]:
    """Enrollment's primary key: (student_id, course_id)."""
    return (row_id, other_id) if name == "course_ids" else (other_id, row_id)
