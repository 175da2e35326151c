"""The change history as the pages show it: each change's lines, and each record's History page (the site-wide
Changes page and undoing are views/changes.py)."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from formatting import long_date, timestamp
from models import ID_MAX, Change, ChangeSet, db
from records.pending import ENROLLMENTS
from resources import COURSES, STUDENTS, USERS

PAGE_SIZE = 50
RESOURCES = {resource.model.__tablename__: resource for resource in (USERS, STUDENTS, COURSES)}
# Fields that are not a form's: how the history names them.
NAMES = {"created_at": "Added", "password": "Password",
         "course_ids": "Courses", "student_ids": "Students", "advisee_ids": "Advisees",
         "course_taught_ids": "Courses taught"}
ACTIONS = {"create": "Added", "edit": "Changed", "delete": "Deleted"}
NAMED_ROWS = 10  # a change to more related rows than this says how many, not which


@dataclass
class Entry:
    """One row's change, as the history pages show it."""

    change: Change
    change_set: ChangeSet
    undone_by: str | None  # who undid its change set, if anyone
    resource: object
    lines: list[tuple[str, str, str, bool]]  # (field, before, after, False); for a set, (field, added, removed, True)
    more: int = 0  # the Changes page: how many more rows its change set changed, after this one (not shown)


def entries(rows) -> list[Entry]:
    """rows: (change, its change set, the name of who undid it)."""
    return [Entry(change, change_set, undone_by, RESOURCES[change.table_name], lines(change))
            for change, change_set, undone_by in rows]


def lines(change: Change) -> list[tuple[str, str, str, bool]]:
    resource, labels = RESOURCES[change.table_name], json.loads(change.labels)
    shown = []
    for name, values in json.loads(change.data).items():
        if name == ENROLLMENTS:  # a deleted row's enrollments, kept to restore them: its Courses (Students) line says
            continue
        label = NAMES.get(name) or field_label(resource.form, name)
        if isinstance(values, dict):  # a set: its rows by name, or (a bulk change's hundreds) how many
            added, removed = (named_rows(values[sign], labels.get(name, {}), label) for sign in "+-")
            shown.append((label, added, removed, True))
        elif name == "password":  # kept as whether there is one, never what it is
            shown.append((label, "", "set" if values[1] else "removed", False))
        elif change.action == "edit":
            before, after = (value(resource, name, v, labels) for v in values)
            shown.append((label, before, after, False))
        else:
            kept = values[1] if change.action == "create" else values[0]
            shown.append((label, "", value(resource, name, kept, labels), False))
    return shown


def named_rows(ids: list, labels: dict, label: str) -> str:
    if len(ids) > NAMED_ROWS:
        return f"{len(ids):,} {label.lower()}"
    return ", ".join(labels.get(str(id), f"#{id}") for id in ids)


def field_label(form, name: str) -> str:
    unbound = getattr(form, name, None)
    return unbound.args[0] if unbound is not None and unbound.args else name.replace("_", " ").capitalize()


def value(resource, name, raw, labels) -> str:
    if raw is None or raw == "" or raw == []:
        return "—"
    if name in labels:
        ids = raw if isinstance(raw, list) else [raw]
        return ", ".join(labels[name].get(str(id), f"#{id}") for id in ids)
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    column = resource.model.__table__.columns.get(name)
    kind = column.type.python_type if column is not None else None
    if kind is datetime:  # a deleted row's time added, as its backend wrote it into JSON
        return timestamp(datetime.fromisoformat(raw))
    if kind is date:
        return long_date(date.fromisoformat(raw))
    if kind is Decimal:  # hundredths, as every page shows them ("3.00"), however the form gave them ("3")
        return f"{Decimal(raw):.2f}"
    return str(raw)


def newest_first(query, before: int | None):
    """A page of changes, newest first, from the cursor on: the rows and the cursor of the next page."""
    if before:
        query = query.where(Change.id < before)
    rows = db.session.execute(with_change_sets(query).order_by(Change.id.desc()).limit(PAGE_SIZE + 1)).all()
    return entries(rows[:PAGE_SIZE]), rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None


def recent_changes(limit: int) -> list:
    """The latest `limit` changes, newest first, for the home page."""
    return entries(db.session.execute(with_change_sets(db.select(Change)).order_by(Change.id.desc()).limit(limit)).all())


def undoable(shown: list[Entry]) -> set[int]:
    """The change sets of `shown` the signed-in user may undo: those that changed only kinds of record their role
    may edit (an editor may not undo a user's delete, which also changed their advisees)."""
    ids = {entry.change_set.id for entry in shown}
    barred = [table for table, resource in RESOURCES.items() if not current_user.at_least(resource.edit_role)]
    if not ids or len(barred) == len(RESOURCES):
        return set()
    if barred:
        ids -= set(db.session.scalars(db.select(Change.change_set_id).distinct()
                                      .where(Change.table_name.in_(barred), Change.change_set_id.in_(ids))))
    return ids


def with_change_sets(query):
    """Each change with its change set, and the name of whoever undid that."""
    undoing = aliased(ChangeSet)
    return (query.join(ChangeSet, Change.change_set_id == ChangeSet.id).add_columns(ChangeSet, undoing.user_name)
            .outerjoin(undoing, ChangeSet.undone_by_id == undoing.id))


def add_history(blueprint, resource):
    """The History page of each of the resource's records, /<name>/<id>/history, linked from its page."""

    def history(id):
        record = db.session.get(resource.model, id)
        before = request.args.get("before", type=int)
        query = db.select(Change).where(Change.table_name == resource.model.__tablename__, Change.row_id == id)
        shown, next_before = newest_first(query, before if before and 0 < before <= ID_MAX else None)
        if record is None and not shown:
            abort(404)
        name = str(record) if record else shown[0].change.label
        return render_template("history.html", resource=resource, record=record, name=name, entries=shown,
                               next_before=next_before, undoable=undoable(shown))

    history.__doc__ = f"Every change to one {resource.noun}, newest first."
    blueprint.add_url_rule("/<int:id>/history", "history", history)
