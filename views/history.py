"""The change history: each record's History page, the site-wide Changes page, and undoing a change set."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased
from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional

from formatting import long_date
from listing.args import RowIdField
from models import ID_MAX, Change, ChangeSet, User, db
from records import undo as undoing
from resources import COURSES, STUDENTS, USERS
from security import is_safe_redirect
from views.steps import offer_undo

bp = Blueprint("changes", __name__, url_prefix="/changes")

PAGE_SIZE = 50
RESOURCES = {resource.model.__tablename__: resource for resource in (USERS, STUDENTS, COURSES)}
# Fields that are not a form's: how the history names them.
NAMES = {"password": "Password", "course_ids": "Courses", "student_ids": "Students", "advisee_ids": "Advisees",
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


def entries(rows) -> list[Entry]:
    """rows: (change, its change set, the name of who undid it)."""
    return [Entry(change, change_set, undone_by, RESOURCES[change.table_name], lines(change))
            for change, change_set, undone_by in rows]


def lines(change: Change) -> list[tuple[str, str, str, bool]]:
    resource, labels = RESOURCES[change.table_name], json.loads(change.labels)
    shown = []
    for name, values in json.loads(change.data).items():
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
    if column is not None and column.type.python_type is date:
        return long_date(date.fromisoformat(raw))
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
                               next_before=next_before)

    history.__doc__ = f"Every change to one {resource.noun}, newest first."
    blueprint.add_url_rule("/<int:id>/history", "history", history)


class ChangesArgs(Form):
    """The Changes page's filters."""

    user = RowIdField("By")
    kind = SelectField("Record", choices=[SelectChoice("", "Any"), *(SelectChoice(n, r.title) for n, r in RESOURCES.items())])
    action = SelectField("Change", choices=[SelectChoice("", "Any"), *(SelectChoice(*a) for a in ACTIONS.items())])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    before = RowIdField("Before")


@bp.get("")
def index():
    """Every change, newest first, by who, record, kind of change and date."""
    args = ChangesArgs(request.args)
    args.validate()
    query = db.select(Change)
    if args.user.data and not args.user.errors:
        query = query.where(Change.user_id == args.user.data)
    if args.kind.data in RESOURCES:
        query = query.where(Change.table_name == args.kind.data)
    if args.action.data in ACTIONS:
        query = query.where(Change.action == args.action.data)
    # A date range is a range of ids, each end found by one index seek: changes are numbered in the order made.
    if args.since.data and not args.since.errors:
        first_set = db.select(ChangeSet.id).where(ChangeSet.at >= args.since.data).order_by(ChangeSet.at).limit(1)
        first = (db.select(Change.id).where(Change.change_set_id >= first_set.scalar_subquery())
                 .order_by(Change.change_set_id, Change.id).limit(1))
        query = query.where(Change.id >= first.scalar_subquery())
    if args.until.data and not args.until.errors:
        next_day = args.until.data + timedelta(days=1)
        last_set = db.select(ChangeSet.id).where(ChangeSet.at < next_day).order_by(ChangeSet.at.desc()).limit(1)
        last = (db.select(Change.id).where(Change.change_set_id <= last_set.scalar_subquery())
                .order_by(Change.change_set_id.desc(), Change.id.desc()).limit(1))
        query = query.where(Change.id <= last.scalar_subquery())
    shown, next_before = newest_first(query, None if args.before.errors else args.before.data)
    by = db.session.get(User, args.user.data) if args.user.data and not args.user.errors else None
    without_user = url_for(".index", **{k: v for k, v in request.args.items() if k not in ("user", "before")})
    return render_template("changes.html", args=args, entries=shown, next_before=next_before,
                           by=by, without_user=without_user)


@dataclass
class Outline:
    """What a change set did, in brief, read without loading its every row: its main change (a create or delete
    before an edit), how many rows it changed, and in which tables."""

    main: Change
    rows: int
    tables: list[str]

    @classmethod
    def of(cls, change_set_id: int) -> "Outline":
        of_set = Change.change_set_id == change_set_id
        main = db.session.scalar(db.select(Change).where(of_set)
                                 .order_by(db.case((Change.action == "edit", 1), else_=0), Change.id).limit(1))
        rows = db.session.scalar(db.select(db.func.count()).where(of_set))
        tables = db.session.scalars(db.select(Change.table_name).where(of_set).distinct()).all()
        return cls(main, rows, tables)

    def may_undo(self) -> bool:
        return all(current_user.at_least(RESOURCES[table].edit_role) for table in self.tables)

    def summary(self) -> str:
        main = self.main
        what = f"{ACTIONS[main.action].lower()} {RESOURCES[main.table_name].noun} “{main.label}”"
        return f"{what} and {self.rows - 1:,} more" if self.rows > 1 else what

    def after_undo(self, next: str | None) -> str:
        """Back to the history page the undo was asked on; from elsewhere, to the row (or its history, if gone)."""
        if is_safe_redirect(next) and (next.startswith(url_for(".index")) or "/history" in next):
            return next
        if self.rows > 1:
            return url_for(".index")
        gone = self.main.action == "create"
        return url_for(f"{RESOURCES[self.main.table_name].name}.{'history' if gone else 'detail'}", id=self.main.row_id)


@bp.post("/<int:id>/undo")
def undo(id):
    """Undo a change set, asking first when later changes touched the same fields."""
    change_set = db.get_or_404(ChangeSet, id)
    outline = Outline.of(id)
    if not outline.may_undo():
        abort(403, f"Your role ({current_user.role}) may not do this; ask an admin.")
    back = outline.after_undo(request.form.get("next"))
    if change_set.undone_by_id is not None:
        flash("That change was undone already.", "info")
        return redirect(back)
    later = undoing.later_changes(change_set)
    if later and not request.form.get("overwrite"):
        rows = db.session.execute(with_change_sets(db.select(Change).where(Change.id.in_(later[:PAGE_SIZE]))))
        return render_template("undo.html", change_set=change_set, entries=entries(rows), back=back)
    summary = f"{change_set.summary} (a bulk change)" if change_set.summary else outline.summary()
    missing = undoing.undo(change_set)
    flash(f"Undone: {summary}.", "success")
    for what in missing:
        flash(f"Could not bring back {what}.", "warning")
    offer_undo()
    return redirect(back)


def explain_deleted():
    """A record's page that 404s because the record was deleted: who deleted it and when, and Restore. None for
    any other 404."""
    resource = next((r for r in RESOURCES.values() if r.name == request.blueprint), None)
    id = (request.view_args or {}).get("id")
    if resource is None or id is None:
        return None
    found = db.session.execute(
        with_change_sets(db.select(Change))
        .where(Change.table_name == resource.model.__tablename__, Change.row_id == id, Change.action == "delete")
        .order_by(Change.id.desc()).limit(1)
    ).first()
    if found is None:
        return None
    change, change_set, _ = found
    may = Outline.of(change_set.id).may_undo()
    return render_template("deleted.html", resource=resource, change=change, change_set=change_set, may_restore=may,
                           editing=request.method == "POST"), 404
