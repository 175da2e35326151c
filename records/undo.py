"""Undoing a change set: each row it touched is put back as it was, as one new change set of its own (so an undo
can be undone too).

A created row is deleted; a deleted row comes back with its id and its enrollments in courses (or students) that
still exist; an edited row gets its fields' earlier values: by statements over all the rows whose one field the
change set changed alike (a deleted user's advisees, a bulk action), where it kept no later value. Where a later change set touched the same fields of the same rows, `later_changes` names
them, and the caller asks before `undo(..., overwrite=True)` replaces what they saved.
"""

import json
from collections import defaultdict

from sqlalchemy.orm import aliased

from models import Change, ChangeSet, Course, Enrollment, Student, User, db, utcnow
from records import change, conflicts, history
from records.history import UNDOES

CHUNK = 500  # ids in one statement: far below every backend's limit on parameters
MODELS = {model.__tablename__: model for model in (User, Student, Course)}
SETS = {"course_ids": (Enrollment.course_id, Enrollment.student_id), "student_ids": (Enrollment.student_id, Enrollment.course_id)}


def later_changes(change_set: ChangeSet) -> list[int]:
    """The ids of later changes to the same fields of the same rows: what undoing `change_set` would overwrite.
    One query, whatever the number of rows the change set touched."""
    undone, later = aliased(Change), aliased(Change)
    pairs = db.session.execute(
        db.select(later.id, later.data, undone.action, undone.data)
        .join(undone, (later.table_name == undone.table_name) & (later.row_id == undone.row_id) & (later.id > undone.id))
        .where(undone.change_set_id == change_set.id, later.change_set_id != change_set.id)
    )
    return sorted({id for id, data, action, fields in pairs
                   if action != "edit" or set(json.loads(fields)) & set(json.loads(data))})


def undo(change_set: ChangeSet) -> list[str]:
    """Puts back what `change_set` changed. Returns what could not come back, in words."""
    missing = []
    rows = db.session.execute(
        db.select(Change.id, Change.table_name, Change.row_id, Change.action, Change.data, Change.labels, Change.version)
        .where(Change.change_set_id == change_set.id).order_by(Change.id.desc())
    ).all()
    with change() as session:
        session.info[UNDOES] = change_set.id
        same_edits = defaultdict(list)  # (table, field, old, new) -> the rows it was done to: put back set-based
        for undone in rows:
            model = MODELS[undone.table_name]
            data, labels = json.loads(undone.data), json.loads(undone.labels)
            if undone.action == "edit" and len(data) == 1 and plain(model, next(iter(data))):
                [(name, (old, new))] = data.items()
                same_edits[(undone.table_name, name, json.dumps(old), json.dumps(new), undone.labels)].append(undone.row_id)
                continue
            row = session.get(model, undone.row_id)
            if undone.action == "create":
                if row is not None:
                    session.delete(row)
            elif undone.action == "delete":
                if row is None:
                    missing += restore(session, model, undone, data, labels)
            elif row is not None:
                missing += put_back(session, row, data, labels)
        for (table, name, old, new, labels), ids in same_edits.items():
            put_back_rows(session, MODELS[table], name, json.loads(old), json.loads(new), ids, json.loads(labels))
    return missing


def plain(model, name: str) -> bool:
    """A column whose values SQL writes into JSON as Python does (whole numbers, text), so an edit of it can be put
    back, and recorded, by statements (dates, booleans and hundredths differ between the two)."""
    column = model.__table__.columns.get(name)
    return column is not None and column.type.python_type in (int, str)


def put_back_rows(session, model, name, old, new, ids: list[int], labels: dict):
    """One field of many rows back to `old`, CHUNK rows a statement, with the history of it; rows whose field is
    no longer `new` keep what they have."""
    column = model.__table__.columns[name]
    before, after = conflicts.decoded(model, name, old), conflicts.decoded(model, name, new)
    for start in range(0, len(ids), CHUNK):
        where = model.id.in_(ids[start:start + CHUNK]) & (column == after if after is not None else column.is_(None))
        history.record_rows(session, model, where, {name: (column, before)}, labels)
        session.execute(db.update(model).where(where).values({column: before, model.version: model.version + 1,
                                                              model.updated_at: utcnow()}),
                        execution_options={"synchronize_session": False})


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


def restore(session, model, deleted, data: dict, labels: dict) -> list[str]:
    columns = {name: conflicts.decoded(model, name, values[0]) for name, values in data.items() if name in
               model.__table__.columns}
    row = model(id=deleted.row_id, version=deleted.version + 1, **columns)
    session.add(row)
    session.flush()
    missing = []
    for name, (ids, _) in data.items():
        if name in SETS:
            missing += relink(session, row, name, ids, labels)
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
