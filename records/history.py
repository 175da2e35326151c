"""The change history: what each change of the write path did to each row, written in the same transaction.

`record(session)` runs as a change commits (records.change). It reads what the session is about to write off the
ORM's attribute history, raises the version of every row it changes, flushes, then writes one change set and a
`Change` per row: created (every field), edited (the fields that changed, before and after) or deleted (every field,
and what referred to it, so it can be brought back). Password hashes, session tokens and search text are never
recorded: a new password is recorded as "set", not as its hash.
"""

import json
from dataclasses import dataclass, field

import click
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import inspect

from models import Change, ChangeSet, Course, Enrollment, Student, User, db, utcnow

RECORDED = (User, Student, Course)
UNDOES = "roster.undoes"  # session.info: the change set an undo is undoing (records.undo)
NOT_RECORDED = {"id", "search_text", "created_at", "updated_at", "version", "session_token", "password_hash"}
PASSWORD = "password"  # recorded as [had one before, has one after]
RELATED = {"advisor_id": User, "teacher_id": User}  # columns naming another row: its name is kept beside the id
# The sets of rows a record is related to through enrollments, as its history shows them.
ENROLLED = {Student: ("course_ids", "course_id"), Course: ("student_ids", "student_id")}


@dataclass
class Entry:
    """One row's part of a change, gathered before the flush."""

    record: object
    action: str  # create, edit, delete
    fields: dict = field(default_factory=dict)
    label: str = ""


def record(session):
    """Writes the history of what `session` is about to commit (a no-op when nothing recorded changes)."""
    undoes = session.info.pop(UNDOES, None)
    with session.no_autoflush:  # what it reads must be as it was before this change
        entries = gather(session)
        enrollments = changed_enrollments(session)
    for enrollment, sign in enrollments:
        for model in ENROLLED:
            related = enrollment.student if model is Student else enrollment.course
            if related is not None and related not in entries and not inspect(related).pending:
                entries[related] = Entry(related, "edit")
    for entry in entries.values():
        if entry.action == "edit":
            entry.record.version += 1
    session.flush()
    if not entries:
        return
    for enrollment, sign in enrollments:
        for model, (name, other) in ENROLLED.items():
            related = enrollment.student if model is Student else enrollment.course
            if related in entries and entries[related].action == "edit":
                changed = entries[related].fields.setdefault(name, {"+": [], "-": []})
                changed[sign].append(getattr(enrollment, other))
    # Written as two statements, not as ORM objects: the history must cost a save little (bench.history).
    person = who()
    change_set = session.execute(db.insert(ChangeSet).values(at=utcnow(), undoes_id=undoes, **person))
    change_set_id = change_set.inserted_primary_key[0]
    if has_request_context():
        g.change_set_id = change_set_id  # for the flash that offers to undo it
    if undoes is not None:
        session.execute(db.update(ChangeSet).where(ChangeSet.id == undoes).values(undone_by_id=change_set_id))
    rows = []
    for entry in entries.values():
        if entry.action == "create":
            entry.fields = {name: [None, value] for name, value in snapshot(entry.record).items()}
            if isinstance(entry.record, Student):  # flushed: its enrollments know their course ids now
                entry.fields["course_ids"] = [None, [enrollment.course_id for enrollment in entry.record.enrollments]]
        row = entry.record
        rows.append({
            "change_set_id": change_set_id, "user_id": person["user_id"], "table_name": row.__tablename__,
            "row_id": row.id, "action": entry.action, "label": entry.label or str(row), "version": row.version,
            "data": json.dumps(entry.fields, default=str), "labels": json.dumps(labels(session, entry.fields)),
        })
    session.execute(db.insert(Change), rows)


def gather(session) -> dict:
    entries = {}
    for row in session.new:
        if isinstance(row, RECORDED):
            entries[row] = Entry(row, "create")
    for row in session.deleted:
        if isinstance(row, RECORDED):
            before = {name: [value, None] for name, value in snapshot(row).items()}
            entries[row] = Entry(row, "delete", before | referred_to(row), label=str(row))
    for row in session.dirty:
        if isinstance(row, RECORDED) and row not in entries and (fields := changed_fields(row)):
            entries[row] = Entry(row, "edit", fields)
    return entries


