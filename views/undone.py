"""What undoing a change set says it did, in the words of what was done, and which page it goes back to."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from formatting import plural
from models import Change, ChangeSet, db
from records import history
from records.pending import ENROLLMENTS
from security import is_safe_redirect
from views.history import ACTIONS, RESOURCES


@dataclass
class Outline:
    """What a change set did, in brief, read without loading its every row: its main change (a create or delete
    before an edit), how many rows of each table it changed, and in which tables."""

    main: Change
    rows: int
    counts: dict[str, int]  # rows changed, by table

    @classmethod
    def of(cls, change_set_id: int) -> "Outline":
        of_set = Change.change_set_id == change_set_id
        main = db.session.scalar(db.select(Change).where(of_set)
                                 .order_by(db.case((Change.action == "edit", 1), else_=0), Change.id).limit(1))
        counts = dict(db.session.execute(db.select(Change.table_name, db.func.count()).where(of_set)
                                         .group_by(Change.table_name)).all())
        return cls(main, sum(counts.values()), counts)

    @property
    def tables(self) -> list[str]:
        return list(self.counts)

    def may_undo(self) -> bool:
        return all(current_user.at_least(RESOURCES[table].edit_role) for table in self.tables)

    def done(self) -> str:
        """What it did, in words: "changed student “Ana Ruiz”", "added 4,999 students and 1 course"."""
        if enrolled := self.enrollment():
            return enrolled
        main = self.main
        if self.one_record():
            return f"{ACTIONS[main.action].lower()} {RESOURCES[main.table_name].noun} “{main.label}”"
        return self.tally()

    def undone(self, changed: dict[str, int]) -> str:
        """The message after undoing it, in the words of what was done: "Undone: removed Ana Ruiz from MATH-101.";
        `changed`: the rows the undo changed, by table (records.undo.Undone)."""
        main, noun = self.main, RESOURCES[self.main.table_name].noun
        if main.action != "delete" or not self.one_record() or self.enrollment():
            return f"Undone: {self.done()}."
        said = f"Restored {noun} “{main.label}”"
        others = {table: count for table, count in self.counts.items() if table != main.table_name}
        if main.table_name == "users":
            # a deleted user's advisees and courses, unlinked with them, are linked again: those the undo changed,
            # not those given to someone else since
            given = [plural(changed[table], RESOURCES[table].noun) + as_what
                     for table, as_what in (("students", " as advisees"), ("courses", " to teach"))
                     if table in others and changed.get(table)]
            return f"{said}, and gave back {' and '.join(given)}." if given else f"{said}."
        return f"{said}."

    def one_record(self) -> bool:
        """Whether it changed one record, with what changed along with it: the other side of its enrollments, or a
        deleted user's advisees and courses."""
        main = self.main
        if self.counts[main.table_name] != 1:
            return False
        others = set(self.counts) - {main.table_name}
        return (not others or main.table_name == "users" and main.action == "delete"
                or main.table_name in SIDES and others <= {SIDES[main.table_name]})

    def tally(self) -> str:
        """Its rows by table and kind of change: "added 4,999 students and 1 course" (records.history.tally)."""
        return history.tally(db.session, self.main.change_set_id)

    def enrollment(self) -> str | None:
        """A student enrolled in, or taken off, one course, as the person did it: "enrolled Ana Ruiz in MATH-101"."""
        main = self.main
        if self.rows != 2 or main.action != "edit" or set(self.counts) != set(SIDES) or main.table_name not in SIDES:
            return None
        data, labels = json.loads(main.data), json.loads(main.labels)
        name = "course_ids" if main.table_name == "students" else "student_ids"
        if set(data) - {ENROLLMENTS} != {name} or len(data[name]["+"]) + len(data[name]["-"]) != 1:
            return None
        [other] = data[name]["+"] + data[name]["-"]
        other = labels.get(name, {}).get(str(other), f"#{other}")
        student, course = (main.label, other) if name == "course_ids" else (other, main.label.split(" ")[0])
        return f"enrolled {student} in {course}" if data[name]["+"] else f"removed {student} from {course}"

    def after_undo(self, came_from: str | None, undone: bool = False) -> str:
        """Back to the page the undo was asked on, if it still shows something (not a record the undo took away);
        else to the row (or its history, if gone), or the Changes page for many rows. `undone`: as the undo will
        leave them, read before it (after its commit, no page needs the database)."""
        undoing = self if undone else None
        if came_from and still_there(came_from, undoing):
            return came_from
        if self.rows > 1:
            return url_for("changes.index")
        resource = RESOURCES[self.main.table_name]
        gone = not exists(resource.model, self.main.row_id, undoing)
        return url_for(f"{resource.name}.{'history' if gone else 'detail'}", id=self.main.row_id)


