"""Undoing a change set: each row it touched is put back as it was, as one new change set of its own (so an undo
can be undone too). Whatever the number of rows, it takes statements over sets of rows, CHUNK ids at a time: a
bulk change of 80,000 students is undone as quickly as it was made (records.undo_writes).

A created row is deleted (records.bulk.delete); a deleted row comes back with its id and its enrollments in courses
(or students) that still exist; edits of enrollments alone are reversed per course; an edit of one plain field is
put back by statements over all the rows the change set changed alike (a bulk action), other edits (a form's save)
row by row. Where a later change set touched the same fields of the same rows, `later_changes` names them, and the
caller asks before undoing: the undo then replaces as many as it asked about, and is refused when there are more
by then (made after the question, or at the same moment as the undo). The one exception is a deleted user's advisees and
courses: given back to them only where nobody else was given them since, so those are not asked about.

It refuses, writing nothing (`Refused`), a change it cannot make whole: a value another row holds now (an email, a
course's code: `Clashed`), or nothing left to put back. An advisor or teacher deleted since stays empty, and is
said, with what else could not come back. Before it commits it reads back the state it leaves: it is refused when
no active admin would be left, or when the person undoing would lose their account, their access or their role.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from models import Change, ChangeSet, Course, Enrollment, Student, User, db
from records import bulk, change, history
from records.history import CHANGE_SET, UNDOES
from records.pending import ENROLLMENTS
from records.undo_checks import (NOUNS, ROLES, Clashed, Refused, claim, deleted_users, first_clash, gone_users,
                                 is_refusal, later_changes, unasked, unique_columns, unlinked)
from records.undo_writes import (SETS, Enrollments, chunks, existing, lost, plain, put_back, put_back_rows,
                                 restore_rows, with_fields)

__all__ = ["Clashed", "Refused", "Undone", "later_changes", "undo"]
MODELS = {model.__tablename__: model for model in (User, Student, Course)}


@dataclass
class Undone:
    """What an undo did: what it could not bring back, in words, and how many rows of each table it changed (read
    before its commit: a user's advisees given back are those still without an advisor, not all they had)."""

    missing: list[str]
    changed: dict[str, int]


class Plan:
    """What undoing a change set will write, read before anything is: the rows to delete, to bring back, to put
    back by statements and row by row; and the values it puts back that are checked first."""

    def __init__(self, change_set: ChangeSet):
        self.rows = db.session.execute(
            db.select(Change.id, Change.table_name, Change.row_id, Change.action, Change.label, Change.data,
                      Change.labels, Change.version)
            .where(Change.change_set_id == change_set.id).order_by(Change.id.desc())
        ).all()
        self.created, self.deleted = defaultdict(list), defaultdict(list)  # by model: put back set-based
        self.same_edits = defaultdict(list)  # (table, field, old, new, labels) -> the rows it was done to
        self.set_edits = []  # (model, row id, data, labels) of edits of related sets (enrollments)
        self.row_edits = []  # (model, row id, label, data, labels): put back row by row
        deleted = deleted_users(change_set.id)
        self.keep_later = set()  # same_edits' keys of advisees and courses of a user the change set deleted
        for undone in self.rows:
            model = MODELS[undone.table_name]
            data, labels = json.loads(undone.data), json.loads(undone.labels)
            if undone.action == "create":
                self.created[model].append(undone.row_id)
            elif undone.action == "delete":
                self.deleted[model].append(undone)
            elif len(data) == 1 and plain(model, next(iter(data))):
                [(name, (old, new))] = data.items()
                key = (undone.table_name, name, json.dumps(old), json.dumps(new), undone.labels)
                self.same_edits[key].append((undone.row_id, undone.label))
                if unlinked(data, deleted):
                    self.keep_later.add(key)
            else:  # its enrollments by statements with the rest of the set's (recorded alike), its fields row by row
                sets = {name: values for name, values in data.items() if name in SETS or name == ENROLLMENTS}
                if sets:
                    named = {name: labels[name] for name in sets if name in labels}
                    self.set_edits.append((model, undone.row_id, sets, named))
                if fields := {name: values for name, values in data.items() if name not in sets}:
                    self.row_edits.append((model, undone.row_id, undone.label, fields, labels))

    def related(self) -> set[int]:
        """The users it names as advisor or teacher."""
        ids = {json.loads(old) for (_, name, old, _, _) in self.same_edits if name in ROLES}
        ids |= {data[name][0] for _, _, _, data, _ in self.row_edits for name in ROLES if name in data}
        ids |= {json.loads(undone.data).get(name, [None])[0] for rows in self.deleted.values() for undone in rows
                for name in ROLES}
        return ids

    def clash(self):
        """The first value it puts back that another row holds now (records.undo_checks.first_clash)."""
        intended = defaultdict(dict)
        for model, rows in self.deleted.items():
            there = existing(model, [undone.row_id for undone in rows])
            for undone in rows:
                if undone.row_id not in there:
                    data = json.loads(undone.data)
                    for name in unique_columns(model):
                        intended[(model, name)][undone.row_id] = data[name][0]
        for (table, name, old, _, _), rows in self.same_edits.items():
            if name in unique_columns(MODELS[table]):
                intended[(MODELS[table], name)].update({row_id: json.loads(old) for row_id, _ in rows})
        for model, row_id, _, data, _ in self.row_edits:
            for name in set(unique_columns(model)) & set(data):
                intended[(model, name)][row_id] = data[name][0]
        return first_clash(intended, {model: set(ids) for model, ids in self.created.items()})


def undo(change_set: ChangeSet, by: User | None = None, replacing: int = 0) -> Undone:
    """Puts back what `change_set` changed, on behalf of `by` (the signed-in user), replacing the `replacing` later
    changes they were asked about (later_changes). Returns what could not come back, in words, and the rows it
    changed; raises Refused, having written nothing, when it cannot be undone (undone already, a value another row
    holds now, nothing left to put back, a later change they were not asked about) or would leave no active admin
    or take `by`'s account, access or role away."""
    me = db.session.execute(db.select(User.id, User.role, User.active).where(User.id == by.id)).first() if by else None
    plan = Plan(change_set)
    if clash := plan.clash():
        raise Clashed(clash)
    gone = gone_users(plan.related(), {undone.row_id for undone in plan.deleted[User]})
    try:
        return write(change_set, plan, gone, me, replacing)
    except Exception as error:
        if not is_refusal(error):
            raise
        # Another change at the same moment took a value it puts back, or deleted a row it names: said as above
        if clash := plan.clash():
            raise Clashed(clash) from error
        raise Refused("another change made at the same moment stands in its way. Look again, then undo.") from error


def write(change_set, plan: Plan, gone: set[int], me, replacing: int) -> Undone:
    missing = []
    # An undo of a bulk change is named for it, as the change was: its rows are listed alike, many
    summary = f"undid “{change_set.summary}”"[:200] if change_set.summary else None  # ChangeSet.summary's length
    with change(summary, many=True) as session:
        claim(session, change_set.id)
        session.info[UNDOES] = change_set.id
        enrollments = Enrollments()
        for model in (User, Course, Student):  # those referred to first
            missing += restore_rows(session, model, plan.deleted[model], enrollments, gone)
        for model in (Student, Course, User):
            for ids in chunks(plan.created[model]):
                bulk.delete(session, model, ids)
        reversed_sets = enrollments.reverse(session, plan.set_edits)
        edited = {(model, row_id) for model, row_id, *_ in plan.row_edits}
        also = {}  # rows whose fields come back too: one change of each, their enrollments with their fields
        # Its history before its statements: a student's courses it takes out are read as they are (their dates), so
        # that undoing this undo puts them back as they were
        for (model, data, labels), ids in reversed_sets.items():
            data = json.loads(data)
            also |= with_fields(model, data, json.loads(labels), [id for id in ids if (model, id) in edited])
            if not (ids := [id for id in ids if (model, id) not in edited]):
                continue
            if model is Student and (taken := data.get("course_ids", {}).get("-")):
                data = bulk.taking_out(data, Enrollment.course_id.in_(taken))
            for chunk in chunks(ids):
                history.insert_changes(session, model, model.id.in_(chunk), "edit", data, json.loads(labels))
                bulk.touch(session, model, model.id.in_(chunk), {})
        missing += enrollments.apply(session)
        for model in (User, Course, Student):
            restored = [undone.row_id for undone in plan.deleted[model] if (model, undone.row_id) in enrollments.restored]
            for ids in chunks(restored):
                bulk.record_snapshots(session, model, model.id.in_(ids), "create")
        deleted = deleted_since(plan.same_edits)
        for key, rows in plan.same_edits.items():
            table, name, old, new, labels = key
            model, old, labels = MODELS[table], json.loads(old), json.loads(labels)
            if gone_rows := [label for row_id, label in rows if (table, row_id) in deleted]:
                missing.append(f"{NOUNS[model]} “{gone_rows[0]}” as it was: it has been deleted since"
                               if len(gone_rows) == 1 else
                               f"{len(gone_rows):,} {table} as they were: they have been deleted since")
            if name in ROLES and old in gone:
                whose = f"of {NOUNS[model]} “{rows[0][1]}”" if len(rows) == 1 else f"of {len(rows):,} {model.__tablename__}"
                missing.append(lost(name, old, labels, whose))
                continue
            put_back_rows(session, model, name, old, json.loads(new), [row_id for row_id, _ in rows], labels,
                          keep_later=key in plan.keep_later)
        # Row by row last, and unflushed: the history must find these edits still to be written (their queries and
        # the statements above would flush them unrecorded)
        with session.no_autoflush:
            for model, row_id, label, data, labels in plan.row_edits:
                if (row := session.get(model, row_id)) is not None:
                    missing += put_back(session, row, data, labels, gone)
                else:
                    missing.append(f"{NOUNS[model]} “{label}” as it was: it has been deleted since")
        # The history now, which flushes the ORM's edits (records.change then finds nothing left to record), so the
        # check reads what the commit would leave, whichever of the statements above changed users.
        history.record(session, also)
        if not (changed := changed_rows(session)):  # so no "Undone" said of nothing, nor an empty change set kept
            raise Refused(f"nothing could be put back: {'; '.join(missing)}." if missing else
                          "everything it changed is as it was before already, or has been deleted since.")
        unasked(change_set, replacing, session.info[CHANGE_SET][0])
        if why := locks_out(me):
            raise Refused(why)
    return Undone(missing, changed)


def deleted_since(same_edits: dict) -> set[tuple[str, int]]:
    """The rows of `same_edits` (the plan's edits alike, by table) that do not exist now: deleted since, and not
    brought back. Looked up by id: a join of their history with its later deletes, planned on stale statistics (one
    delete where there were 50,000), ran over 12 minutes on PostgreSQL in bench.bulk's Undo of a bulk delete."""
    edited = defaultdict(set)
    for (table, *_), rows in same_edits.items():
        edited[table].update(row_id for row_id, _ in rows)
    return {(table, row_id) for table, ids in edited.items() for row_id in ids - existing(MODELS[table], ids)}


def changed_rows(session) -> dict[str, int]:
    """How many rows of each table the change in progress changed (its statements open the change set even when
    none matched): one query over its history."""
    opened = session.info.get(CHANGE_SET)
    if opened is None:
        return {}
    return dict(session.execute(db.select(Change.table_name, db.func.count(db.distinct(Change.row_id)))
                                .where(Change.change_set_id == opened[0]).group_by(Change.table_name)).all())


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