def snapshot(row) -> dict:
    """Every recorded field's value."""
    values = {name: getattr(row, name) for name in recorded_columns(type(row))}
    if isinstance(row, User):
        values[PASSWORD] = row.password_hash is not None
    return values


def recorded_columns(model) -> list[str]:
    return [column.key for column in model.__table__.columns if column.key not in NOT_RECORDED]


def changed_fields(row) -> dict:
    state, fields = inspect(row), {}
    for name in [*recorded_columns(type(row)), "password_hash"] if isinstance(row, User) else recorded_columns(type(row)):
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if name == "password_hash":
            fields[PASSWORD] = [before is not None, after is not None]
        elif before != after:
            fields[name] = [before, after]
    return fields


def referred_to(row) -> dict:
    """What the database unlinks or removes with a deleted row, so that bringing it back can relink it."""
    if isinstance(row, Student):
        ids = db.select(Enrollment.course_id).where(Enrollment.student_id == row.id)
        return {"course_ids": [db.session.scalars(ids).all(), None]}
    if isinstance(row, Course):
        ids = db.select(Enrollment.student_id).where(Enrollment.course_id == row.id)
        return {"student_ids": [db.session.scalars(ids).all(), None]}
    advisees = db.session.scalars(db.select(Student.id).where(Student.advisor_id == row.id)).all()
    taught = db.session.scalars(db.select(Course.id).where(Course.teacher_id == row.id)).all()
    return {"advisee_ids": [advisees, None], "course_taught_ids": [taught, None]}


def changed_enrollments(session) -> list[tuple[Enrollment, str]]:
    """Enrollments added ("+") or removed ("-"): directly, or through a student's list of them."""
    found = {}
    for enrollment in session.new:
        if isinstance(enrollment, Enrollment):
            found[enrollment] = "+"
    for enrollment in session.deleted:
        if isinstance(enrollment, Enrollment):
            found[enrollment] = "-"
    for student in session.dirty:
        if isinstance(student, Student):
            history = inspect(student).attrs.enrollments.history
            found |= {e: "+" for e in history.added} | {e: "-" for e in history.deleted}
    return list(found.items())


def labels(session, fields: dict) -> dict:
    """The names of the rows a change's related fields name, as they are now: "Lisa Padilla", "MATH-101"."""
    named = {}
    for name, values in fields.items():
        model = RELATED.get(name)
        if model is None and name.endswith("_ids"):
            model = Student if name in ("student_ids", "advisee_ids") else Course
        if model is None:
            continue
        ids = [v for value in (values.values() if isinstance(values, dict) else values) for v in as_list(value)]
        if ids:
            rows = session.execute(db.select(model.id, label_of(model)).where(model.id.in_(ids)))
            named[name] = {str(id): label for id, label in rows}
    return named


def as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def label_of(model):
    return model.code if model is Course else model.name


def who() -> dict:
    """The signed-in user, or the command that made the change."""
    if has_request_context() and current_user.is_authenticated:
        return {"user_id": current_user.id, "user_name": current_user.name}
    context = click.get_current_context(silent=True)
    return {"user_id": None, "user_name": context.command_path if context else "Roster"}


def prune(before) -> int:
    """Deletes the history of changes made before `before` (a date), set-based; returns how many rows' changes."""
    old_sets = db.select(ChangeSet.id).where(ChangeSet.at < before)
    deleted = db.session.execute(db.delete(Change).where(Change.change_set_id.in_(old_sets))).rowcount
    db.session.execute(db.update(ChangeSet).where(ChangeSet.undoes_id.in_(old_sets)).values(undoes_id=None))
    db.session.execute(db.update(ChangeSet).where(ChangeSet.undone_by_id.in_(old_sets)).values(undone_by_id=None))
    db.session.execute(db.delete(ChangeSet).where(ChangeSet.at < before))
    db.session.commit()
    return deleted