SIDES = {"students": "courses", "courses": "students"}  # the two tables an enrollment changes
REDO_DEPTH = 20  # undos of undos followed back to the change first made


def undone_message(change_set: ChangeSet, outline: Outline) -> Callable[[dict[str, int]], str]:
    """The message after undoing `change_set`, in the words of the change first made: undoing an undo makes that
    change again ("Redone: …"), undoing that one undoes it again. Read before the undo (after its commit no page
    needs the database), it is said given the rows the undo changed, by table."""
    first, depth = change_set, 0
    while first.undoes_id is not None and depth < REDO_DEPTH:
        if (earlier := db.session.get(ChangeSet, first.undoes_id)) is None:
            break
        first, depth = earlier, depth + 1
    said = first.summary or (outline if first is change_set else Outline.of(first.id)).done()
    if depth % 2 or first.summary:
        bulk = "" if first.is_import else " (a bulk change)"  # an import's summary says so itself
        message = f"Redone: {said}." if depth % 2 else f"Undone: {said}{bulk}."
        return lambda changed: message
    return (outline if first is change_set else Outline.of(first.id)).undone


def clash_message(clash) -> Markup:
    """Why an undo was refused, with a link to the record that holds the value it would put back now."""
    resource = RESOURCES[clash.model.__tablename__]
    more = f" ({plural(clash.more, 'other value')} too)" if clash.more else ""
    return Markup("Not undone: the {} {} is now used by {} <a href=\"{}\">“{}”</a>{}. Change it there first, "
                  "then undo again.").format(clash.column, clash.value, resource.noun,
                                             url_for(f"{resource.name}.detail", id=clash.other_id), clash.other_label,
                                             more)


def came_from() -> str | None:
    """The page Undo was pressed on: the form's `next`, else the page that posted it (a message's Undo, which any
    page shows), when it is one of this site's."""
    target = request.form.get("next")
    if not target and request.referrer:
        parts = urlsplit(request.referrer)
        if parts.netloc == request.host:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_redirect(target) else None


def still_there(path: str, undoing: Outline | None = None) -> bool:
    """Whether a page of this site is still there (once `undoing` is undone): not a record's own page once the
    record is gone (its History page stays)."""
    try:
        endpoint, args = current_app.url_map.bind(request.host).match(urlsplit(path).path, method="GET")
    except HTTPException:  # not a page, or a redirect to one
        return False
    blueprint, _, view = endpoint.partition(".")
    resource = next((r for r in RESOURCES.values() if r.name == blueprint), None)
    if resource is None or "id" not in args or view == "history":
        return True
    return exists(resource.model, args["id"], undoing)


def exists(model, id: int, undoing: Outline | None = None) -> bool:
    """Whether the row is there: now, or once `undoing` is undone (a row it added is deleted, one it deleted comes
    back)."""
    if undoing is not None:
        action = db.session.scalar(db.select(Change.action).where(
            Change.change_set_id == undoing.main.change_set_id, Change.table_name == model.__tablename__,
            Change.row_id == id, Change.action.in_(("create", "delete"))).limit(1))
        if action is not None:
            return action == "delete"
    return db.session.scalar(db.select(model.id).where(model.id == id)) is not None
