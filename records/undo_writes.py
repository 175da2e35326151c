"""The statements of an undo (records.undo): deleted rows back with their ids and enrollments, a plain field of
many rows back by one UPDATE per CHUNK rows, other edits back row by row. Each says, in words, what it could not
put back: a related row deleted since (a course, an advisor), a password the history never keeps.
"""

import json
from collections import defaultdict
from datetime import date, datetime

from database.inserting import insert_rows
from models import Course, Enrollment, Student, User, db, utcnow
from records import bulk, conflicts, history
from records.pending import ENROLLMENTS, KEPT_ON_DELETE, KEPT_WITH_ENROLLMENT, PASSWORD
from records.undo_checks import CHUNK, NOUNS, ROLES

SETS = {"course_ids": (Enrollment.course_id, Enrollment.student_id), "student_ids": (Enrollment.student_id, Enrollment.course_id)}


def chunks(ids: list) -> list[list]:
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def existing(model, ids) -> set[int]:
    return {id for chunk in chunks(list(ids)) for id in db.session.scalars(db.select(model.id).where(model.id.in_(chunk)))}


def restore_rows(session, model, undone_rows, enrollments: "Enrollments", gone: set[int]) -> list[str]:
    """Deleted rows back, with their ids, by inserts of many rows; their enrollments go to `enrollments`. What
    could not come back, in words: an advisor or teacher among `gone` (deleted since), a user's password, which the
    history never keeps."""
    there = existing(model, [undone.row_id for undone in undone_rows])
    values, missing = [], []
    for undone in undone_rows:
        if undone.row_id in there:
            continue
        data, labels = json.loads(undone.data), json.loads(undone.labels)
        row = {name: restored(model, name, value[0]) for name, value in data.items() if name in model.__table__.columns}
        for name in ROLES:
            if row.get(name) in gone:
                missing.append(lost(name, row[name], labels, f"of {NOUNS[model]} “{undone.label}”"))
                row[name] = None
        values.append({**row, **model.derived_for(row), "id": undone.row_id, "version": undone.version + 1})
        for name, (ids, _) in data.items():
            if name in SETS:
                enrollments.add(name, undone.row_id, ids, labels)
                enrollments.keep(name, undone.row_id, data.get(ENROLLMENTS, [[]])[0])
        enrollments.restored.add((model, undone.row_id))
        if data.get(PASSWORD, [False])[0]:
            missing.append(f"the password of “{undone.label}” (the history never keeps one): set a new one")
    insert_rows(session, model, values)
    return missing


def lost(name: str, id: int, labels: dict, whose: str) -> str:
    """A related user that could not be put back, in words: "the advisor Lisa Padilla of student “Ana Ruiz”, who
    has been deleted since"."""
    return f"the {ROLES[name]} {labels.get(name, {}).get(str(id), f'#{id}')} {whose}, who has been deleted since"


def restored(model, name, value):
    """A deleted row's value, as its snapshot keeps it, for the column: its time added as each backend writes a
    time into JSON ("2024-09-01 08:30:00.123456", or with a "T"), which Python reads either way."""
    if name in KEPT_ON_DELETE and value is not None:
        return datetime.fromisoformat(value)
    return conflicts.decoded(model, name, value)


class Enrollments:
    """Enrollments to put back in and take out, as (student id, course id), made by a statement per course."""

    def __init__(self):
        self.added, self.removed, self.labels, self.restored = set(), set(), {}, set()
        self.kept = {}  # (student id, course id) -> the enrollment's own values a deleted row's snapshot kept

    def keep(self, name, row_id, rows: list[dict]):
        """A deleted row's enrollments as its snapshot kept them (none in one kept before they were: enrolled today)."""
        other = SETS[name][0].key
        for row in rows:
            self.kept[key(name, row_id, row[other])] = {
                column: conflicts.decoded(Enrollment, column, value) for column, value in row.items()
                if column in KEPT_WITH_ENROLLMENT}

    def add(self, name, row_id, ids, labels, remove=False):
        pairs = {key(name, row_id, id) for id in ids}
        (self.removed if remove else self.added).update(pairs)
        other = "course" if name == "course_ids" else "student"
        self.labels.update({(other, int(id)): label for id, label in labels.get(name, {}).items()})

    def reverse(self, session, set_edits) -> dict:
        """Plans the undo of edits of enrollments alone; returns their history: (model, data, labels) -> row ids."""
        kept = {model: existing(model, [row_id for m, row_id, _, _ in set_edits if m is model]) for model in (Student, Course)}
        recorded = defaultdict(list)
        for model, row_id, data, labels in set_edits:
            if row_id not in kept[model]:
                continue
            sets = {name: values for name, values in data.items() if name in SETS}
            for name, values in sets.items():
                self.add(name, row_id, values["+"], labels, remove=True)
                self.add(name, row_id, values["-"], labels)
            if ENROLLMENTS in data:  # a student's: the enrollments it took out, as they were
                self.keep("course_ids", row_id, data[ENROLLMENTS][0])
            back = {name: {"+": values["-"], "-": values["+"]} for name, values in sets.items()}
            recorded[(model, json.dumps(back), json.dumps(labels))].append(row_id)
        return recorded

    def apply(self, session) -> list[str]:
        """The statements, CHUNK pairs each: a DELETE of the pairs to take out, then an INSERT of those to put in
        whose student and course exist and are not enrolled already. What could not come back, in words."""
        def among(pairs):  # the pairs, found through the primary key's students first (a row-value IN alone scans)
            pair = db.tuple_(Enrollment.student_id, Enrollment.course_id)
            return Enrollment.student_id.in_({s for s, _ in pairs}) & pair.in_(pairs)

        for pairs in chunks(sorted(self.removed)):
            session.execute(db.delete(Enrollment).where(among(pairs)), execution_options={"synchronize_session": False})
        students = existing(Student, {s for s, _ in self.added})
        courses = existing(Course, {c for _, c in self.added})
        wanted = sorted((s, c) for s, c in self.added if s in students and c in courses)
        for pairs in chunks(wanted):
            there = set(session.execute(db.select(Enrollment.student_id, Enrollment.course_id).where(among(pairs))))
            rows = [{"student_id": s, "course_id": c, "enrolled_on": date.today(), **self.kept.get((s, c), {})}
                    for s, c in pairs if (s, c) not in there]
            insert_rows(session, Enrollment, rows)
        gone = sorted({c for _, c in self.added} - courses)
        return [f"the enrollment in {self.labels.get(('course', c), f'#{c}')}, which has been deleted" for c in gone]


