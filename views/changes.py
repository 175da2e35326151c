"""The Changes page: every change set, newest first, with its newest rows (a bulk change's thousands behind a link),
filtered by who, record kind, kind of change and day; and undoing a change set."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import union_all
from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional

from listing.args import RowIdField
from models import Change, ChangeSet, User, db
from records import undo as undoing
from views.history import ACTIONS, PAGE_SIZE, RESOURCES, entries, newest_first, undoable, with_change_sets
from views.steps import offer_undo
from views.undone import Outline, came_from, clash_message, undone_message

bp = Blueprint("changes", __name__, url_prefix="/changes")

SETS_PER_PAGE = 25
ROWS_PER_SET = 3  # a change set's newest rows shown; the rest, all of them, on its own page (?set=)


class ChangesArgs(Form):
    """The Changes page's filters."""

    user = RowIdField("By")
    kind = SelectField("Record", choices=[SelectChoice("", "Any"), *(SelectChoice(n, r.title) for n, r in RESOURCES.items())])
    action = SelectField("Change", choices=[SelectChoice("", "Any"), *(SelectChoice(*a) for a in ACTIONS.items())])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
    before = RowIdField("Before")
    set = RowIdField("Change set")


def given(field) -> bool:
    """Whether a filter was asked for and can be read."""
    return bool(field.data) and not field.errors


@bp.get("")
def index():
    """Every change, newest first, by who, record, kind of change and date."""
    args = ChangesArgs(request.args)
    args.validate()
    first_set = last_set = None
    if given(args.since):
        first_set = db.select(ChangeSet.id).where(ChangeSet.at >= args.since.data).order_by(ChangeSet.at).limit(1)
    if given(args.until) and args.until.data < date.max:  # the last day there is: no end at all
        next_day = args.until.data + timedelta(days=1)
        last_set = db.select(ChangeSet.id).where(ChangeSet.at < next_day).order_by(ChangeSet.at.desc()).limit(1)
    before = args.before.data if given(args.before) else None
    one_set = db.session.get(ChangeSet, args.set.data) if given(args.set) else None
    if one_set or args.kind.data in RESOURCES or args.action.data in ACTIONS:
        shown, next_before = row_by_row(args, one_set, first_set, last_set, before)
    else:
        shown, next_before = set_by_set(args, first_set, last_set, before)
    by = db.session.get(User, args.user.data) if given(args.user) else None
    without = lambda name: url_for(".index", **{k: v for k, v in request.args.items() if k not in (name, "before")})
    return render_template("changes.html", args=args, entries=shown, next_before=next_before, by=by,
                           one_set=one_set, without=without, undoable=undoable(shown))


def row_by_row(args, one_set, first_set, last_set, before):
    """A page of changes, each row on its own: those of one change set, or those of a kind of record or change."""
    query = db.select(Change)
    if given(args.user):
        query = query.where(Change.user_id == args.user.data)
    if one_set:
        query = query.where(Change.change_set_id == one_set.id)
    if args.kind.data in RESOURCES:
        query = query.where(Change.table_name == args.kind.data)
    if args.action.data in ACTIONS:
        query = query.where(Change.action == args.action.data)
    # A date range is a range of ids, each end found by one index seek: changes are numbered in the order made.
    if first_set is not None:
        first = (db.select(Change.id).where(Change.change_set_id >= first_set.scalar_subquery())
                 .order_by(Change.change_set_id, Change.id).limit(1))
        query = query.where(Change.id >= first.scalar_subquery())
    if last_set is not None:
        last = (db.select(Change.id).where(Change.change_set_id <= last_set.scalar_subquery())
                .order_by(Change.change_set_id.desc(), Change.id.desc()).limit(1))
        query = query.where(Change.id <= last.scalar_subquery())
    return newest_first(query, before)


def set_by_set(args, first_set, last_set, before):
    """A page of change sets, newest first, each with its newest ROWS_PER_SET rows and how many more it has: a
    bulk change of 80,000 students is one entry, not 1,600 pages. `before` is a change set's id here."""
    sets = db.select(ChangeSet.id)
    if given(args.user):
        sets = sets.where(ChangeSet.user_id == args.user.data)
    if first_set is not None:
        sets = sets.where(ChangeSet.id >= first_set.scalar_subquery())
    if last_set is not None:
        sets = sets.where(ChangeSet.id <= last_set.scalar_subquery())
    if before:
        sets = sets.where(ChangeSet.id < before)
    ids = db.session.scalars(sets.order_by(ChangeSet.id.desc()).limit(SETS_PER_PAGE + 1)).all()
    page = ids[:SETS_PER_PAGE]
    if not page:
        return [], None
    newest = [db.select(Change.id).where(Change.change_set_id == id).order_by(Change.id.desc())
              .limit(ROWS_PER_SET + 1).subquery().select() for id in page]
    newest = newest[0] if len(newest) == 1 else union_all(*newest)
    rows = db.session.execute(with_change_sets(db.select(Change).where(Change.id.in_(newest)))
                              .order_by(Change.change_set_id.desc(), Change.id.desc())).all()
    per_set = {}
    for row in rows:
        per_set.setdefault(row[0].change_set_id, []).append(row)
    shown = entries([row for kept in per_set.values() for row in kept[:ROWS_PER_SET]])
    if many := [id for id, kept in per_set.items() if len(kept) > ROWS_PER_SET]:
        last = {entry.change.change_set_id: entry for entry in shown}  # the last shown row of each set
        counts = db.session.execute(db.select(Change.change_set_id, db.func.count())
                                    .where(Change.change_set_id.in_(many)).group_by(Change.change_set_id))
        for id, count in counts:
            last[id].more = count - ROWS_PER_SET
    return shown, ids[SETS_PER_PAGE - 1] if len(ids) > SETS_PER_PAGE else None


@bp.post("/<int:id>/undo")
def undo(id):
    """Undo a change set, asking first when later changes touched the same fields."""
    change_set = db.get_or_404(ChangeSet, id)
    outline = Outline.of(id)
    if not outline.may_undo():
        abort(403, f"Your role ({current_user.role}) may not do this; ask an admin.")
    asked_on = came_from()
    if change_set.undone_by_id is not None:
        flash("That change was undone already.", "info")
        return redirect(outline.after_undo(asked_on))
    later = undoing.later_changes(change_set)
    if later and not request.form.get("overwrite"):
        rows = db.session.execute(with_change_sets(db.select(Change).where(Change.id.in_(later[:PAGE_SIZE]))))
        return render_template("undo.html", change_set=change_set, entries=entries(rows),
                               done=change_set.summary or outline.done(), back=outline.after_undo(asked_on),
                               seen=len(later))
    # What it will say and where it goes, read before the undo: after its commit, no page needs the database.
    said, back = undone_message(change_set, outline), outline.after_undo(asked_on, undone=True)
    try:
        # Replacing only as many later changes as the confirmation showed: one made since is asked about first
        replacing = request.form.get("seen", 0, type=int) if request.form.get("overwrite") else 0
        undone = undoing.undo(change_set, by=current_user._get_current_object(), replacing=replacing)
    except undoing.Clashed as clashed:
        flash(clash_message(clashed.clash), "error")
        return redirect(outline.after_undo(asked_on))
    except undoing.Refused as refused:
        flash(f"Not undone: {refused}", "error")
        return redirect(outline.after_undo(asked_on))
    flash(said(undone.changed), "success")
    for what in undone.missing:
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
