"""Bulk actions on a list: the rows ticked on its page, or every row its search and filters match. One page asks
what the action needs, shows what will happen (how many rows, with counts and examples), then makes the change as
one change set, offering Undo.

The selection is posted as the ids ticked, or as `all` with the list's query string: every row that query matches
when the action runs. The confirmation names the newest change it saw and how many rows it counted; if a row of the
selection changed after that, or the count moved, or someone saved or deleted a row of it as it ran, the action
does not run (or is rolled back) and the confirmation is shown again, saying why.
"""

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

import records
from actions.users import includes_me
from database.backend import backend
from formatting import plural
from listing import ListArgs, Listing
from listing.counts import count_cap
from models import Change, db
from records import history
from validators import possible_ids
from views.pickers import pickers, searching
from views.steps import offer_undo

TICKED_MAX = 1000  # ids one post may tick: more than any page shows
IGNORED = {"page", "cursor", "select"}  # where the list was, not what it matches


@dataclass
class Selection:
    ticked: list[int]  # the ids ticked, or [] when the selection is every row the query matches
    query: str  # the list's query string
    listing: Listing  # the list, narrowed to the ticked rows when there are some
    args: ListArgs  # what the list is asked

    @property
    def everything(self) -> bool:
        return not self.ticked

    @property
    def unordered(self) -> Select:
        """The selected rows' ids."""
        return self.listing.matching_ids(self.args).order_by(None)

    def first(self, n: int, count: int) -> list[int]:
        """The ids of the first `n` selected rows in the list's order, `count` being how many are selected."""
        ids = self.listing.matching(self.args, self.listing.model.id, many=count > count_cap())
        return db.session.scalars(ids.limit(n)).all()


def read_selection(resource, form) -> Selection:
    """The selection a form posted; a 400 with the reason when it names what the list does not have."""
    listing, query = resource.listing, form.get("query", "")[:2000]
    given = MultiDict(parse_qsl(query, keep_blank_values=True))
    args = listing.args(given)
    unknown = sorted(set(given) - set(args._fields) - IGNORED)
    if unknown:
        abort(400, f"The selection names what the {resource.name} list does not have ({', '.join(unknown)[:100]}): "
                   "go back to the list and select again.")
    if wrong := [args[name].label.text for name in given if name in args._fields and args[name].errors]:
        abort(400, f"The selection's {', '.join(wrong)} is not valid: go back to the list and select again.")
    if form.get("all"):
        return Selection([], query, listing, args)
    ticked = possible_ids(form.getlist("id", type=int)[:TICKED_MAX + 1])
    if len(ticked) > TICKED_MAX:
        abort(400, f"Tick at most {TICKED_MAX:,} rows, or select all that match.")
    only_sort = listing.args(MultiDict({"sort": args.value("sort") or ""}))
    return Selection(ticked, query, listing.within(resource.model.id.in_(ticked)), only_sort)


def add_bulk(blueprint, resource):
    """POST /<name>/bulk: the list's actions, for the roles the resource declares."""

    def bulk():
        query = urlencode(parse_qsl(request.form.get("query", "")[:2000], keep_blank_values=True))  # encoded again
        back = url_for(".index") + (f"?{query}" if query else "")
        action = next((a for a in resource.actions if a.name == request.form.get("action")), None)
        if not current_user.at_least(action.role or resource.edit_role if action else resource.edit_role):
            abort(403, f"Your role ({current_user.role}) may not do this; ask an admin.")
        if action is None:
            flash("Choose what to do with the selected rows.", "warning")
            return redirect(back)
        selection = read_selection(resource, request.form)
        if not selection.ticked and not request.form.get("all"):
            flash(f"Tick the {resource.name} to act on, or select all that match.", "warning")
            return redirect(back)
        form, step = action.form(), request.form.get("then", "")
        deleted_before = deleted_since(resource, selection) if step == "run" else 0  # as the rows are counted
        count, sample_ids = action.tally(resource, selection)
        action.leave_out_moot(form)
        notices = []
        if selection.ticked and count < len(selection.ticked):
            gone = len(selection.ticked) - count
            notices.append(f"{gone:,} of the {len(selection.ticked):,} ticked {resource.name} no longer exist "
                           "(deleted meanwhile): the action is for the others.")
        asks = [name for name in form._fields if name not in ("csrf_token", "include_me")]
        checking = step in ("preview", "run") or (not asks and step == "")
        preview = None
        me = action.lets_go and includes_me(selection.unordered)
        if count and checking and not searching(form) and form.validate_on_submit():
            if refusal := action.refusal(resource, selection.unordered, form):
                form.form_errors.append(refusal)
            elif step == "run" and (why := changed_since(resource, selection, form, count)):
                notices.append(why)
            elif step == "run" and me and not form.include_me.data:
                form.include_me.errors = ["You are one of them: tick this to include yourself, or go back and "
                                          "untick your own row."]
            elif step == "run":
                try:
                    summary = run(action, resource, selection, form, count, deleted_before)
                except ChangedMeanwhile as meanwhile:
                    notices.append(str(meanwhile))
                    count, sample_ids = action.tally(resource, selection)  # as it is now, to be confirmed again
                else:
                    if summary:
                        flash(f"{summary[0].upper()}{summary[1:]}.", "success")
                        offer_undo()
                    else:
                        flash(f"Nothing changed: {'it has' if count == 1 else f'all {count:,} have'} that already.",
                              "info")
                    return redirect(back)
            if not form.form_errors:
                preview = action.preview(resource, selection.unordered, form, count)
        sample = db.session.scalars(db.select(resource.model).where(resource.model.id.in_(sample_ids))).all()
        sample.sort(key=lambda row: sample_ids.index(row.id))
        return render_template(
            "bulk.html", resource=resource, action=action, form=form, selection=selection, count=count,
            sample=sample, preview=preview, notices=notices, back=back, me=me, pickers=pickers(form),
            newest=newest_change(), chosen=choices(form),
        )

    bulk.__doc__ = f"Act on several {resource.name} at once: ask, show what will happen, then do it."
    blueprint.add_url_rule("/bulk", "bulk", bulk, methods=["POST"])