def with_fields(model, data: dict, labels: dict, ids: list[int]) -> dict:
    """An undo's change of the enrollments of rows `ids` whose fields it puts back too, by row, to be recorded with
    those fields as one change of each row, as a form's save records it (records.history.record's `also`). A
    student's enrollments it takes out are kept beside it as they are now, dates and all: read before they go."""
    taken = data.get("course_ids", {}).get("-") if model is Student else None
    if not (ids and taken):
        return {(model, id): (data, labels) for id in ids}
    kept = defaultdict(list)
    columns = [Enrollment.__table__.columns[name] for name in KEPT_WITH_ENROLLMENT]
    for chunk in chunks(ids):
        rows = db.session.execute(db.select(Enrollment.student_id, Enrollment.course_id, *columns)
                                  .where(Enrollment.student_id.in_(chunk), Enrollment.course_id.in_(taken)))
        for student_id, course_id, *values in rows:
            kept[student_id].append({"course_id": course_id, **dict(zip(KEPT_WITH_ENROLLMENT, values))})
    return {(model, id): ({**data, ENROLLMENTS: [kept[id], None]}, labels) for id in ids}


def plain(model, name: str) -> bool:
    """A column whose values SQL writes into JSON as Python reads them back (whole numbers, text, and booleans,
    which some backends write as 0 and 1), so an edit of it can be put back, and recorded, by statements (dates and
    hundredths differ between the two)."""
    column = model.__table__.columns.get(name)
    return column is not None and column.type.python_type in (int, str, bool)


def put_back_rows(session, model, name, old, new, ids: list[int], labels: dict, keep_later=False) -> int:
    """One field of many rows back to `old`, CHUNK rows a statement, with the history of it: over whatever they
    hold now (the person was asked before replacing a later change), or with `keep_later` only where it is still
    `new`. Rows holding `old` already are left alone. How many changed."""
    column = model.__table__.columns[name]
    before, after = conflicts.decoded(model, name, old), conflicts.decoded(model, name, new)
    if keep_later:
        differs = column == after if after is not None else column.is_(None)
    else:
        differs = column.is_distinct_from(before)
    changed = 0
    for start in range(0, len(ids), CHUNK):
        where = model.id.in_(ids[start:start + CHUNK]) & differs
        history.record_rows(session, model, where, {name: (column, before)}, labels)
        if model is User and name == "active" and not before:  # deactivated: signed out everywhere
            bulk.end_sessions(session, db.select(User.id).where(where))
        changed += session.execute(db.update(model).where(where).values({column: before, model.version: model.version + 1,
                                                                         model.updated_at: utcnow()}),
                                   execution_options={"synchronize_session": False}).rowcount
    return changed


def put_back(session, row, data: dict, labels: dict, gone: set[int]) -> list[str]:
    """An edit of `row` back, field by field; what could not be, in words."""
    missing = []
    for name, values in data.items():
        if name in ROLES and values[0] in gone:
            missing.append(lost(name, values[0], labels, f"of {NOUNS[type(row)]} “{row}”"))
        elif name == "password":
            missing.append("a password change (passwords are not kept, so it cannot be put back)")
        else:
            setattr(row, name, conflicts.decoded(row, name, values[0]))
            if isinstance(row, User) and name == "active" and not row.active:  # signed out everywhere
                row.end_sessions()
    return missing


def key(name, row_id, other_id) -> tuple[int, int]:
    """Enrollment's primary key: (student_id, course_id)."""
    return (row_id, other_id) if name == "course_ids" else (other_id, row_id)
