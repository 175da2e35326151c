"""The change history: what each change of the write path did to each row, written in the same transaction.

`record(session)` runs as a change commits (records.change). It reads what the session is about to write
(records.pending), raises the version of every row it changes, flushes, then writes one change set and a `Change` per
row: created (every field), edited (the fields that changed, before and after) or deleted (every field,
and what referred to it, so it can be brought back). Password hashes, session tokens and search text are never
recorded: a new password is recorded as "set", not as its hash.
"""

import json

import click
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import Integer, String, Text, inspect

from database.backend import backend
from formatting import plural
from models import Change, ChangeSet, Course, Student, User, db, utcnow
from records.pending import ENROLLMENTS, KEPT_WITH_ENROLLMENT, Entry, changed_enrollments, gather, snapshot

UNDOES = "roster.undoes"  # session.info: the change set an undo is undoing (records.undo)
CHANGE_SET = "roster.change_set"  # session.info: (id, user id) of the change set being written
SUMMARY = "roster.summary"  # session.info: what the change set did, in words, when its rows do not say (a bulk change)
TABLES = "roster.tables"  # session.info: the tables whose rows the change set records
RELATED = {"advisor_id": User, "teacher_id": User}  # columns naming another row: its name is kept beside the id
# The sets of rows a record is related to through enrollments, as its history shows them.
ENROLLED = {Student: ("course_ids", "course_id"), Course: ("student_ids", "student_id")}


def record(session, also: dict | None = None):
    """Writes the history of what `session` is about to commit (a no-op when nothing recorded changes). `also`:
    {(model, id): (fields, their names)} changed by statements, recorded in the same change of the row as its edit
    through the ORM (an undo's enrollments of a student whose fields it puts back)."""
    with session.no_autoflush:  # what it reads must be as it was before this change
        entries = gather(session)
        for (model, row_id), (fields, names) in (also or {}).items():
            row = session.get(model, row_id)
            entry = entries.setdefault(row, Entry(row, "edit"))
            entry.fields |= fields
            entry.names = names
        enrollments = changed_enrollments(session)
        taken_out = {enrollment: {name: getattr(enrollment, name) for name in KEPT_WITH_ENROLLMENT}
                     for enrollment, sign in enrollments if sign == "-"}  # read before the flush deletes them
        sides = {enrollment: sides_of(session, enrollment) for enrollment, _ in enrollments}
    for enrollment, sign in enrollments:
        for model, related in sides[enrollment].items():
            if related is not None and related not in entries and not inspect(related).pending:
                entries[related] = Entry(related, "edit")
    if not entries:
        session.flush()
        return
    # Written as statements, not as ORM objects: the history must cost a save little (bench.history).
    with session.no_autoflush:  # the change set first: what the database would unlink itself is recorded before
        change_set_id = open_change_set(session)
        for entry in entries.values():
            if entry.action == "delete" and isinstance(entry.record, User):
                unlink(session, entry.record)
    for entry in entries.values():
        if entry.action == "edit":
            entry.record.version += 1
    session.flush()
    for enrollment, sign in enrollments:
        for model, (name, other) in ENROLLED.items():
            related = sides[enrollment][model]
            if related in entries and entries[related].action == "edit":
                changed = entries[related].fields.setdefault(name, {"+": [], "-": []})
                changed[sign].append(getattr(enrollment, other))
                if model is Student and sign == "-":  # as it was, so that Undo puts it back with its date
                    kept = entries[related].fields.setdefault(ENROLLMENTS, [[], None])[0]
                    kept.append({"course_id": enrollment.course_id, **taken_out[enrollment]})
    user_id = session.info[CHANGE_SET][1]
    rows = []
    for entry in entries.values():
        if entry.action == "create":
            entry.fields = {name: [None, value] for name, value in snapshot(entry.record).items()}
            if isinstance(entry.record, Student):  # flushed: its enrollments know their course ids now
                entry.fields["course_ids"] = [None, [enrollment.course_id for enrollment in entry.record.enrollments]]
        row = entry.record
        rows.append({
            "change_set_id": change_set_id, "user_id": user_id, "table_name": row.__tablename__,
            "row_id": row.id, "action": entry.action, "label": entry.label or str(row), "version": row.version,
            "data": json.dumps(entry.fields, default=str), "labels": json.dumps(named(session, entry)),
        })
    session.execute(db.insert(Change), rows)
    session.info.setdefault(TABLES, set()).update(row["table_name"] for row in rows)


def sides_of(session, enrollment) -> dict:
    """An enrollment's student and course. One taken out of a student's list (their form) has lost its student, not
    the student's id: the student is in the session."""
    student = enrollment.student or session.get(Student, enrollment.student_id)
    return {Student: student, Course: enrollment.course}


def made(session) -> tuple[frozenset, str | None, bool]:
    """The tables the change in progress changed, and the signed-in user's role and whether they are active as it
    leaves them (a statement over users may have changed their own row): read before its commit, so that the page
    after it needs no database to say whether to offer Undo."""
    tables = frozenset(session.info.get(TABLES, ()))
    if not (has_request_context() and current_user.is_authenticated):
        return tables, None, False
    if "users" not in tables:
        return tables, current_user.role, current_user.active
    me = session.execute(db.select(User.role, User.active).where(User.id == current_user.id)).first()
    return (tables, me.role, me.active) if me else (tables, None, False)


