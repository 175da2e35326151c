"""Imports, the last step: the plan made again inside one change (records.change), then written by statements over
all its rows (INSERT of many rows, UPDATE … WHERE id AND version of many rows), with the history of every row as
one change set (records.import_history). Any problem, or a row changed by someone else meanwhile, and nothing is
written."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam

from database.inserting import insert_rows
from models import IMPORTED, Change, ChangeSet, Course, Enrollment, Student, User, db, utcnow
from records import bulk, change, history, pending
from records.import_checks import Progress, plan
from records.import_history import RELATED, labels_of, record_many, related_labels
from records.imports import CHUNK, Importer, Plan, Problem

SUMMARY_MAX = ChangeSet.summary.type.length
NAME_SHOWN = 100  # of a file's name in its import's summary: room is left for what it did


class Refused(Exception):
    """Nothing was imported: the plan has problems, or rows changed since it was made."""

    def __init__(self, result: Plan):
        super().__init__("; ".join(map(str, result.problems[:3])))
        self.plan = result


@dataclass(frozen=True)
class Seen:
    """What the preview showed: its plan's fingerprint, and the newest change then (to say who changed what since)."""

    fingerprint: str
    last_change: int


def last_change() -> int:
    return db.session.scalar(db.select(db.func.max(Change.id))) or 0


def commit(importer: Importer, table, mapping, progress: Progress = lambda n: None, also=lambda session: None,
           me: int | None = None, seen: Seen | None = None, name: str | None = None) -> Plan:
    """Imports the file, all of it or (raising Refused) none; `also(session)` runs in the same transaction. With
    `seen`, the preview's: a row that changed since it was shown refuses the import (the plan made now says which).
    `name`, the file's: its change set is summarized as the import of it ("import of students.csv: added 3 …")."""
    with change(many=True) as session:
        result = plan(importer, table, mapping, progress, me)
        if result.problems:
            raise Refused(result)
        if seen is not None and result.fingerprint != seen.fingerprint:
            result.changed_since = changed_since(importer.model, result, seen.last_change)
            raise Refused(result)
        if importer.form is None:
            enroll(session, [(v["student_id"], v["course_id"], v["enrolled_on"]) for _, v in result.new])
        else:
            write(session, importer, result)
        if name:
            summarize(session, name)
        also(session)
    return result


def summarize(session, name: str):
    """The change set named as the import of file `name`, with what it did by table, read from its history: the
    Changes page and the undo's confirmation say it so."""
    history.record(session)  # every row's history written first, so the tally counts them all
    if opened := session.info.get(history.CHANGE_SET):
        said = f"{IMPORTED}{name[:NAME_SHOWN]}: {history.tally(session, opened[0])}"
        history.summarize(session, said[:SUMMARY_MAX])


def write(session, importer: Importer, result: Plan):
    model = importer.model
    names = RELATED.keys() & {c.name for c in importer.columns}
    labels = related_labels(names, [v for _, v in result.new] + [u.after for u in result.updates]
                            + [{n: old for n, (old, _) in u.changed.items()} for u in result.updates])
    columns = [c.name for c in importer.columns if c.kind != "many"]
    enrolled, unenrolled = [], []
    if result.new:
        rows = [{**{n: values[n] for n in columns}, **model.derived_for(values)} for _, values in result.new]
        key = importer.key.name
        ids = insert_rows(session, model, rows, key=model.__table__.c[key])
        created = []
        for _, values in result.new:
            id = ids[values[key]]
            fields = {n: [None, values[n]] for n in pending.recorded_columns(model)}
            if model is User:
                fields[pending.PASSWORD] = [None, False]
            if "course_ids" in values:
                fields["course_ids"] = [None, values["course_ids"]]
                enrolled += [(id, course_id, None) for course_id in values["course_ids"]]
            created.append({"row_id": id, "label": str(values.get("name") or values.get("code")), "version": 1,
                            "fields": fields, "labels": labels_of(fields, labels)})
        record_many(session, model, "create", created)
    if result.updates:
        update_rows(session, model, columns, result)
        if model is User:  # deactivated: signed out everywhere, as the form and the bulk action sign them out
            leaving = [u.id for u in result.updates if "active" in u.changed and not u.changed["active"][1]]
            for start in range(0, len(leaving), CHUNK):
                bulk.end_sessions(session, db.select(User.id).where(User.id.in_(leaving[start:start + CHUNK])))
        edited = []
        for update in result.updates:
            fields = {n: [old, new] for n, (old, new) in update.changed.items() if n != "course_ids"}
            if "course_ids" in update.changed:
                old, new = (set(ids or []) for ids in update.changed["course_ids"])
                fields["course_ids"] = {"+": sorted(new - old), "-": sorted(old - new)}
                enrolled += [(update.id, course_id, None) for course_id in sorted(new - old)]
                unenrolled += [(update.id, course_id) for course_id in sorted(old - new)]
            edited.append({"row_id": update.id, "label": update.label, "version": update.version + 1,
                           "fields": fields, "labels": labels_of(fields, labels)})
        taken = taken_out(session, unenrolled)
        for row in edited:  # the enrollments it takes out, as they are: Undo puts them back so (pending.ENROLLMENTS)
            if row["row_id"] in taken:
                row["fields"][pending.ENROLLMENTS] = [taken[row["row_id"]], None]
        record_many(session, model, "edit", edited)
    enroll(session, enrolled, unenrolled, students_recorded=True)


