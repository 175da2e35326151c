"""Undoing a change set: each row it touched is put back as it was, as one new change set of its own (so an undo
can be undone too). Whatever the number of rows, it takes statements over sets of rows, CHUNK ids at a time: a
bulk change of 80,000 students is undone as quickly as it was made.

A created row is deleted (records.bulk.delete); a deleted row comes back with its id and its enrollments in courses
(or students) that still exist; edits of enrollments alone are reversed per course; an edit of one plain field is
put back by statements over all the rows the change set changed alike (a deleted user's advisees, a bulk action),
where they kept no later value; other edits (a form's save) are put back row by row. Where a later change set
touched the same fields of the same rows, `later_changes` names them, and the caller asks before undoing.

An undo can delete, deactivate or demote users like any other change of them, so before it commits it reads back
the state it leaves: it is refused, and nothing is written, when no active admin would be left, or when the person
undoing would lose their account, their access or their role (`Refused`).
"""

import json
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.orm import aliased

from database.inserting import insert_rows
from models import Change, ChangeSet, Course, Enrollment, Student, User, db, utcnow
from records import bulk, change, conflicts, history
from records.history import UNDOES
from records.pending import KEPT_ON_DELETE, PASSWORD

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


class Refused(Exception):
    """An undo that would lock the site, or the person undoing it, out: rolled back, with why in words."""


def undo(change_set: ChangeSet, by: User | None = None) -> list[str]:
    """Puts back what `change_set` changed, on behalf of `by` (the signed-in user). Returns what could not come
    back, in words; raises Refused, having written nothing, when it would leave no active admin or take `by`'s
    account, access or role away."""
    me = db.session.execute(db.select(User.id, User.role, User.active).where(User.id == by.id)).first() if by else None
    rows = db.session.execute(
        db.select(Change.id, Change.table_name, Change.row_id, Change.action, Change.label, Change.data, Change.labels,
                  Change.version)
        .where(Change.change_set_id == change_set.id).order_by(Change.id.desc())
    ).all()
    missing = []
    # An undo of a bulk change is named for it, as the change was: its rows are listed alike, many
    summary = f"undid “{change_set.summary}”"[:200] if change_set.summary else None  # ChangeSet.summary's length
    with change(summary, many=True) as session:
        session.info[UNDOES] = change_set.id
        created, deleted = defaultdict(list), defaultdict(list)  # by model: put back set-based, below
        same_edits = defaultdict(list)  # (table, field, old, new, labels) -> the rows it was done to
        set_edits = []  # (model, row id, data, labels) of edits of only related sets (enrollments)
        for undone in rows:
            model = MODELS[undone.table_name]
            data, labels = json.loads(undone.data), json.loads(undone.labels)
            if undone.action == "create":
                created[model].append(undone.row_id)
            elif undone.action == "delete":
                deleted[model].append(undone)
            elif len(data) == 1 and plain(model, next(iter(data))):
                [(name, (old, new))] = data.items()
                same_edits[(undone.table_name, name, json.dumps(old), json.dumps(new), undone.labels)].append(undone.row_id)
            elif set(data) <= set(SETS):
                set_edits.append((model, undone.row_id, data, labels))
            elif (row := session.get(model, undone.row_id)) is not None:
                missing += put_back(session, row, data, labels)
        enrollments = Enrollments()
        for model in (User, Course, Student):  # those referred to first
            missing += restore_rows(session, model, deleted[model], enrollments)
        for model in (Student, Course, User):
            for ids in chunks(created[model]):
                bulk.delete(session, model, ids)
        reversed_sets = enrollments.reverse(session, set_edits)
        missing += enrollments.apply(session)
        for model in (User, Course, Student):
            for ids in chunks([undone.row_id for undone in deleted[model] if (model, undone.row_id) in enrollments.restored]):
                bulk.record_snapshots(session, model, model.id.in_(ids), "create")
        for (model, data, labels), ids in reversed_sets.items():
            for chunk in chunks(ids):
                history.insert_changes(session, model, model.id.in_(chunk), "edit", json.loads(data), json.loads(labels))
                bulk.touch(session, model, model.id.in_(chunk), {})
        for (table, name, old, new, labels), ids in same_edits.items():
            put_back_rows(session, MODELS[table], name, json.loads(old), json.loads(new), ids, json.loads(labels))
        # The history now, which flushes the ORM's edits (records.change then finds nothing left to record), so the
        # check reads what the commit would leave, whichever of the statements above changed users.
        history.record(session)
        if why := locks_out(me):
            raise Refused(why)
    return missing


def locks_out(me) -> str | None:
    """Why the state about to be committed locks the site or `me` (id, role, active before the undo) out."""
    if me is not None:
        now = db.session.execute(db.select(User.role, User.active).where(User.id == me.id)).first()
        if now is None:
            return "This would delete your own account. Ask another admin to do it."
        if me.active and not now.active:
            return "This would deactivate your own account. Ask another admin to do it."
        if now.role != me.role:
            return f"This would make you {article(now.role)} instead of {article(me.role)}. Ask another admin to do it."
    if db.session.scalar(db.select(User.id).where(User.role == "admin", User.active).limit(1)) is None:
        return "This would leave no active admin: make someone else an admin first."
    return None


def article(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def chunks(ids: list) -> list[list]:
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def existing(model, ids) -> set[int]:
    return {id for chunk in chunks(list(ids)) for id in db.session.scalars(db.select(model.id).where(model.id.in_(chunk)))}


def restore_rows(session, model, undone_rows, enrollments: "Enrollments") -> list[str]:
    """Deleted rows back, with their ids, by inserts of many rows; their enrollments go to `enrollments`. What
    could not come back, in words: a user's password, which the history never keeps."""
    there = existing(model, [undone.row_id for undone in undone_rows])
    values, missing = [], []
    for undone in undone_rows:
        if undone.row_id in there:
            continue
        data, labels = json.loads(undone.data), json.loads(undone.labels)
        row = {name: restored(model, name, value[0]) for name, value in data.items() if name in model.__table__.columns}
        values.append({**row, **model.derived_for(row), "id": undone.row_id, "version": undone.version + 1})
        for name, (ids, _) in data.items():
            if name in SETS:
                enrollments.add(name, undone.row_id, ids, labels)
        enrollments.restored.add((model, undone.row_id))
        if data.get(PASSWORD, [False])[0]:
            missing.append(f"the password of “{undone.label}” (the history never keeps one): set a new one")
    insert_rows(session, model, values)
    return missing


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
            for name, values in data.items():
                self.add(name, row_id, values["+"], labels, remove=True)
                self.add(name, row_id, values["-"], labels)
            back = {name: {"+": values["-"], "-": values["+"]} for name, values in data.items()}
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
            rows = [{"student_id": s, "course_id": c, "enrolled_on": date.today()} for s, c in pairs if (s, c) not in there]
            insert_rows(session, Enrollment, rows)
        gone = sorted({c for _, c in self.added} - courses)
        return [f"the enrollment in {self.labels.get(('course', c), f'#{c}')}, which has been deleted" for c in gone]


def plain(model, name: str) -> bool:
    """A column whose values SQL writes into JSON as Python reads them back (whole numbers, text, and booleans,
    which some backends write as 0 and 1), so an edit of it can be put back, and recorded, by statements (dates and
    hundredths differ between the two)."""
    column = model.__table__.columns.get(name)
    return column is not None and column.type.python_type in (int, str, bool)


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