def open_change_set(session) -> int:
    """The change set of the change in progress, made on first use: by record() as it commits, or earlier by
    a change written as statements over sets of rows (record_rows), whose history needs it first."""
    if CHANGE_SET not in session.info:
        person, undoes = who(), session.info.pop(UNDOES, None)
        with session.no_autoflush:
            inserted = session.execute(db.insert(ChangeSet).values(at=utcnow(), undoes_id=undoes,
                                                                   summary=session.info.get(SUMMARY), **person))
            change_set_id = inserted.inserted_primary_key[0]
            if undoes is not None:
                session.execute(db.update(ChangeSet).where(ChangeSet.id == undoes).values(undone_by_id=change_set_id))
        session.info[CHANGE_SET] = (change_set_id, person["user_id"])
        if has_request_context():
            g.change_set_id = change_set_id  # for the flash that offers to undo it
    return session.info[CHANGE_SET][0]


def unlink(session, user: User):
    """A deleted user's advisees and courses lose them as advisor and teacher, set-based: each row's change is
    recorded by one INSERT … SELECT of its old value, then made by one UPDATE (not left to the database's
    ON DELETE SET NULL, which the history would not see)."""
    for model, column in ((Student, Student.advisor_id), (Course, Course.teacher_id)):
        where = column == user.id
        record_rows(session, model, where, {column.key: (column, None)}, labels={column.key: {str(user.id): user.name}})
        session.execute(db.update(model).where(where).values({column: None, model.version: model.version + 1,
                                                              model.updated_at: utcnow()}),
                        execution_options={"synchronize_session": False})


def record_rows(session, model, where, fields: dict, labels):
    """The history of an edit of every row of `model` that `where` selects, in one INSERT … SELECT: `fields` maps
    a field to (its old value, its new one) as SQL expressions or values; `labels` names the related rows, as a dict
    the same for every row or a SQL expression of the row's (JSON). Runs before the change itself."""
    json_object, json_array = json_functions()
    sql = [(old, db.null() if new is None else new) for old, new in fields.values()]
    pairs = [part for name, (old, new) in zip(fields, sql) for part in (db.literal(name), json_array(old, new))]
    insert_changes(session, model, where, "edit", json_object(*pairs), labels)


def insert_changes(session, model, where, action: str, data, labels, version=None):
    """A Change for every row of `model` that `where` selects, in one INSERT … SELECT: `data` and `labels` as
    JSON, each a dict the same for every row or a SQL expression of the row; `version` the row's version after
    (by default one more than now, as an edit makes it)."""
    change_set_id, user_id = open_change_set(session), session.info[CHANGE_SET][1]
    data, labels = (db.literal(json.dumps(v)) if isinstance(v, dict) else db.cast(v, Text) for v in (data, labels))
    columns = ["change_set_id", "user_id", "table_name", "row_id", "action", "label", "version", "data", "labels"]
    rows = db.select(
        db.literal(change_set_id), db.literal(user_id, Integer), db.literal(model.__tablename__), model.id,
        db.literal(action), db.cast(row_label(model), String), model.version + 1 if version is None else version,
        data, labels,
    ).where(where)
    session.execute(db.insert(Change).from_select(columns, rows))
    session.info.setdefault(TABLES, set()).add(model.__tablename__)


def summarize(session, summary: str):
    """The words the change in progress is recorded under, when they are known only once it ran ("set advisor on 271
    students", of the 312 selected): its change set may be open already, made by statements over sets of rows."""
    session.info[SUMMARY] = summary
    if opened := session.info.get(CHANGE_SET):
        session.execute(db.update(ChangeSet).where(ChangeSet.id == opened[0]).values(summary=summary))


def tally(session, change_set_id: int) -> str:
    """A change set's rows by table and kind of change, each row counted once, as the first thing done to it:
    "added 4,999 students and 1 course" (an import that made a course and enrolled them in it). One query."""
    first = db.case((Change.action == "create", 0), (Change.action == "delete", 1), else_=2)
    rows = (db.select(Change.table_name, db.func.min(first).label("kind")).where(Change.change_set_id == change_set_id)
            .group_by(Change.table_name, Change.row_id).subquery())
    counts = session.execute(db.select(rows.c.table_name, rows.c.kind, db.func.count())
                             .group_by(rows.c.table_name, rows.c.kind).order_by(rows.c.kind)).all()
    by_kind = {}
    for table, kind, count in counts:
        by_kind.setdefault(kind, []).append(plural(count, table.removesuffix("s")))  # users, students, courses
    return ", ".join(f"{('added', 'deleted', 'changed')[kind]} {' and '.join(said)}" for kind, said in by_kind.items())


def json_functions():
    """The SQL functions that build a JSON object and array, on this backend."""
    return tuple(getattr(db.func, name) for name in backend().json_functions)


def named(session, entry: Entry) -> dict:
    """The names of the rows an entry's fields name: as they are now, else as given with its fields (a row deleted
    since keeps the name it had)."""
    now = labels(session, entry.fields)
    return {name: {**entry.names.get(name, {}), **now.get(name, {})} for name in dict.fromkeys([*now, *entry.names])}


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
    """How a related row is named in a change: "MATH-101", "Lisa Padilla"."""
    return model.code if model is Course else model.name


def row_label(model):
    """How a changed row is named, in SQL, as str() names it."""
    return model.code + " " + model.title if model is Course else model.name


def who() -> dict:
    """The signed-in user, or the command that made the change (signed out, only the first-run setup changes any)."""
    if has_request_context():
        if current_user.is_authenticated:
            return {"user_id": current_user.id, "user_name": current_user.name}
        return {"user_id": None, "user_name": "First-run setup"}
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