def taken_out(session, pairs: list[tuple]) -> dict[int, list[dict]]:
    """The enrollments (student, course) that are about to be taken out, as rows with their dates, by student."""
    wanted, students, found = set(pairs), sorted({s for s, _ in pairs}), defaultdict(list)
    kept = [Enrollment.__table__.columns[name] for name in pending.KEPT_WITH_ENROLLMENT]
    for start in range(0, len(students), CHUNK):
        query = db.select(Enrollment.student_id, Enrollment.course_id, *kept).where(
            Enrollment.student_id.in_(students[start:start + CHUNK]))
        for student_id, course_id, *values in session.execute(query):
            if (student_id, course_id) in wanted:
                found[student_id].append({"course_id": course_id, **dict(zip(pending.KEPT_WITH_ENROLLMENT, values))})
    return found


def update_rows(session, model, columns: list[str], result: Plan):
    table = model.__table__
    columns = columns + list(model.derived_for({}))  # search_text and the sort keys, made from the new values
    statement = (db.update(table).where(table.c.id == bindparam("row_id"), table.c.version == bindparam("row_version"))
                 .values({**{n: bindparam(f"new_{n}", type_=table.c[n].type) for n in columns},
                          "version": table.c.version + 1, "updated_at": utcnow()}))
    parameters = [{"row_id": u.id, "row_version": u.version,
                   **{f"new_{n}": value for n, value in {**u.after, **model.derived_for(u.after)}.items() if n in columns}}
                  for u in result.updates]
    done = session.execute(statement, parameters).rowcount
    if db.engine.dialect.supports_sane_multi_rowcount and done != len(parameters):
        result.problems.append(Problem(None, None, f"Someone changed some of these {model.__tablename__} while "
                                                   "this import ran: nothing was imported. Look at the preview again."))
        raise Refused(result)


def changed_since(model, result: Plan, since: int) -> list[Problem]:
    """Who changed, added or deleted the rows this import writes after the preview (changes after `since`): one
    line per row, in row order; one for the file if the history does not say (a change made as the preview read)."""
    rows = {u.id: (u.row, u.label) for u in result.updates}
    new = {str(values.get("name") or values.get("code")): number for number, values in result.new}
    said = {"create": "added", "edit": "changed", "delete": "deleted"}
    found, ids = {}, sorted(rows)
    query = (db.select(Change.row_id, Change.action, Change.label, User.name).outerjoin(User, User.id == Change.user_id)
             .where(Change.table_name == model.__tablename__, Change.id > since).order_by(Change.id))
    for start in range(0, len(ids) or 1, CHUNK):
        for row_id, action, label, who in db.session.execute(query.where(Change.row_id.in_(ids[start:start + CHUNK]))):
            found[rows[row_id]] = f"{label} was {said.get(action, 'changed')} by {who or 'someone'} since the preview."
    for _, action, label, who in db.session.execute(query.where(Change.action == "delete",
                                                                Change.label.in_(sorted(new)[:CHUNK]))):
        found[(new[label], label)] = f"{label} was deleted by {who or 'someone'} since the preview."
    problems = [Problem(row, None, message) for (row, _), message in sorted(found.items())]
    noun = model.__tablename__
    return problems or [Problem(None, None, f"Some of these {noun} changed since the preview.")]


def enroll(session, added: list[tuple], removed: list[tuple] = (), students_recorded: bool = False):
    """Enrollments in (student, course, day or None for today) and out (student, course), by statements, with the
    history of each course's students and, unless the students' own history has it already, of each student's
    courses; each of them goes up a version."""
    if added:
        today = date.today()
        insert_rows(session, Enrollment, [{"student_id": s, "course_id": c, "enrolled_on": d or today}
                                          for s, c, d in added])
    if removed:
        table = Enrollment.__table__
        session.execute(db.delete(table).where(table.c.student_id == bindparam("s"), table.c.course_id == bindparam("c")),
                        [{"s": s, "c": c} for s, c in removed])
    sides = [(Course, 1, 0, "student_ids")] + ([] if students_recorded else [(Student, 0, 1, "course_ids")])
    for model, mine, other, name in sides:
        changes = defaultdict(lambda: {"+": [], "-": []})
        for pair in added:
            changes[pair[mine]]["+"].append(pair[other])
        for pair in removed:
            changes[pair[mine]]["-"].append(pair[other])
        if changes:
            record_set_changes(session, model, name, changes)


def record_set_changes(session, model, name: str, changes: dict):
    ids = sorted(changes)
    other = Student if model is Course else Course
    names = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        session.execute(db.update(model).where(model.id.in_(chunk)).values(version=model.version + 1,
                                                                            updated_at=utcnow()),
                        execution_options={"synchronize_session": False})
    rows = {}
    for start in range(0, len(ids), CHUNK):
        query = db.select(model.id, model.version, history.label_of(model)).where(model.id.in_(ids[start:start + CHUNK]))
        rows |= {id: (version, label) for id, version, label in session.execute(query)}
    others = sorted({id for sets in changes.values() for side in sets.values() for id in side})
    for start in range(0, len(others), CHUNK):
        query = db.select(other.id, history.label_of(other)).where(other.id.in_(others[start:start + CHUNK]))
        names |= {str(id): label for id, label in session.execute(query)}
    record_many(session, model, "edit", [
        {"row_id": id, "label": rows[id][1], "version": rows[id][0], "fields": {name: sets},
         "labels": {name: {str(i): names[str(i)] for side in sets.values() for i in side if str(i) in names}}}
        for id, sets in changes.items()])