class NothingChanged(Exception):
    """A bulk action that changed no row: its change is rolled back, so the history holds no empty change set."""


class ChangedMeanwhile(Exception):
    """A bulk action that would replace a change someone saved as it ran: rolled back, with why in words."""


def run(action, resource, selection, form, count: int, deleted_before: int) -> str | None:
    """Runs the action as one change and returns what it did, in words, named for the rows it changed (those that
    had the value already are not counted); None, and nothing written, when it changed none."""
    try:
        with records.change(summary=action.summary(resource, count, form), many=True) as session:
            changed = action.run(session, resource, selection.unordered, form)
            if why := meanwhile(session, resource, selection, deleted_before):
                raise ChangedMeanwhile(why)
            if not changed:
                raise NothingChanged
            summary = action.summary(resource, changed, form)
            if changed != count:
                history.summarize(session, summary)
    except NothingChanged:
        g.pop("change_set_id", None)
        return None
    return summary


def changed_since(resource, selection, form, count) -> str | None:
    """Why the confirmation must be shown again: the choice changed after it was shown, the selection no longer
    counts the same, or a row of it was changed since."""
    if request.form.get("previewed") != choices(form):
        return "You changed the choice after seeing what it does: check again, then confirm."
    if request.form.get("count", type=int) != count:
        return (f"The selection now holds {count:,} {resource.name}, not {request.form.get('count', '?')[:12]}: "
                "someone added, changed or deleted some meanwhile. Check again, then confirm.")
    seen = request.form.get("newest", type=int) or 0
    changed = db.session.scalar(
        db.select(db.func.count()).where(Change.id > seen, Change.table_name == resource.model.__tablename__,
                                         Change.row_id.in_(selection.unordered)))
    if changed:
        return (f"{changed:,} of these {resource.name} changed since you were shown what would happen: check again, "
                "then confirm.")
    return None


def meanwhile(session, resource, selection, deleted_before: int) -> str | None:
    """Why the action just run must be taken back: someone else saved or deleted rows of it after changed_since
    looked and before its statements reached them. Never on SQLite, where nobody saves between the two (its writers
    take turns); PostgreSQL and MariaDB run them at once, and their statements pass over a row deleted meanwhile."""
    if backend().writers_take_turns:
        return None
    saved, deleted = saved_meanwhile(session, resource), deleted_since(resource, selection, session) - deleted_before
    if not (saved or deleted):
        return None
    said = [f"{saved:,} of these {resource.name} changed"] if saved else []
    if deleted:
        if not selection.ticked:  # any row of the table: whether it matched the search went with it
            whom = plural(deleted, resource.noun)
        else:
            whom = f"{deleted:,}" if saved else f"{deleted:,} of these {resource.name}"
        said.append(f"{whom} {'was' if deleted == 1 else 'were'} deleted")
    return f"{' and '.join(said)} while it ran: nothing was changed. Check again, then confirm."


def saved_meanwhile(session, resource) -> int:
    """How many rows the action in progress changed were saved by someone else since the confirmation, after
    changed_since looked. Read after its statements, whose row locks keep any later save of those rows waiting, as
    committed now (a locking read)."""
    table, mine = resource.model.__tablename__, session.info[history.CHANGE_SET][0]
    changed = db.select(Change.row_id).where(Change.change_set_id == mine, Change.table_name == table)
    seen = request.form.get("newest", type=int) or 0
    others = (db.select(Change.row_id).where(Change.id > seen, Change.table_name == table, Change.row_id.in_(changed),
                                             Change.change_set_id != mine, Change.action != "delete")
              .with_for_update(read=True))
    return len(set(session.scalars(others)))


def deleted_since(resource, selection, session=None) -> int:
    """How many rows of the selection's table (of the ticked rows, if ticked) someone else deleted since the
    confirmation: counted before the rows are (`session` None), and again after the action's statements, as
    committed then (a locking read), the difference being those deleted as it ran. 0 on SQLite (see meanwhile)."""
    if backend().writers_take_turns:
        return 0
    seen = request.form.get("newest", type=int) or 0
    deletes = db.select(Change.id).where(Change.id > seen, Change.table_name == resource.model.__tablename__,
                                         Change.action == "delete")
    if selection.ticked:
        deletes = deletes.where(Change.row_id.in_(selection.ticked))
    if session is None:
        return db.session.scalar(db.select(db.func.count()).select_from(deletes.subquery()))
    mine = deletes.where(Change.change_set_id != session.info[history.CHANGE_SET][0])
    return len(session.scalars(mine.with_for_update(read=True)).all())


def newest_change() -> int:
    return db.session.scalar(db.select(db.func.max(Change.id))) or 0


def choices(form) -> str:
    """What the form asks for, as posted: so a confirmation can tell that it is confirming what it showed."""
    return json.dumps({name: str(field.data) for name, field in form._fields.items()
                       if name not in ("csrf_token", "include_me")}, sort_keys=True)
