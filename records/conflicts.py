"""Saving a form opened at an older version of its record: a three-way merge, field by field, of what the form was
opened with (read back from the history), what is saved now, and what was posted.

A field only one side changed takes that side's value; a set of related rows (a student's courses) takes both
sides' additions and removals; a field both changed to different values is a conflict: nothing is saved, and the
field says whose value is saved and when, with the person's own value still in the box.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from formatting import timestamp
from models import Change, ChangeSet, db
from records.pending import ENROLLMENTS


@dataclass
class Merge:
    theirs: list[str] = field(default_factory=list)  # labels of the fields only they changed: kept
    conflicts: int = 0
    by: list[str] = field(default_factory=list)  # who saved meanwhile

    def note(self) -> str | None:
        """What the flash after a merged save says, when it kept a change of theirs."""
        if not self.theirs:
            return None
        fields = " and ".join(name.lower() if name != "GPA" else name for name in self.theirs)
        return f"{' and '.join(self.by)} changed the {fields} while you were editing; your changes were saved with it."


def merge(form, record, opened: int) -> Merge:
    """Sets the form's fields to the merged values and marks conflicts as field errors; for a form opened at
    `opened` whose record is now at a later version."""
    earlier, latest = values_since(record, opened)
    merged = Merge(by=sorted({change_set.user_name for change_set in latest.values()}))
    for name, before in earlier.items():
        if name not in form._fields or name in ("csrf_token", "version"):
            continue
        field, now = form[name], getattr(record, name)
        mine = field.data
        if isinstance(before, set):  # added and removed by either side
            mine = set(mine or [])
            if set(now) != before:
                merged.theirs.append(field.label.text)
            show(field, sorted((set(now) | (mine - before)) - (before - mine)))
        elif same(mine, before):
            if not same(now, before):
                merged.theirs.append(field.label.text)
            show(field, now)
        elif not same(mine, now) and not same(now, before):
            change_set = latest[name]
            field.errors = [*field.errors, f"{change_set.user_name} saved {described(field, now)} here "
                            f"on {timestamp(change_set.at)} while you were editing. Yours is in the box: save to keep "
                            "it, or change it."]
            field.theirs = now  # the form offers to take it (take_theirs)
            merged.conflicts += 1
    form.version.data, form.version.raw_data = record.version, [str(record.version)]
    return merged


def take_theirs(form, name: str):
    """The form shows the value saved now in field `name`, as the person chose on the conflict screen; not saved."""
    if name in form._fields and name not in ("csrf_token", "version") and form.obj is not None:
        show(form[name], getattr(form.obj, name, None))
        form.form_errors.append(f"{form[name].label.text} now shows the value saved meanwhile. Save to keep it.")


def values_since(record, opened: int) -> tuple[dict, dict]:
    """Each field changed since version `opened`: its value then, and the change set that last changed it."""
    later = db.session.execute(
        db.select(Change, ChangeSet)
        .join(ChangeSet)
        .where(Change.table_name == record.__tablename__, Change.row_id == record.id, Change.version > opened)
        .order_by(Change.id)
    ).all()
    earlier, latest = {}, {}
    for change, change_set in later:
        for name, values in json.loads(change.data).items():
            if name == ENROLLMENTS:  # the enrollments a change took out, as they were: its set's change says which
                continue
            if isinstance(values, dict):  # a set: what it was before every later addition and removal
                now = earlier.get(name, set(getattr(record, name)))
                earlier[name] = (now - set(values["+"])) | set(values["-"])
            else:
                earlier.setdefault(name, decoded(record, name, values[0]))
            latest[name] = change_set
    return earlier, latest


def decoded(record, name, value):
    """A value as the history keeps it (JSON), as the record's (or its model's) attribute holds it."""
    column = record.__table__.columns.get(name)
    if value is None or column is None:
        return value
    kind = column.type.python_type
    if kind is bool:  # SQLite and MariaDB write booleans into JSON as 1 and 0
        return bool(value)
    return date.fromisoformat(value) if kind is date else Decimal(value) if kind is Decimal else value


def same(a, b) -> bool:
    return (a if a != "" else None) == (b if b != "" else None)


def show(field, value):
    """The form shows (and will post) `value` in this field."""
    field.data, field.raw_data = value, []


def described(field, value) -> str:
    if value is None or value == "":
        return "nothing"
    model = getattr(field, "model", None)
    if model is not None:
        row = db.session.get(model, value)
        return f"“{row}”" if row else "a deleted record"
    if isinstance(value, bool):
        return "“yes”" if value else "“no”"
    return f"“{value:%-d %b %Y}”" if isinstance(value, date) else f"“{value}”"
