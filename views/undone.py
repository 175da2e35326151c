"""What undoing a change set says it did, in the words of what was done, and which page it goes back to."""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from formatting import plural
from models import Change, db
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

    def undone(self) -> str:
        """The message after undoing it, in the words of what was done: "Undone: removed Ana Ruiz from MATH-101."."""
        main, noun = self.main, RESOURCES[self.main.table_name].noun
        if enrolled := self.enrollment():
            return f"Undone: {enrolled}."
        if main.action == "delete":
            said = f"Restored {noun} “{main.label}”"
        else:
            said = f"Undone: {ACTIONS[main.action].lower()} {noun} “{main.label}”"
        others = {table: count for table, count in self.counts.items() if table != main.table_name}
        if main.table_name == "users" and main.action == "delete" and self.counts["users"] == 1:
            # a deleted user's advisees and courses, unlinked with them, are linked again
            given = [plural(others[table], RESOURCES[table].noun) + as_what
                     for table, as_what in (("students", " as advisees"), ("courses", " to teach")) if table in others]
            return f"{said}, and gave back {' and '.join(given)}." if given else f"{said}."
        if main.table_name in SIDES and set(others) <= {SIDES[main.table_name]} and self.counts[main.table_name] == 1:
            return f"{said}."  # the other rows are the other side of its enrollments: the same change
        return f"{said} and {self.rows - 1:,} more." if self.rows > 1 else f"{said}."

    def enrollment(self) -> str | None:
        """A student enrolled in, or taken off, one course, as the person did it: "enrolled Ana Ruiz in MATH-101"."""
        main = self.main
        if self.rows != 2 or main.action != "edit" or set(self.counts) != set(SIDES) or main.table_name not in SIDES:
            return None
        data, labels = json.loads(main.data), json.loads(main.labels)
        name = "course_ids" if main.table_name == "students" else "student_ids"
        if set(data) != {name} or len(data[name]["+"]) + len(data[name]["-"]) != 1:
            return None
        [other] = data[name]["+"] + data[name]["-"]
        other = labels.get(name, {}).get(str(other), f"#{other}")
        student, course = (main.label, other) if name == "course_ids" else (other, main.label.split(" ")[0])
        return f"enrolled {student} in {course}" if data[name]["+"] else f"removed {student} from {course}"

    def after_undo(self, came_from: str | None) -> str:
        """Back to the page the undo was asked on, if it still shows something (not a record the undo took away);
        else to the row (or its history, if gone), or the Changes page for many rows."""
        if came_from and still_there(came_from):
            return came_from
        if self.rows > 1:
            return url_for("changes.index")
        gone = db.session.get(RESOURCES[self.main.table_name].model, self.main.row_id) is None
        return url_for(f"{RESOURCES[self.main.table_name].name}.{'history' if gone else 'detail'}", id=self.main.row_id)


SIDES = {"students": "courses", "courses": "students"}  # the two tables an enrollment changes


def came_from() -> str | None:
    """The page Undo was pressed on: the form's `next`, else the page that posted it (a message's Undo, which any
    page shows), when it is one of this site's."""
    target = request.form.get("next")
    if not target and request.referrer:
        parts = urlsplit(request.referrer)
        if parts.netloc == request.host:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_redirect(target) else None


def still_there(path: str) -> bool:
    """Whether a page of this site is still there: not a record's own page once the record is gone (its History
    page stays)."""
    try:
        endpoint, args = current_app.url_map.bind(request.host).match(urlsplit(path).path, method="GET")
    except HTTPException:  # not a page, or a redirect to one
        return False
    blueprint, _, view = endpoint.partition(".")
    resource = next((r for r in RESOURCES.values() if r.name == blueprint), None)
    if resource is None or "id" not in args or view == "history":
        return True
    return db.session.scalar(db.select(resource.model.id).where(resource.model.id == args["id"])) is not None
